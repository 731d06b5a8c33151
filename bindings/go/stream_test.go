package fastgpt_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func TestStreamIterator(t *testing.T) {
	c := newClient(t)
	s := c.StreamChatCompletion(context.Background(), ask("stream me please"))
	var text strings.Builder
	var answers int
	for ev, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == fastgpt.EventAnswer && ev.Text != "" {
			answers++
			if len(ev.Text) > 8 {
				t.Fatalf("mock chunks are at most 8 bytes, got %q", ev.Text)
			}
		}
		text.WriteString(ev.Text)
	}
	if text.String() != "Echo: stream me please" || answers < 3 {
		t.Fatalf("streamed %q in %d chunks", text.String(), answers)
	}
	final := s.Response()
	if final.Text() != "Echo: stream me please" || final.Choices[0].FinishReason != "stop" {
		t.Fatalf("final %+v", final)
	}
	if raw := s.Raw(); raw == nil || raw.StatusCode != 200 || !strings.Contains(string(raw.Body), "Echo: stream me please") {
		t.Fatalf("raw %+v", raw)
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
}

func TestStreamNextDetail(t *testing.T) {
	c := newClient(t)
	req := ask("reason with tool and variables")
	req.Detail, req.ChatID = true, uniq("sdetail")
	req.Variables = map[string]any{"city": "Paris"}
	s := c.StreamChatCompletion(context.Background(), req)
	defer s.Close()
	kinds := map[fastgpt.EventKind]int{}
	var reasoning, text strings.Builder
	for s.Next() {
		ev := s.Event()
		kinds[ev.Kind]++
		reasoning.WriteString(ev.Reasoning)
		text.WriteString(ev.Text)
		if ev.Kind == fastgpt.EventAnswer && ev.Name != "answer" {
			t.Fatalf("detail answer event named %q", ev.Name)
		}
		if ev.Kind == fastgpt.EventWorkflowDuration && string(ev.Data) != `{"durationSeconds":0.01}` {
			t.Fatalf("workflowDuration data %q", ev.Data)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []fastgpt.EventKind{fastgpt.EventAnswer, fastgpt.EventFlowNodeStatus, fastgpt.EventToolCall,
		fastgpt.EventToolParams, fastgpt.EventToolResponse, fastgpt.EventUpdateVariables,
		fastgpt.EventWorkflowDuration, fastgpt.EventDone, fastgpt.EventFlowResponses} {
		if kinds[k] == 0 {
			t.Errorf("no %v event (got %v)", k, kinds)
		}
	}
	if kinds[fastgpt.EventToolParams] != 2 {
		t.Errorf("toolParams %d", kinds[fastgpt.EventToolParams])
	}
	q := "reason with tool and variables"
	if reasoning.String() != "Thinking about: "+q || text.String() != "Echo: "+q {
		t.Fatalf("reasoning %q text %q", reasoning.String(), text.String())
	}
	final := s.Response()
	if final.Reasoning() != "Thinking about: "+q || len(final.ResponseData) != 2 || final.DurationSeconds != 0.01 {
		t.Fatalf("final %+v", final)
	}
	if string(final.NewVariables["city"]) != `"Paris"` {
		t.Fatalf("newVariables %v", final.NewVariables)
	}
}

func TestStreamInteractive(t *testing.T) {
	c := newClient(t)
	req := ask("interactive please")
	req.Detail = true
	s := c.StreamChatCompletion(context.Background(), req)
	var payload []byte
	for ev, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == fastgpt.EventInteractive {
			payload = ev.Data
		}
	}
	if !strings.Contains(string(payload), "userSelect") {
		t.Fatalf("interactive payload %q", payload)
	}
	if !strings.Contains(string(s.Response().Interactive), "userSelect") {
		t.Fatalf("final interactive %s", s.Response().Interactive)
	}
}

func TestStreamWait(t *testing.T) {
	c := newClient(t)
	final, err := c.StreamChatCompletion(context.Background(), ask("just wait")).Wait()
	if err != nil || final.Text() != "Echo: just wait" {
		t.Fatalf("Wait: %v %+v", err, final)
	}
}

func TestStreamErrorMidStream(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "error_mid_stream"))
	s := c.StreamChatCompletion(context.Background(), ask("this will fail midway"))
	var text string
	var sawError *fastgpt.Error
	var iterErr error
	for ev, err := range s.All() {
		if err != nil {
			iterErr = err
			break
		}
		text += ev.Text
		if ev.Kind == fastgpt.EventError {
			sawError = ev.Err
		}
	}
	if text == "" || sawError == nil || !strings.Contains(sawError.Message, "mock stream failure") {
		t.Fatalf("text %q error event %+v", text, sawError)
	}
	var e *fastgpt.Error
	if !errors.As(iterErr, &e) || e.Status != fastgpt.StatusAPI || !errors.Is(iterErr, fastgpt.ErrAPI) {
		t.Fatalf("iterator error %v", iterErr)
	}
	if s.Response() != nil {
		t.Fatal("a failed stream has no final response")
	}
}

