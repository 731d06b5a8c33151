package fastgpt_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func TestCreateChatCompletion(t *testing.T) {
	c := newClient(t)
	chatID := uniq("cc")
	req := ask("hello there")
	req.ChatID = chatID
	got, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != "Echo: hello there" || got.ID != chatID || got.Choices[0].FinishReason != "stop" {
		t.Fatalf("unexpected completion %+v", got)
	}
	if got.Choices[0].Message.Role != fastgpt.RoleAssistant {
		t.Fatalf("role %q", got.Choices[0].Message.Role)
	}
}

func TestCreateChatCompletionDetail(t *testing.T) {
	c := newClient(t)
	req := ask("variables please")
	req.ChatID, req.Detail = uniq("detail"), true
	req.Variables = map[string]any{"name": "Ada"}
	got, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ResponseData) != 2 || got.ResponseData[1].ModuleType != "chatNode" {
		t.Fatalf("responseData %+v", got.ResponseData)
	}
	node := got.ResponseData[1]
	if node.TotalPoints != 0.0042 || node.ModuleName != "AI 对话" || !json.Valid(node.Raw) {
		t.Fatalf("node %+v", node)
	}
	// Raw keeps every field the server sent, typed or not.
	var all map[string]any
	_ = json.Unmarshal(node.Raw, &all)
	if all["moduleType"] != "chatNode" || len(all) < 5 {
		t.Fatalf("raw node %s", node.Raw)
	}
	if string(got.NewVariables["name"]) != `"Ada"` || got.NewVariables["counter"] == nil {
		t.Fatalf("newVariables %v", got.NewVariables)
	}
}

func TestCreateChatCompletionMultipart(t *testing.T) {
	id := uniq("parts")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id))
	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{
		fastgpt.SystemMessage("be brief"),
		fastgpt.UserMessageParts(
			fastgpt.TextPart("describe"),
			fastgpt.ImagePart("https://example.com/a.png"),
			fastgpt.TextPart("this"),
			fastgpt.FilePart("a.pdf", "https://example.com/a.pdf"),
		),
	}}
	got, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != "Echo: describe this" {
		t.Fatalf("answer %q", got.Text())
	}
	// The request went out in FastGPT's message shape.
	var sent, want any
	_ = json.Unmarshal(stats(t, id).Bodies[0], &sent)
	_ = json.Unmarshal([]byte(`{"stream":false,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[
		{"type":"text","text":"describe"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
		{"type":"text","text":"this"},{"type":"file_url","name":"a.pdf","url":"https://example.com/a.pdf"}]}]}`), &want)
	if !reflect.DeepEqual(sent, want) {
		t.Fatalf("request body %v\nwant %v", sent, want)
	}
}

