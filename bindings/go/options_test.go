package fastgpt_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// WithTimeout(0) means no timeout (as in net/http), and durations under a millisecond are rounded
// up instead of truncated to a rejected 0.
func TestDurationOptions(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second, 500 * time.Microsecond, time.Nanosecond, 30 * 24 * time.Hour} {
		c, err := fastgpt.NewClient(fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey), fastgpt.WithTimeout(d),
			fastgpt.WithStreamIdleTimeout(d), fastgpt.WithMaxRetryDelay(d))
		if err != nil {
			t.Fatalf("duration %v: %v", d, err)
		}
		c.Close()
	}
	c := newClient(t, fastgpt.WithTimeout(0), fastgpt.WithConnectTimeout(0))
	if _, err := c.CreateChatCompletion(context.Background(), ask("no timeout")); err != nil {
		t.Fatal(err)
	}
	// 1µs rounds up to 1ms: far too short for a 3s answer.
	c = newClient(t, fastgpt.WithTimeout(time.Microsecond), fastgpt.WithMaxRetries(0), fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000"))
	if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); !errors.Is(err, fastgpt.ErrTimeout) {
		t.Fatalf("1µs timeout: %v", err)
	}
}

// WithTimeout per call bounds that call only, as a context deadline.
func TestCallTimeout(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000"))
	start := time.Now()
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithTimeout(150*time.Millisecond))
	if !errors.Is(err, fastgpt.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timed out after %v", d)
	}
	// WithTimeout(0) per call: no bound (the client's applies).
	fast := newClient(t)
	if _, err := fast.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithTimeout(0)); err != nil {
		t.Fatal(err)
	}
}

// Client settings that cannot change per call are refused per call (not silently ignored),
// WithProgress outside an upload too, and WithResponseInto is refused by NewClient.
func TestOptionPlacement(t *testing.T) {
	c := newClient(t)
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithBaseURL("http://elsewhere"))
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("per-call WithBaseURL: %v", err)
	}
	_, err = c.StreamChatCompletion(context.Background(), ask("x"), fastgpt.WithLogger(slog.Default())).Wait()
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("per-call WithLogger on a stream: %v", err)
	}
	_, err = c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}, fastgpt.WithProgress(func(int64, int64) {}))
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("WithProgress on a non-upload: %v", err)
	}
	var raw *fastgpt.Response
	if _, err := fastgpt.NewClient(fastgpt.WithResponseInto(&raw)); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("NewClient(WithResponseInto): %v", err)
	}
}
