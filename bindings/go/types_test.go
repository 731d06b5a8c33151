package fastgpt_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// Detail mode: the answer's content is FastGPT's item array; Text, Reasoning and Parts read it.
func TestDetailAnswerText(t *testing.T) {
	c := newClient(t)
	req := ask("reason with tool")
	req.Detail = true
	got, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != "Echo: reason with tool" || got.Reasoning() != "Thinking about: reason with tool" {
		t.Fatalf("Text %q Reasoning %q", got.Text(), got.Reasoning())
	}
	parts := got.Choices[0].Message.Content.Parts
	if len(parts) != 3 || parts[0].Type != "reasoning" || parts[1].Type != "tool" || parts[2].Type != "text" ||
		parts[2].Text != "Echo: reason with tool" || !json.Valid(parts[1].Raw) {
		t.Fatalf("parts %+v", parts)
	}
	// Sent back, the content is the array as received.
	b, _ := json.Marshal(got.Choices[0].Message.Content)
	if string(b) != string(got.Choices[0].Message.Content.Raw) {
		t.Fatalf("re-encoded %s", b)
	}
}

func TestTimestamps(t *testing.T) {
	cases := map[string]time.Time{
		`"2024-10-13T03:29:05.779Z"`:       time.Date(2024, 10, 13, 3, 29, 5, 779e6, time.UTC),
		`"2024-10-13T11:29:05+08:00"`:      time.Date(2024, 10, 13, 3, 29, 5, 0, time.UTC),
		`"2024-10-13 03:29:05"`:            time.Date(2024, 10, 13, 3, 29, 5, 0, time.UTC),
		`1728790145779`:                    time.Date(2024, 10, 13, 3, 29, 5, 779e6, time.UTC),
		`"not a time"`:                     {},
		`null`:                             {},
		`"2024-10-13T03:29:05.779123456Z"`: time.Date(2024, 10, 13, 3, 29, 5, 779123456, time.UTC),
	}
	for in, want := range cases {
		var h fastgpt.ChatHistory
		if err := json.Unmarshal([]byte(`{"chatId":"a","updateTime":`+in+`}`), &h); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !h.UpdateTime.Time.Equal(want) {
			t.Errorf("%s: parsed %v, want %v", in, h.UpdateTime.Time, want)
		}
		if in != "null" {
			raw, _ := json.Marshal(h.UpdateTime.Raw)
			if string(raw) != in && h.UpdateTime.Raw != in {
				t.Errorf("%s: Raw %q", in, h.UpdateTime.Raw)
			}
		}
	}
	// Stored chats from the mock: parsed, recent, raw text kept.
	c := newClient(t)
	chatID := uniq("ts")
	req := ask("timestamps")
	req.ChatID = chatID
	if _, err := c.CreateChatCompletion(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	recs, err := c.GetChatRecords(context.Background(), &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID})
	if err != nil || len(recs.List) == 0 {
		t.Fatalf("records: %v", err)
	}
	if ts := recs.List[0].Time; ts.Raw != "" && (ts.IsZero() || time.Since(ts.Time) > time.Hour) {
		t.Fatalf("record time %q parsed as %v", ts.Raw, ts.Time)
	}
}

func TestPointerHelpersAndRoles(t *testing.T) {
	if *fastgpt.String("a") != "a" || *fastgpt.Int(3) != 3 || !*fastgpt.Bool(true) || *fastgpt.Ptr(2.5) != 2.5 {
		t.Fatal("pointer helpers")
	}
	role := func(r fastgpt.Role) fastgpt.Role { return r } // the constants are typed
	if fastgpt.UserMessage("x").Role != role(fastgpt.RoleUser) || fastgpt.SystemMessage("x").Role != fastgpt.RoleSystem {
		t.Fatal("roles")
	}
	b, _ := json.Marshal(fastgpt.AssistantMessage("hi"))
	if string(b) != `{"role":"assistant","content":"hi"}` {
		t.Fatalf("%s", b)
	}
}

// EventKind.String formats unknown values without encoding/json (one allocation at most).
func TestEventKindString(t *testing.T) {
	if fastgpt.EventFlowNodeStatus.String() != "flowNodeStatus" || fastgpt.EventKind(99).String() != "EventKind(99)" {
		t.Fatal(fastgpt.EventKind(99).String())
	}
	if n := testing.AllocsPerRun(100, func() { _ = fastgpt.EventKind(99).String() }); n > 1 {
		t.Fatalf("%v allocations", n)
	}
}
