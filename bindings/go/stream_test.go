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

// A Stream keeps its Client alive: with only the stream left, the client's GC cleanup must not
// close it mid-way (it did: "client is closed" after about 1,000 events).
func TestStreamKeepsClientAlive(t *testing.T) {
	s := func() *fastgpt.Stream {
		c, err := fastgpt.NewClient(fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey),
			fastgpt.WithHeader("x-mock-stream-events", "3000"))
		if err != nil {
			t.Fatal(err)
		}
		return c.StreamChatCompletion(context.Background(), ask("keep my client"))
	}()
	n := 0
	for _, err := range s.All() {
		if err != nil {
			t.Fatalf("after %d events: %v", n, err)
		}
		if n++; n%100 == 0 {
			runtime.GC()
		}
	}
	if n < 3000 {
		t.Fatalf("%d events", n)
	}
}

// A deadline that fires while the consumer is slower than the stream reads as a deadline:
// ErrCancelled, context.DeadlineExceeded and ErrTimeout match, the message says so without the
// library's internals, and no buffered event is delivered once the deadline has passed.
func TestStreamDeadlineSlowConsumer(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "100000"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	s := c.StreamChatCompletion(ctx, ask("slow consumer"))
	late, n := 0, 0
	start := time.Now()
	for s.Next() {
		if ctx.Err() != nil {
			late++
		}
		n++
		time.Sleep(2 * time.Millisecond) // slower than the stream: the buffer stays full
	}
	err := s.Err()
	if !errors.Is(err, fastgpt.ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) ||
		!errors.Is(err, fastgpt.ErrTimeout) || !fastgpt.IsTimeout(err) || !fastgpt.IsCancelled(err) {
		t.Fatalf("after %d events: %v", n, err)
	}
	if msg := err.Error(); strings.Contains(msg, "callback") || strings.Count(msg, "cancel") > 1 || !strings.Contains(msg, "deadline") {
		t.Fatalf("message %q", msg)
	}
	var e *fastgpt.Error
	if !errors.As(err, &e) || e.Status != fastgpt.StatusCancelled {
		t.Fatalf("not StatusCancelled: %#v", err)
	}
	// One event may be taken in the instant the deadline passes; the buffer holds 64.
	if late > 1 {
		t.Fatalf("%d events delivered after the deadline", late)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("ended after %v", d)
	}
	s.Close()
}

// Next checks the context itself: cancelled with events still buffered, it returns false.
func TestStreamNextChecksContext(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "100000"))
	ctx, cancel := context.WithCancel(context.Background())
	s := c.StreamChatCompletion(ctx, ask("buffered"))
	defer s.Close()
	if !s.Next() {
		t.Fatal(s.Err())
	}
	time.Sleep(50 * time.Millisecond) // the buffer fills
	cancel()
	if s.Next() {
		t.Fatalf("Next after cancel delivered %+v", s.Event())
	}
	if err := s.Err(); !errors.Is(err, context.Canceled) || !errors.Is(err, fastgpt.ErrCancelled) || errors.Is(err, fastgpt.ErrTimeout) {
		t.Fatalf("err %v", err)
	}
	if s.Next() {
		t.Fatal("Next true again")
	}
}

// After Close nothing more is delivered, and ranging All again after a break yields nothing.
func TestStreamNothingAfterClose(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "100000"))
	s := c.StreamChatCompletion(context.Background(), ask("close me"))
	if !s.Next() {
		t.Fatal(s.Err())
	}
	time.Sleep(50 * time.Millisecond) // the buffer fills
	s.Close()
	if s.Next() {
		t.Fatalf("Next after Close delivered %+v", s.Event())
	}
	if s.Err() != nil {
		t.Fatalf("a closed stream's Err: %v", s.Err())
	}

	s2 := c.StreamChatCompletion(context.Background(), ask("range twice"))
	for range s2.All() {
		break
	}
	time.Sleep(20 * time.Millisecond)
	for ev, err := range s2.All() {
		t.Fatalf("second range yielded %+v %v", ev, err)
	}
}

// Per-call WithTimeout bounds a whole stream, like a context deadline.
func TestStreamCallTimeout(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "stall_mid_stream=5000"))
	start := time.Now()
	_, err := c.StreamChatCompletion(context.Background(), ask("stalls"), fastgpt.WithTimeout(200*time.Millisecond)).Wait()
	if !errors.Is(err, fastgpt.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timed out after %v", d)
	}
	// WithResponseInto has no meaning for a stream (Raw is its raw result).
	var raw *fastgpt.Response
	_, err = c.StreamChatCompletion(context.Background(), ask("x"), fastgpt.WithResponseInto(&raw)).Wait()
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("WithResponseInto on a stream: %v", err)
	}
}

// The accumulated answer is decoded on demand (a consumer that only reads events never pays for
// it): one that does not fit ChatCompletion leaves the stream itself successful, Response nil,
// and Wait says why.
func TestUndecodableAnswerIsReportedByWait(t *testing.T) {
	s := fastgpt.EndedStream([]byte(`{"choices":"not a list"}`))
	for s.Next() {
	}
	if s.Err() != nil || s.Response() != nil || s.Raw() == nil {
		t.Fatalf("Err %v, Response %v, Raw %v", s.Err(), s.Response(), s.Raw())
	}
	if _, err := fastgpt.EndedStream([]byte(`{"choices":"not a list"}`)).Wait(); !errors.Is(err, fastgpt.ErrDecode) {
		t.Fatalf("Wait: %v, want ErrDecode", err)
	}
	cc, err := fastgpt.EndedStream([]byte(`{"choices":[{"message":{"role":"assistant","content":"hi"}}]}`)).Wait()
	if err != nil || cc.Text() != "hi" {
		t.Fatalf("Wait: %v, %v", cc, err)
	}
}