func TestReasoningNonStream(t *testing.T) {
	c := newClient(t)
	got, err := c.CreateChatCompletion(context.Background(), ask("reason about it"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Reasoning() != "Thinking about: reason about it" {
		t.Fatalf("reasoning %q", got.Reasoning())
	}
}

// TestChatLifecycle exercises every chat CRUD method against one stored chat.
func TestChatLifecycle(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	chatID, dataID := uniq("life"), uniq("answer")
	req := ask("first question")
	req.ChatID, req.ResponseChatItemID, req.AppID = chatID, dataID, appID
	if _, err := c.CreateChatCompletion(ctx, req); err != nil {
		t.Fatal(err)
	}

	findChat := func() *fastgpt.ChatHistory {
		t.Helper()
		h, err := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		if h.Total < len(h.List) {
			t.Fatalf("total %d < %d items", h.Total, len(h.List))
		}
		for i := range h.List {
			if h.List[i].ChatID == chatID {
				return &h.List[i]
			}
		}
		return nil
	}
	h := findChat()
	if h == nil || h.Title != "first question" || h.AppID != appID || h.UpdateTime.IsZero() || time.Since(h.UpdateTime.Time) > time.Hour || h.UpdateTime.Raw == "" {
		t.Fatalf("history %+v", h)
	}

	init, err := c.GetChatInit(ctx, &fastgpt.GetChatInitRequest{AppID: appID, ChatID: chatID})
	if err != nil {
		t.Fatal(err)
	}
	if init.ChatID != chatID || init.Title != "first question" || init.App.Name == "" || !json.Valid(init.App.ChatConfig) {
		t.Fatalf("init %+v", init)
	}

	recs, err := c.GetChatRecords(ctx, &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if recs.Total != 2 || len(recs.List) != 2 || recs.List[0].Obj != "Human" || recs.List[1].Obj != "AI" {
		t.Fatalf("records %+v", recs)
	}
	if recs.List[1].DataID != dataID || recs.List[1].Text() != "Echo: first question" || recs.List[1].Value[0].Type != "text" {
		t.Fatalf("AI record %+v", recs.List[1])
	}

	nodes, err := c.GetRecordDetail(ctx, &fastgpt.GetRecordDetailRequest{AppID: appID, ChatID: chatID, DataID: dataID})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 2 || nodes[0].ModuleType != "workflowStart" {
		t.Fatalf("record detail %+v", nodes)
	}

	if err := c.SendFeedback(ctx, &fastgpt.SendFeedbackRequest{AppID: appID, ChatID: chatID, DataID: dataID, UserGoodFeedback: fastgpt.String("great")}); err != nil {
		t.Fatal(err)
	}
	recs, _ = c.GetChatRecords(ctx, &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID})
	if recs.List[1].UserGoodFeedback != "great" {
		t.Fatalf("feedback not stored: %+v", recs.List[1])
	}

	qs, err := c.GetSuggestedQuestions(ctx, &fastgpt.GetSuggestedQuestionsRequest{AppID: appID, ChatID: chatID})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 3 || qs[0] == "" {
		t.Fatalf("questions %q", qs)
	}

	if err := c.UpdateChatHistory(ctx, &fastgpt.UpdateChatHistoryRequest{AppID: appID, ChatID: chatID, CustomTitle: fastgpt.String("Renamed"), Top: fastgpt.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if h := findChat(); h == nil || h.CustomTitle != "Renamed" || !h.Top {
		t.Fatalf("after update %+v", h)
	}

	if err := c.DeleteChatRecord(ctx, &fastgpt.DeleteChatRecordRequest{AppID: appID, ChatID: chatID, ContentID: dataID}); err != nil {
		t.Fatal(err)
	}
	recs, _ = c.GetChatRecords(ctx, &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID})
	if len(recs.List) != 1 || recs.List[0].Obj != "Human" {
		t.Fatalf("after record delete %+v", recs)
	}

	if err := c.DeleteChatHistory(ctx, &fastgpt.DeleteChatHistoryRequest{AppID: appID, ChatID: chatID}); err != nil {
		t.Fatal(err)
	}
	if h := findChat(); h != nil {
		t.Fatalf("chat still listed after delete: %+v", h)
	}
}

func TestClearChatHistories(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	req := ask("to be cleared")
	req.ChatID = uniq("clear")
	if _, err := c.CreateChatCompletion(ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := c.ClearChatHistories(ctx, &fastgpt.ClearChatHistoriesRequest{AppID: appID}); err != nil {
		t.Fatal(err)
	}
	h, err := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 0 || len(h.List) != 0 {
		t.Fatalf("histories after clear: %+v", h)
	}
}

func TestAppLogs(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	req := ask("for the logs")
	req.ChatID, req.CustomUID = uniq("logs"), "user-1"
	if _, err := c.CreateChatCompletion(ctx, req); err != nil {
		t.Fatal(err)
	}
	total, err := c.GetAppLogsTotal(ctx, &fastgpt.GetAppLogsTotalRequest{AppID: appID})
	if err != nil {
		t.Fatal(err)
	}
	if total.TotalChats < 1 || total.TotalUsers < 1 || total.TotalPoints <= 0 {
		t.Fatalf("totals %+v", total)
	}
	chart, err := c.GetAppLogsChart(ctx, &fastgpt.GetAppLogsChartRequest{
		AppID: appID, DateStart: "2000-01-01T00:00:00.000Z", DateEnd: "2100-01-01T00:00:00.000Z",
		UserTimespan: "day", ChatTimespan: "day", AppTimespan: "day",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(chart.ChatData) == 0 || chart.ChatData[0].Timestamp == 0 || chart.ChatData[0].Summary.ChatItemCount < 1 {
		t.Fatalf("chart %+v", chart)
	}
	if len(chart.UserData) == 0 || len(chart.AppData) == 0 {
		t.Fatalf("chart %+v", chart)
	}
}

func TestDoEscapeHatch(t *testing.T) {
	c := newClient(t)
	var init struct {
		ChatID string `json:"chatId"`
		AppID  string `json:"appId"`
	}
	resp, err := c.Do(context.Background(), "GET", "/api/core/chat/init", map[string]string{"appId": appID, "chatId": "raw-1"}, &init)
	if err != nil {
		t.Fatal(err)
	}
	if init.ChatID != "raw-1" || init.AppID != appID {
		t.Fatalf("decoded %+v", init)
	}
	if resp.StatusCode != 200 || !strings.Contains(string(resp.Body), `"code":200`) || !strings.Contains(string(resp.Data), `"chatId":"raw-1"`) || strings.Contains(string(resp.Data), `"code"`) {
		t.Fatalf("raw response %d %s / %s", resp.StatusCode, resp.Body, resp.Data)
	}
	if ct := resp.Header("Content-Type"); !strings.Contains(ct, "json") {
		t.Fatalf("content-type %q", ct)
	}
	resp.Close()
	resp.Close()
	if resp.Header("Content-Type") != "" {
		t.Fatal("header after Close")
	}
	// A nil request means {}; a nil out discards the result.
	if _, err := c.Do(context.Background(), "POST", "/api/core/chat/getHistories", nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestResponseInto(t *testing.T) {
	c := newClient(t)
	var raw *fastgpt.Response
	got, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithResponseInto(&raw))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var env struct {
		Code int `json:"code"`
		Data struct {
			Total int `json:"total"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw.Body, &env); err != nil || env.Code != 200 || env.Data.Total != got.Total {
		t.Fatalf("body %s (%v)", raw.Body, err)
	}
	if raw.StatusCode != 200 || raw.Header("content-type") == "" || raw.Header("x-no-such-header") != "" {
		t.Fatalf("raw %+v", raw)
	}
}

func TestHeadersOption(t *testing.T) {
	id := uniq("hdr")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-team", "blue"), fastgpt.WithUserAgent("go-test/1"))
	if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); err != nil {
		t.Fatal(err)
	}
	s := stats(t, id)
	if s.Requests != 1 || s.Headers["x-team"] != "blue" || s.Headers["user-agent"] != "go-test/1" {
		t.Fatalf("stats %+v", s)
	}
	if s.Headers["authorization"] != "Bearer "+mockKey {
		t.Fatalf("authorization %q", s.Headers["authorization"])
	}
	var body map[string]any
	_ = json.Unmarshal(s.Bodies[0], &body)
	if body["appId"] != appID {
		t.Fatalf("body %s", s.Bodies[0])
	}
}
