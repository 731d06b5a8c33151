package fastgpt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func TestCreateChatCompletionV2(t *testing.T) {
	c := newClient(t)
	req := ask("reason about v2")
	req.ChatID, req.Detail = uniq("v2"), true
	got, err := c.CreateChatCompletionV2(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != "Echo: reason about v2" || got.Reasoning() == "" || got.ID != req.ChatID || len(got.ResponseData) != 2 {
		t.Fatalf("v2 answer %+v", got)
	}
}

// The v2 stream in detail mode: one flowNodeResponse per node, nothing after [DONE], and the
// accumulated answer in v1's shape.
func TestStreamChatCompletionV2(t *testing.T) {
	c := newClient(t)
	req := ask("hello v2")
	req.Detail = true
	s := c.StreamChatCompletionV2(context.Background(), req)
	defer s.Close()
	var nodes int
	var afterDone []fastgpt.EventKind
	done := false
	for s.Next() {
		ev := s.Event()
		if done {
			afterDone = append(afterDone, ev.Kind)
		}
		switch ev.Kind {
		case fastgpt.EventFlowNodeResponse:
			nodes++
		case fastgpt.EventDone:
			done = true
		}
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if nodes != 2 || !done || len(afterDone) != 0 {
		t.Fatalf("%d node responses, done %v, after done %v", nodes, done, afterDone)
	}
	if got := s.Response(); got.Text() != "Echo: hello v2" || len(got.ResponseData) != 2 {
		t.Fatalf("accumulated %+v", got)
	}
}

// The newer events have kinds and names; chatTitle also goes into the accumulated Title.
func TestNewEventKinds(t *testing.T) {
	c := newClient(t)
	for _, v2 := range []bool{false, true} {
		req := ask("title plan sandbox skill")
		req.Detail = true
		s := c.StreamChatCompletion(context.Background(), req)
		if v2 {
			s = c.StreamChatCompletionV2(context.Background(), req)
		}
		seen := map[fastgpt.EventKind]string{}
		for ev, err := range s.All() {
			if err != nil {
				t.Fatal(err)
			}
			seen[ev.Kind] = ev.Name
			if ev.Kind == fastgpt.EventUnknown {
				t.Errorf("unknown event %q", ev.Name)
			}
		}
		for kind, name := range map[fastgpt.EventKind]string{fastgpt.EventChatTitle: "chatTitle", fastgpt.EventPlan: "plan",
			fastgpt.EventPlanStatus: "planStatus", fastgpt.EventSandboxStatus: "sandboxStatus", fastgpt.EventSkillCall: "skillCall"} {
			if seen[kind] != name || kind.String() != name {
				t.Errorf("v2=%v: %v: event name %q", v2, kind, seen[kind])
			}
		}
		if got := s.Response(); got.Title != "title plan sandbox s" {
			t.Errorf("v2=%v: accumulated title %q", v2, got.Title)
		}
	}
	if fastgpt.EventUploadProgress.String() != "uploadProgress" || fastgpt.EventKind(99).String() != "EventKind(99)" {
		t.Fatal("EventKind.String")
	}
}

// A non-stream answer keeps a node's error (HTTP 200) and the server's title.
func TestChatCompletionErrorAndTitle(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-server", "new"))
	got, err := c.CreateChatCompletion(context.Background(), ask("node error please"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Error) != `"mock node failure"` || got.Title != "node error please" || got.Text() == "" {
		t.Fatalf("error %s title %q text %q", got.Error, got.Title, got.Text())
	}
}

// DeleteChatRecord deletes several messages at once (contentIds).
func TestDeleteChatRecords(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	chatID := uniq("multi")
	for _, q := range []string{"one", "two"} {
		req := ask(q)
		req.ChatID = chatID
		if _, err := c.CreateChatCompletion(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := c.GetChatRecords(ctx, &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID})
	if err != nil || len(recs.List) != 4 {
		t.Fatalf("records %+v %v", recs, err)
	}
	ids := []string{recs.List[0].DataID, recs.List[1].DataID, recs.List[2].DataID}
	if err := c.DeleteChatRecord(ctx, &fastgpt.DeleteChatRecordRequest{AppID: appID, ChatID: chatID, ContentIDs: ids, DelFile: true}); err != nil {
		t.Fatal(err)
	}
	recs, _ = c.GetChatRecords(ctx, &fastgpt.GetChatRecordsRequest{AppID: appID, ChatID: chatID})
	if len(recs.List) != 1 || recs.List[0].Text() != "Echo: two" {
		t.Fatalf("after delete %+v", recs)
	}
}

// The chart's three timespans are required (checked before any I/O); the typed constants work.
func TestAppLogsChartTimespans(t *testing.T) {
	id := uniq("span")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id))
	req := &fastgpt.GetAppLogsChartRequest{AppID: appID, DateStart: "2000-01-01T00:00:00.000Z", DateEnd: "2100-01-01T00:00:00.000Z"}
	if _, err := c.GetAppLogsChart(context.Background(), req); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("no timespans: %v", err)
	}
	if n := stats(t, id).Requests; n != 0 {
		t.Fatalf("%d requests", n)
	}
	req.UserTimespan, req.ChatTimespan, req.AppTimespan = fastgpt.TimespanWeek, fastgpt.TimespanMonth, fastgpt.TimespanQuarter
	if _, err := c.GetAppLogsChart(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	req.Offset = fastgpt.Int(0)
	if _, err := c.GetAppLogsChart(context.Background(), req, fastgpt.WithHeader("x-mock-server", "old")); err != nil {
		t.Fatal(err)
	}
	if b := stats(t, id).Bodies; len(b) != 2 || !contains(string(b[0]), `"offset":1`) || !contains(string(b[1]), `"offset":0`) {
		t.Fatalf("bodies %s", b)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
