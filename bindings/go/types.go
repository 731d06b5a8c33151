package fastgpt

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Role is the author of a chat message.
type Role string

// The roles of a chat message.
const (
	// RoleSystem: instructions for the model.
	RoleSystem Role = "system"
	// RoleUser: the user's question (the last message of a request).
	RoleUser Role = "user"
	// RoleAssistant: an earlier answer of the app.
	RoleAssistant Role = "assistant"
)

// Ptr returns a pointer to v, for the optional (pointer) fields of requests.
func Ptr[T any](v T) *T { return &v }

// String returns a pointer to s (see Ptr).
func String(s string) *string { return &s }

// Int returns a pointer to n (see Ptr).
func Int(n int) *int { return &n }

// Bool returns a pointer to b (see Ptr).
func Bool(b bool) *bool { return &b }

// Timestamp is a time sent by FastGPT. Time is the parsed time (UTC for FastGPT's ISO 8601
// "2024-10-13T03:29:05.779Z"; also accepted: RFC 3339 with an offset, "2006-01-02 15:04:05", and
// milliseconds since the epoch as a number); it is zero when the value was null or could not be
// parsed. Raw is the text as sent (without quotes), so nothing is lost.
type Timestamp struct {
	time.Time
	Raw string
}

var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"}

// ParseTimestamp parses s as FastGPT sends times (see Timestamp); an unknown format leaves Time
// zero.
func ParseTimestamp(s string) Timestamp {
	t := Timestamp{Raw: s}
	for _, layout := range timestampLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return t
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = time.UnixMilli(n).UTC()
	}
	return t
}

// UnmarshalJSON reads a string or a number of milliseconds; an unknown format is not an error
// (Time stays zero, Raw keeps the text).
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*t = Timestamp{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	*t = ParseTimestamp(s)
	return nil
}