func TestStreamTruncated(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "truncate"))
	_, err := c.StreamChatCompletion(context.Background(), ask("cut short")).Wait()
	if !errors.Is(err, fastgpt.ErrStreamTruncated) {
		t.Fatalf("want ErrStreamTruncated, got %v", err)
	}
}

func TestStreamCancelMidStream(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "slow_stream=50"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := c.StreamChatCompletion(ctx, ask("a long answer that streams slowly"))
	n := 0
	var gotErr error
	start := time.Now()
	for ev, err := range s.All() {
		if err != nil {
			gotErr = err
			break
		}
		if ev.Text != "" {
			n++
			if n == 2 {
				cancel()
			}
		}
	}
	if !errors.Is(gotErr, context.Canceled) || !fastgpt.IsCancelled(gotErr) {
		t.Fatalf("want context.Canceled, got %v", gotErr)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
}

func TestStreamDeadline(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "stall_mid_stream=5000"))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.StreamChatCompletion(ctx, ask("stalls after two chunks")).Wait()
	if !errors.Is(err, context.DeadlineExceeded) || !fastgpt.IsTimeout(err) {
		t.Fatalf("want DeadlineExceeded, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("deadline honoured after %v", d)
	}
}

// A consumer that stops reading closes the stream: the library thread is released (the callback
// aborts instead of blocking on a full channel) and Close returns promptly.
func TestStreamConsumerStops(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "100000"))
	s := c.StreamChatCompletion(context.Background(), ask("volume"))
	if !s.Next() {
		t.Fatal(s.Err())
	}
	time.Sleep(50 * time.Millisecond) // let the 64-event buffer fill and the callback block
	start := time.Now()
	s.Close()
	s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if s.Err() != nil || s.Response() != nil {
		t.Fatalf("a stream stopped by Close: err %v final %v", s.Err(), s.Response())
	}
	// Breaking out of the iterator closes the stream too.
	s2 := c.StreamChatCompletion(context.Background(), ask("volume"))
	for range s2.All() {
		break
	}
	select {
	case <-doneOf(s2):
	case <-time.After(2 * time.Second):
		t.Fatal("break did not close the stream")
	}
}

func doneOf(s *fastgpt.Stream) <-chan struct{} {
	ch := make(chan struct{})
	go func() { s.Close(); close(ch) }()
	return ch
}

// An abandoned stream (never closed, never drained) is aborted by its GC cleanup, so its handle
// is deleted; TestMain then finds no live handle.
func TestStreamAbandoned(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "100000"))
	before := fastgpt.LiveHandles()
	func() {
		s := c.StreamChatCompletion(context.Background(), ask("abandoned"))
		s.Next()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for fastgpt.LiveHandles() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := fastgpt.LiveHandles(); n > before {
		t.Fatalf("%d handles still alive", n-before)
	}
}

// A panic inside the callback never reaches the library: the stream ends with StatusPanic.
func TestStreamCallbackPanic(t *testing.T) {
	c := newClient(t)
	fastgpt.SetTestHookEvent(func(ev *fastgpt.Event) {
		if ev.Text != "" {
			panic("boom")
		}
	})
	defer fastgpt.SetTestHookEvent(nil)
	_, err := c.StreamChatCompletion(context.Background(), ask("panic here")).Wait()
	var e *fastgpt.Error
	if !errors.As(err, &e) || e.Status != fastgpt.StatusPanic || !strings.Contains(e.Message, "boom") {
		t.Fatalf("want StatusPanic, got %v", err)
	}
}

func TestStreamStartErrors(t *testing.T) {
	c := newClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := c.StreamChatCompletion(ctx, ask("never sent"))
	if s.Next() || !errors.Is(s.Err(), context.Canceled) {
		t.Fatalf("cancelled start: %v", s.Err())
	}
	// Validation happens before any I/O: no messages is rejected at the start.
	_, err := c.StreamChatCompletion(context.Background(), &fastgpt.ChatCompletionRequest{}).Wait()
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("want ErrInvalidArgument, got %v", err)
	}
}

func TestStreamAuthError(t *testing.T) {
	c := newClient(t, fastgpt.WithAPIKey("fastgpt-wrong"))
	_, err := c.StreamChatCompletion(context.Background(), ask("who am I")).Wait()
	if !fastgpt.IsAuth(err) || strings.Contains(err.Error(), "fastgpt-wrong") {
		t.Fatalf("want an auth error without the key, got %v", err)
	}
}
