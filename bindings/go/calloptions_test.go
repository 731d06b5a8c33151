package fastgpt_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// Per-call WithHeader adds a header to that call only and replaces the client's header of the same
// name; the client's other headers stay.
func TestCallHeader(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("X-Team", "blue"), fastgpt.WithHeader("X-Keep", "yes"))
	var echoed map[string]string
	_, err := c.Do(context.Background(), "GET", "/api/core/chat/init", map[string]string{"appId": appID}, &echoed,
		fastgpt.WithHeader("x-mock-fault", "echo_headers"), fastgpt.WithHeader("x-team", "red"))
	if err != nil {
		t.Fatal(err)
	}
	if echoed["x-team"] != "red" || echoed["x-keep"] != "yes" {
		t.Fatalf("headers sent: %v", echoed)
	}
	if strings.Contains(echoed["x-team"], "blue") {
		t.Fatalf("the client's header was not replaced: %v", echoed)
	}
	// The next call has the client's headers only (the per-call client was freed).
	id := uniq("hdr")
	if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithHeader("x-mock-id", id)); err != nil {
		t.Fatal(err)
	}
	if h := stats(t, id).Headers; h["x-team"] != "blue" {
		t.Fatalf("per-call request headers %v", h)
	}
	if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); err != nil {
		t.Fatal(err)
	}
	if n := stats(t, id).Requests; n != 1 {
		t.Fatalf("the per-call header stuck to the client: %d requests under %s", n, id)
	}
}

// Per-call WithMaxRetries replaces the client's retry count for that call only.
func TestCallMaxRetries(t *testing.T) {
	c := newClient(t) // 2 retries
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID}
	id := uniq("noretry")
	_, err := c.GetChatHistories(context.Background(), req, fastgpt.WithMaxRetries(0),
		fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-mock-fault", "rate_limit_ms=10;times=1"))
	if !errors.Is(err, fastgpt.ErrRateLimited) || stats(t, id).Requests != 1 {
		t.Fatalf("WithMaxRetries(0): %v after %d requests", err, stats(t, id).Requests)
	}
	id = uniq("retry")
	_, err = c.GetChatHistories(context.Background(), req,
		fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-mock-fault", "rate_limit_ms=10;times=1"))
	if err != nil || stats(t, id).Requests != 2 {
		t.Fatalf("client retries: %v after %d requests", err, stats(t, id).Requests)
	}
}

// Per-call WithStreamIdleTimeout and WithTimeout apply to streams too.
func TestCallStreamOptions(t *testing.T) {
	c := newClient(t)
	start := time.Now()
	_, err := c.StreamChatCompletion(context.Background(), ask("stall"), fastgpt.WithStreamIdleTimeout(100*time.Millisecond),
		fastgpt.WithHeader("x-mock-fault", "stall_mid_stream=3000")).Wait()
	if !errors.Is(err, fastgpt.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("per-call idle timeout: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("idle timeout after %v", d)
	}
	// WithTimeout bounds a stream too (the library's timeout until the headers, the context
	// deadline over the whole stream).
	c2 := newClient(t, fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000"), fastgpt.WithMaxRetries(0))
	_, err = c2.StreamChatCompletion(context.Background(), ask("slow"), fastgpt.WithTimeout(100*time.Millisecond)).Wait()
	if !errors.Is(err, fastgpt.ErrTimeout) {
		t.Fatalf("per-call timeout on a stream: %v", err)
	}
	got, err := c.StreamChatCompletion(context.Background(), ask("fine"), fastgpt.WithHeader("X-A", "b"), fastgpt.WithMaxRetries(0)).Wait()
	if err != nil || got.Text() != "Echo: fine" {
		t.Fatalf("stream with per-call options: %v %v", got, err)
	}
}

// Per-call options reach the library as a derived client's settings (its DEBUG line names them):
// WithTimeout as the library's timeout_ms (not only a context deadline), and the others; a call
// without them makes no derived client.
func TestCallOptionsReachTheLibrary(t *testing.T) {
	var buf syncBuffer
	c := newClient(t, fastgpt.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID}
	if _, err := c.GetChatHistories(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "derived client") {
		t.Fatalf("a call without per-call options made a derived client:\n%s", buf.String())
	}
	_, err := c.GetChatHistories(context.Background(), req, fastgpt.WithTimeout(4500*time.Millisecond),
		fastgpt.WithStreamIdleTimeout(time.Second), fastgpt.WithMaxRetries(1), fastgpt.WithHeader("X-Tenant", "t1"))
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"derived client", "timeout_ms=4500", "stream_idle_timeout_ms=1000", "max_retries=1", "x-tenant"} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "t1") {
		t.Errorf("a header value was logged:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the log callback's threads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// WithLogger receives the library's lines at slog levels, never the API key; the level asked of
// the library follows the handler's.
func TestWithLogger(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, fastgpt.WithLogger(logger))
	id := uniq("log")
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID},
		fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-mock-fault", "rate_limit_ms=10;times=1"))
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=INFO", "level=WARN", "outcome=retry", "outcome=ok", "path=/api/core/chat/getHistories", "level=DEBUG"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, mockKey) {
		t.Fatalf("the API key was logged:\n%s", out)
	}
	// A handler at ERROR gets no INFO line (the library is asked for ERROR only).
	var quiet syncBuffer
	q := newClient(t, fastgpt.WithLogger(slog.New(slog.NewTextHandler(&quiet, &slog.HandlerOptions{Level: slog.LevelError}))))
	if _, err := q.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithHeader("x-mock-fault", "error=unAuthApiKey")); !fastgpt.IsAuth(err) {
		t.Fatalf("want auth, got %v", err)
	}
	if s := quiet.String(); strings.Contains(s, "level=INFO") || !strings.Contains(s, "level=ERROR") {
		t.Fatalf("ERROR-level logger got:\n%s", s)
	}
}

// FastGPT's chatIsGenerating (a chat still generating) is StatusBusy / ErrBusy, legacy and typed.
func TestBusy(t *testing.T) {
	c := newClient(t, fastgpt.WithMaxRetries(0))
	for _, fault := range []string{"error=chatIsGenerating", "error=chatIsGenerating-typed"} {
		_, err := c.CreateChatCompletion(context.Background(), ask("again"), fastgpt.WithHeader("x-mock-fault", fault))
		var e *fastgpt.Error
		if !errors.Is(err, fastgpt.ErrBusy) || !fastgpt.IsBusy(err) || !errors.As(err, &e) || e.Status != fastgpt.StatusBusy || e.Code != 504001 {
			t.Fatalf("%s: %#v", fault, err)
		}
		if fastgpt.IsRateLimited(err) || e.Status.String() == "" {
			t.Fatalf("%s: %v", fault, err)
		}
	}
}