// MarshalJSON writes Raw as received, else Time in RFC 3339 with milliseconds (null if zero).
func (t Timestamp) MarshalJSON() ([]byte, error) {
	switch {
	case t.Raw != "":
		return json.Marshal(t.Raw)
	case t.Time.IsZero():
		return []byte("null"), nil
	}
	return json.Marshal(t.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

// String returns Raw if set, else Time's String.
func (t Timestamp) String() string {
	if t.Raw != "" {
		return t.Raw
	}
	return t.Time.String()
}

// ChatMessage is one message of a chat completion request.
type ChatMessage struct {
	Role    Role           `json:"role"`
	Content MessageContent `json:"content"`
	// DataID becomes the stored item's dataId.
	DataID   string `json:"dataId,omitempty"`
	HideInUI bool   `json:"hideInUI,omitempty"`
}

// UserMessage returns a user message with text content.
func UserMessage(text string) ChatMessage {
	return ChatMessage{Role: RoleUser, Content: MessageContent{Text: text}}
}

// SystemMessage returns a system message.
func SystemMessage(text string) ChatMessage {
	return ChatMessage{Role: RoleSystem, Content: MessageContent{Text: text}}
}

// AssistantMessage returns an assistant message.
func AssistantMessage(text string) ChatMessage {
	return ChatMessage{Role: RoleAssistant, Content: MessageContent{Text: text}}
}

// UserMessageParts returns a user message made of text, image and file parts.
func UserMessageParts(parts ...ContentPart) ChatMessage {
	return ChatMessage{Role: RoleUser, Content: MessageContent{Parts: parts}}
}

// MessageContent is a message's content: a string (Text) or an array of parts (Parts).
//
// In a request, set Text or Parts (TextPart, ImagePart, FilePart). In an answer, a string fills
// Text; an array (detail mode sends FastGPT's stored items: text, reasoning, tool, ...) fills
// Parts, one per item, Text with the text parts joined, and Raw with the array as sent.
type MessageContent struct {
	Text  string
	Parts []ContentPart
	// Raw is an array content as received (answers only).
	Raw json.RawMessage
}

// MarshalJSON writes Raw if set (an answer sent back as received), else Parts if set, else Text
// as a string.
func (m MessageContent) MarshalJSON() ([]byte, error) {
	switch {
	case m.Raw != nil:
		return m.Raw, nil
	case m.Parts != nil:
		return json.Marshal(m.Parts)
	default:
		return json.Marshal(m.Text)
	}
}

// UnmarshalJSON reads a string into Text, and an array into Parts, Text and Raw.
func (m *MessageContent) UnmarshalJSON(b []byte) error {
	*m = MessageContent{}
	t := bytes.TrimSpace(b)
	switch {
	case len(t) > 0 && t[0] == '"':
		return json.Unmarshal(b, &m.Text)
	case string(t) == "null":
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	m.Raw = append(json.RawMessage(nil), b...)
	m.Parts = make([]ContentPart, 0, len(items))
	var text strings.Builder
	for _, it := range items {
		p, err := partFromItem(it)
		if err != nil {
			return err
		}
		if p.Type == "text" {
			text.WriteString(p.Text)
		}
		m.Parts = append(m.Parts, p)
	}
	m.Text = text.String()
	return nil
}

// partFromItem reads one array item: a request part ({"type":"text","text":"..."}) or a stored
// item ({"type":"text","text":{"content":"..."}}, same for "reasoning"); the item is kept in Raw.
func partFromItem(it json.RawMessage) (ContentPart, error) {
	var v struct {
		Type      string          `json:"type"`
		Text      json.RawMessage `json:"text"`
		Reasoning *TextValue      `json:"reasoning"`
		ImageURL  *ImageURL       `json:"image_url"`
		Name      string          `json:"name"`
		URL       string          `json:"url"`
		Key       string          `json:"key"`
	}
	if err := json.Unmarshal(it, &v); err != nil {
		return ContentPart{}, err
	}
	p := ContentPart{Type: v.Type, ImageURL: v.ImageURL, Name: v.Name, URL: v.URL, Key: v.Key, Raw: append(json.RawMessage(nil), it...)}
	if len(v.Text) > 0 {
		var s string
		var tv TextValue
		if json.Unmarshal(v.Text, &s) == nil {
			p.Text = s
		} else if json.Unmarshal(v.Text, &tv) == nil {
			p.Text = tv.Content
		}
	}
	if v.Reasoning != nil {
		p.Text = v.Reasoning.Content
	}
	return p, nil
}

// ContentPart is one part of a message. In a request: TextPart, ImagePart or FilePart. In an
// answer (detail mode), one stored item: Type "text" or "reasoning" with its Text, or another
// type ("tool", "interactive", ...) to read from Raw.
type ContentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
	Name     string    `json:"name,omitempty"`
	URL      string    `json:"url,omitempty"`
	Key      string    `json:"key,omitempty"`
	// Raw is the item as received (answers only; never sent).
	Raw json.RawMessage `json:"-"`
}

// ImageURL is the image of an image_url part.
type ImageURL struct {
	URL string `json:"url"`
}

// TextPart returns a text part.
func TextPart(text string) ContentPart { return ContentPart{Type: "text", Text: text} }

// ImagePart returns an image_url part.
func ImagePart(url string) ContentPart {
	return ContentPart{Type: "image_url", ImageURL: &ImageURL{URL: url}}
}

// FilePart returns a file_url part (a FastGPT extension: txt, md, pdf, docx, ...).
func FilePart(name, url string) ContentPart {
	return ContentPart{Type: "file_url", Name: name, URL: url}
}

// ChatCompletionRequest runs an app on Messages (the last one is the question).
type ChatCompletionRequest struct {
	Messages []ChatMessage `json:"messages"`
	// ChatID continues (and stores into) a chat; without it nothing is loaded.
	ChatID string `json:"chatId,omitempty"`
	// Variables are the app's global variables (plugin inputs for plugin apps).
	Variables map[string]any `json:"variables,omitempty"`
	// Detail adds node responses (ResponseData) and NewVariables, and names stream events.
	Detail bool `json:"detail,omitempty"`
	// ResponseChatItemID becomes the dataId of the stored AI item.
	ResponseChatItemID string `json:"responseChatItemId,omitempty"`
	// AppID is needed with an account key (ignored with an app key).
	AppID             string         `json:"appId,omitempty"`
	CustomUID         string         `json:"customUid,omitempty"`
	Metadata          map[string]any `json:"metadata,omitempty"`
	RetainDatasetCite bool           `json:"retainDatasetCite,omitempty"`
}

// ChatCompletion is the answer of a chat completion (also the accumulated result of a stream).
type ChatCompletion struct {
	// ID is the request's chatId, or "".
	ID      string   `json:"id"`
	Model   string   `json:"model"`
	Usage   *Usage   `json:"usage,omitempty"`
	Choices []Choice `json:"choices"`
	// ResponseData holds the node responses (detail mode).
	ResponseData []NodeResponse `json:"responseData,omitempty"`
	// NewVariables is the variable map after the run (detail mode, when updated).
	NewVariables map[string]json.RawMessage `json:"newVariables,omitempty"`
	// Title is the title the server gave the chat (newer servers, new chats; a stream's
	// chatTitle event), or "".
	Title string `json:"title,omitempty"`
	// Error is set when a workflow node failed: FastGPT still answers HTTP 200 (so the call
	// succeeds) and puts the node's error (an object or a string) here, as sent.
	Error json.RawMessage `json:"error,omitempty"`
	// Interactive is set when the workflow paused for user input (userSelect, userInput, ...).
	Interactive json.RawMessage `json:"interactive,omitempty"`
	// DurationSeconds is the workflow's duration (streams in detail mode).
	DurationSeconds float64 `json:"durationSeconds,omitempty"`
}

// Text returns the answer text of the first choice ("" if there is none or it is not text).
func (c *ChatCompletion) Text() string {
	if c == nil || len(c.Choices) == 0 {
		return ""
	}
	return c.Choices[0].Message.Content.Text
}

// Reasoning returns the reasoning text of the first choice, if any (reasoning_content, or the
// reasoning items of a detail-mode answer).
func (c *ChatCompletion) Reasoning() string {
	if c == nil || len(c.Choices) == 0 {
		return ""
	}
	m := c.Choices[0].Message
	if m.ReasoningContent != "" {
		return m.ReasoningContent
	}
	var b strings.Builder
	for _, p := range m.Content.Parts {
		if p.Type == "reasoning" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// Usage is the token usage (FastGPT always sends 1/1/1; real counts are in ResponseData).
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Choice is one answer.
type Choice struct {
	Message      AssistantReply `json:"message"`
	FinishReason string         `json:"finish_reason"`
	Index        int            `json:"index"`
}

// AssistantReply is the assistant message of a Choice.
type AssistantReply struct {
	Role             Role           `json:"role"`
	Content          MessageContent `json:"content"`
	ReasoningContent string         `json:"reasoning_content,omitempty"`
}

// NodeResponse is one workflow node's response object. The common fields are decoded; the whole
// object (whose shape depends on the node type) is kept in Raw.
type NodeResponse struct {
	ID           string          `json:"id"`
	NodeID       string          `json:"nodeId"`
	ModuleName   string          `json:"moduleName"`
	ModuleType   string          `json:"moduleType"`
	RunningTime  float64         `json:"runningTime"`
	TotalPoints  float64         `json:"totalPoints,omitempty"`
	Model        string          `json:"model,omitempty"`
	InputTokens  int             `json:"inputTokens,omitempty"`
	OutputTokens int             `json:"outputTokens,omitempty"`
	Query        string          `json:"query,omitempty"`
	Error        json.RawMessage `json:"error,omitempty"`
	ErrorText    string          `json:"errorText,omitempty"`
	// Raw is the whole object as sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the common fields and keeps the whole object in Raw.
func (n *NodeResponse) UnmarshalJSON(b []byte) error {
	type plain NodeResponse
	if err := json.Unmarshal(b, (*plain)(n)); err != nil {
		return err
	}
	n.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes Raw when set (so nothing is lost), else the decoded fields.
func (n NodeResponse) MarshalJSON() ([]byte, error) {
	if n.Raw != nil {
		return n.Raw, nil
	}
	type plain NodeResponse
	return json.Marshal(plain(n))
}

// GetChatHistoriesRequest lists an app's chats (newest first, pinned first).
type GetChatHistoriesRequest struct {
	AppID    string `json:"appId"`
	Offset   int    `json:"offset,omitempty"`
	PageSize int    `json:"pageSize,omitempty"`
	// Source filters by origin: "api", "online", "share", ...
	Source          string `json:"source,omitempty"`
	StartCreateTime string `json:"startCreateTime,omitempty"`
	EndCreateTime   string `json:"endCreateTime,omitempty"`
	StartUpdateTime string `json:"startUpdateTime,omitempty"`
	EndUpdateTime   string `json:"endUpdateTime,omitempty"`
}

// ChatHistories is a page of chats.
type ChatHistories struct {
	List  []ChatHistory `json:"list"`
	Total int           `json:"total"`
}

// ChatHistory is one chat of an app.
type ChatHistory struct {
	ChatID      string    `json:"chatId"`
	UpdateTime  Timestamp `json:"updateTime"`
	AppID       string    `json:"appId"`
	CustomTitle string    `json:"customTitle,omitempty"`
	Title       string    `json:"title"`
	Top         bool      `json:"top,omitempty"`
}

// GetChatInitRequest asks for a chat's initial state.
type GetChatInitRequest struct {
	AppID  string `json:"appId"`
	ChatID string `json:"chatId"`
}

// ChatInit is a chat's initial state: its title, variables and the app's chat configuration.
type ChatInit struct {
	ChatID    string                     `json:"chatId"`
	AppID     string                     `json:"appId"`
	Title     string                     `json:"title,omitempty"`
	Variables map[string]json.RawMessage `json:"variables,omitempty"`
	App       ChatInitApp                `json:"app"`
}

// ChatInitApp describes the app of a ChatInit.
type ChatInitApp struct {
	ChatConfig   json.RawMessage `json:"chatConfig,omitempty"`
	ChatModels   []string        `json:"chatModels,omitempty"`
	Name         string          `json:"name"`
	Avatar       string          `json:"avatar,omitempty"`
	Intro        string          `json:"intro,omitempty"`
	Type         string          `json:"type,omitempty"`
	PluginInputs json.RawMessage `json:"pluginInputs,omitempty"`
}

// GetChatRecordsRequest pages through a chat's messages. Offset 0 is the latest page; each page
// is in chronological order.
type GetChatRecordsRequest struct {
	AppID               string `json:"appId"`
	ChatID              string `json:"chatId"`
	Offset              int    `json:"offset,omitempty"`
	PageSize            int    `json:"pageSize,omitempty"`
	LoadCustomFeedbacks bool   `json:"loadCustomFeedbacks,omitempty"`
	// Type is "normal" (default), "outLink", "team" or "home".
	Type string `json:"type,omitempty"`
}

// ChatRecords is a page of chat items.
type ChatRecords struct {
	List  []ChatRecord `json:"list"`
	Total int          `json:"total"`
}

// ChatRecord is one stored message.
type ChatRecord struct {
	ID     string `json:"_id"`
	DataID string `json:"dataId"`
	// Obj is "Human", "AI" or "System".
	Obj              string          `json:"obj"`
	Value            []ValueItem     `json:"value"`
	Time             Timestamp       `json:"time,omitzero"`
	HideInUI         bool            `json:"hideInUI,omitempty"`
	UserGoodFeedback string          `json:"userGoodFeedback,omitempty"`
	UserBadFeedback  string          `json:"userBadFeedback,omitempty"`
	AdminFeedback    json.RawMessage `json:"adminFeedback,omitempty"`
	DurationSeconds  float64         `json:"durationSeconds,omitempty"`
	ErrorMsg         string          `json:"errorMsg,omitempty"`
	CustomFeedbacks  []string        `json:"customFeedbacks,omitempty"`
}

// Text joins the text items of the record.
func (r *ChatRecord) Text() string {
	var b bytes.Buffer
	for _, v := range r.Value {
		if v.Text != nil {
			b.WriteString(v.Text.Content)
		}
	}
	return b.String()
}

// ValueItem is one item of a stored message: text, file, reasoning, tool or interactive.
// The text and reasoning contents are decoded; the whole item is kept in Raw.
type ValueItem struct {
	Type      string          `json:"type"`
	Text      *TextValue      `json:"text,omitempty"`
	Reasoning *TextValue      `json:"reasoning,omitempty"`
	File      *FileValue      `json:"file,omitempty"`
	Raw       json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the whole item in Raw.
func (v *ValueItem) UnmarshalJSON(b []byte) error {
	type plain ValueItem
	if err := json.Unmarshal(b, (*plain)(v)); err != nil {
		return err
	}
	v.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// TextValue is the content of a text or reasoning item.
type TextValue struct {
	Content string `json:"content"`
}

// FileValue is a file item (type "image" or "file").
type FileValue struct {
	Type string `json:"type"`
	Name string `json:"name"`
	URL  string `json:"url"`
	Key  string `json:"key,omitempty"`
}

// GetRecordDetailRequest asks for the node responses of one AI message.
type GetRecordDetailRequest struct {
	AppID  string `json:"appId"`
	ChatID string `json:"chatId"`
	DataID string `json:"dataId"`
}

// UpdateChatHistoryRequest renames or pins a chat; only the fields set change.
type UpdateChatHistoryRequest struct {
	AppID       string  `json:"appId"`
	ChatID      string  `json:"chatId"`
	Title       *string `json:"title,omitempty"`
	CustomTitle *string `json:"customTitle,omitempty"`
	Top         *bool   `json:"top,omitempty"`
}

// DeleteChatHistoryRequest deletes one chat.
type DeleteChatHistoryRequest struct {
	AppID  string `json:"appId"`
	ChatID string `json:"chatId"`
}

// ClearChatHistoriesRequest deletes all of an app's API chats.
type ClearChatHistoriesRequest struct {
	AppID string `json:"appId"`
}

// DeleteChatRecordRequest deletes messages: one (ContentID, a message's dataId) or several
// (ContentIDs; servers before record/delete take one ContentID per call).
type DeleteChatRecordRequest struct {
	AppID  string `json:"appId"`
	ChatID string `json:"chatId"`
	// ContentID is the dataId of the message to delete.
	ContentID string `json:"contentId,omitempty"`
	// ContentIDs are the dataIds of several messages to delete.
	ContentIDs []string `json:"contentIds,omitempty"`
	// DelFile also deletes the files the messages uploaded.
	DelFile bool `json:"delFile,omitempty"`
}

// SendFeedbackRequest sets the like/dislike of an AI message. FastGPT clears whichever of the two
// is nil.
type SendFeedbackRequest struct {
	AppID            string  `json:"appId"`
	ChatID           string  `json:"chatId"`
	DataID           string  `json:"dataId"`
	UserGoodFeedback *string `json:"userGoodFeedback,omitempty"`
	UserBadFeedback  *string `json:"userBadFeedback,omitempty"`
}

// GetSuggestedQuestionsRequest asks for follow-up questions from a chat's last messages.
type GetSuggestedQuestionsRequest struct {
	AppID         string               `json:"appId"`
	ChatID        string               `json:"chatId"`
	QuestionGuide *QuestionGuideConfig `json:"questionGuide,omitempty"`
}

// QuestionGuideConfig overrides the app's question guide settings.
type QuestionGuideConfig struct {
	Open         bool   `json:"open"`
	Model        string `json:"model,omitempty"`
	CustomPrompt string `json:"customPrompt,omitempty"`
}

// GetAppLogsChartRequest asks for app analytics per time bucket (commercial FastGPT).
type GetAppLogsChartRequest struct {
	AppID string `json:"appId"`
	// DateStart and DateEnd are ISO 8601 dates, e.g. "2025-01-01T00:00:00.000Z".
	DateStart string   `json:"dateStart"`
	DateEnd   string   `json:"dateEnd"`
	Source    []string `json:"source,omitempty"`
	// Offset is the offset the server buckets by; nil sends 1 (the server's default).
	Offset *int `json:"offset,omitempty"`
	// UserTimespan, ChatTimespan and AppTimespan are the bucket sizes of the three series;
	// required (the server's schema, checked before any I/O): TimespanDay, TimespanWeek,
	// TimespanMonth or TimespanQuarter.
	UserTimespan Timespan `json:"userTimespan"`
	ChatTimespan Timespan `json:"chatTimespan"`
	AppTimespan  Timespan `json:"appTimespan"`
}

// Timespan is the bucket size of an app logs chart series.
type Timespan string

// The timespans GetAppLogsChart accepts.
const (
	// TimespanDay buckets by day.
	TimespanDay Timespan = "day"
	// TimespanWeek buckets by week.
	TimespanWeek Timespan = "week"
	// TimespanMonth buckets by month.
	TimespanMonth Timespan = "month"
	// TimespanQuarter buckets by quarter.
	TimespanQuarter Timespan = "quarter"
)

// AppLogsChart is the analytics per bucket; only buckets with data are present.
type AppLogsChart struct {
	UserData []UserDataPoint `json:"userData"`
	ChatData []ChatDataPoint `json:"chatData"`
	AppData  []AppDataPoint  `json:"appData"`
}

// UserDataPoint is one user bucket (Timestamp in milliseconds).
type UserDataPoint struct {
	Timestamp int64       `json:"timestamp"`
	Summary   UserSummary `json:"summary"`
}

// UserSummary is the summary of a UserDataPoint.
type UserSummary struct {
	UserCount          int            `json:"userCount"`
	NewUserCount       int            `json:"newUserCount"`
	RetentionUserCount int            `json:"retentionUserCount"`
	Points             float64        `json:"points"`
	SourceCountMap     map[string]int `json:"sourceCountMap,omitempty"`
}

// ChatDataPoint is one chat bucket.
type ChatDataPoint struct {
	Timestamp int64       `json:"timestamp"`
	Summary   ChatSummary `json:"summary"`
}

// ChatSummary is the summary of a ChatDataPoint.
type ChatSummary struct {
	ChatItemCount int     `json:"chatItemCount"`
	ChatCount     int     `json:"chatCount"`
	ErrorCount    int     `json:"errorCount"`
	Points        float64 `json:"points"`
}

// AppDataPoint is one app bucket (note FastGPT's capital B in the feedback counts).
type AppDataPoint struct {
	Timestamp int64      `json:"timestamp"`
	Summary   AppSummary `json:"summary"`
}

// AppSummary is the summary of a AppDataPoint.
type AppSummary struct {
	GoodFeedBackCount int     `json:"goodFeedBackCount"`
	BadFeedBackCount  int     `json:"badFeedBackCount"`
	ChatCount         int     `json:"chatCount"`
	TotalResponseTime float64 `json:"totalResponseTime"`
}

// GetAppLogsTotalRequest asks for app totals (commercial FastGPT).
type GetAppLogsTotalRequest struct {
	AppID string `json:"appId"`
}

// AppLogsTotal is an app's totals.
type AppLogsTotal struct {
	TotalUsers  int64   `json:"totalUsers"`
	TotalChats  int64   `json:"totalChats"`
	TotalPoints float64 `json:"totalPoints"`
}

// Time returns the bucket's start (Timestamp is in milliseconds since the epoch), in UTC.
func (p UserDataPoint) Time() time.Time { return time.UnixMilli(p.Timestamp).UTC() }

// Time returns the bucket's start (Timestamp is in milliseconds since the epoch), in UTC.
func (p ChatDataPoint) Time() time.Time { return time.UnixMilli(p.Timestamp).UTC() }

// Time returns the bucket's start (Timestamp is in milliseconds since the epoch), in UTC.
func (p AppDataPoint) Time() time.Time { return time.UnixMilli(p.Timestamp).UTC() }
