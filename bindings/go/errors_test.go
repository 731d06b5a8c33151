package fastgpt_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func TestAuthError(t *testing.T) {
	c := newClient(t, fastgpt.WithAPIKey("fastgpt-wrongsecret"))
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if !fastgpt.IsAuth(err) || !errors.Is(err, fastgpt.ErrAuth) || errors.Is(err, fastgpt.ErrAPI) {
		t.Fatalf("want an auth error, got %v", err)
	}
	var e *fastgpt.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a *fastgpt.Error: %T", err)
	}
	if e.Status != fastgpt.StatusAuth || e.Code != 514 || e.HTTPStatus != 500 || !strings.Contains(string(e.Body), "unAuthApiKey") {
		t.Fatalf("error fields %+v", e)
	}
	if strings.Contains(err.Error(), "wrongsecret") || strings.Contains(e.Message, "wrongsecret") {
		t.Fatalf("the API key leaked into the error: %v", err)
	}
}

func TestEnvelopeErrors(t *testing.T) {
	cases := []struct {
		fault string
		check func(error) bool
		code  int64
	}{
		{"envelope=510", fastgpt.IsQuota, 510},
		{"envelope=502000", func(err error) bool { return errors.Is(err, fastgpt.ErrAPI) }, 502000},
		{"status=503", func(err error) bool { return errors.Is(err, fastgpt.ErrHTTP) }, 0},
		{"html_404", func(err error) bool { return errors.Is(err, fastgpt.ErrDecode) || errors.Is(err, fastgpt.ErrHTTP) }, 0},
	}
	for _, tc := range cases {
		c := newClient(t, fastgpt.WithMaxRetries(0), fastgpt.WithHeader("x-mock-fault", tc.fault))
		_, err := c.GetChatInit(context.Background(), &fastgpt.GetChatInitRequest{AppID: appID, ChatID: "x"})
		var e *fastgpt.Error
		if !tc.check(err) || !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("%s: got %v (%+v)", tc.fault, err, e)
		}
	}
}

func TestInvalidRequest(t *testing.T) {
	c := newClient(t)
	_, err := c.GetChatInit(context.Background(), &fastgpt.GetChatInitRequest{})
	if err == nil {
		t.Fatal("an empty init request succeeded")
	}
	_, err = c.CreateChatCompletion(context.Background(), &fastgpt.ChatCompletionRequest{})
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("want ErrInvalidArgument, got %v", err)
	}
	if _, err := c.Do(context.Background(), "PATCH", "/api/x", nil, nil); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("Do PATCH: %v", err)
	}
	if _, err := c.Do(context.Background(), "GET", "/api/x", func() {}, nil); !errors.Is(err, fastgpt.ErrInvalidJSON) {
		t.Fatalf("unencodable request: %v", err)
	}
}

func TestRetryAfter429(t *testing.T) {
	id := uniq("retry")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-mock-fault", "rate_limit_ms=100;times=1"))
	start := time.Now()
	h, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if err != nil || h == nil {
		t.Fatalf("after one 429: %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("retried after %v, before the server's retry-after-ms", d)
	}
	if n := stats(t, id).Requests; n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestRateLimitedAfterRetries(t *testing.T) {
	id := uniq("ratelimited")
	c := newClient(t, fastgpt.WithMaxRetries(1), fastgpt.WithHeader("x-mock-id", id), fastgpt.WithHeader("x-mock-fault", "rate_limit_ms=10"))
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if !fastgpt.IsRateLimited(err) || !errors.Is(err, fastgpt.ErrRateLimited) {
		t.Fatalf("want rate limited, got %v", err)
	}
	var e *fastgpt.Error
	if errors.As(err, &e); e.HTTPStatus != 429 {
		t.Fatalf("http status %d", e.HTTPStatus)
	}
	// The server's answer stays readable: a caller can schedule its own retry from it.
	if got := e.Header.Get("Retry-After-Ms"); got != "10" {
		t.Fatalf("Retry-After-Ms = %q (headers %v)", got, e.Header)
	}
	if n := stats(t, id).Requests; n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestCancelBlockingCall(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "slow_first_byte=5000"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CreateChatCompletion(ctx, ask("slow"))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, fastgpt.ErrCancelled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancel honoured after %v", d)
	}
}

func TestDeadlineBlockingCall(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-fault", "slow_first_byte=5000"))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if !errors.Is(err, context.DeadlineExceeded) || !fastgpt.IsTimeout(err) {
		t.Fatalf("want DeadlineExceeded, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("deadline honoured after %v", d)
	}
}

func TestLibraryTimeout(t *testing.T) {
	c := newClient(t, fastgpt.WithTimeout(200*time.Millisecond), fastgpt.WithMaxRetries(0), fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000"))
	_, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if !errors.Is(err, fastgpt.ErrTimeout) || !fastgpt.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the library's timeout, got %v", err)
	}
	if h := err.(*fastgpt.Error).Header; h != nil {
		t.Fatalf("no answer, yet headers %v", h)
	}
}

func TestAlreadyCancelledContext(t *testing.T) {
	id := uniq("precancel")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n := stats(t, id).Requests; n != 0 {
		t.Fatalf("%d requests sent for a cancelled context", n)
	}
}

func TestCloseCancelsInFlight(t *testing.T) {
	c, err := fastgpt.NewClient(fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey), fastgpt.WithHeader("x-mock-fault", "slow_first_byte=5000"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, errs[0] = c.CreateChatCompletion(context.Background(), ask("in flight"))
	}()
	go func() {
		defer wg.Done()
		_, errs[1] = c.StreamChatCompletion(context.Background(), ask("in flight")).Wait()
	}()
	time.Sleep(150 * time.Millisecond)
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v", d)
	}
	for i, err := range errs {
		if !errors.Is(err, fastgpt.ErrClosed) || !errors.Is(err, fastgpt.ErrCancelled) {
			t.Errorf("call %d: want ErrClosed, got %v", i, err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); !errors.Is(err, fastgpt.ErrClosed) {
		t.Fatalf("call after Close: %v", err)
	}
	if _, err := c.StreamChatCompletion(context.Background(), ask("x")).Wait(); !errors.Is(err, fastgpt.ErrClosed) {
		t.Fatalf("stream after Close: %v", err)
	}
}

// One client shared by 32 goroutines, mixing blocking calls and streams.
func TestConcurrentUse(t *testing.T) {
	c := newClient(t)
	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < 3; i++ {
				q := strings.Repeat("q", w%5+1) + " " + uniq("conc")
				var text string
				if (w+i)%2 == 0 {
					got, err := c.CreateChatCompletion(ctx, ask(q))
					if err != nil {
						errs <- err
						return
					}
					text = got.Text()
				} else {
					var b strings.Builder
					for ev, err := range c.StreamChatCompletion(ctx, ask(q)).All() {
						if err != nil {
							errs <- err
							return
						}
						b.WriteString(ev.Text)
					}
					text = b.String()
				}
				if text != "Echo: "+q {
					errs <- errors.New("answer mixed up: " + text + " for " + q)
					return
				}
				if _, err := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID, PageSize: 1}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCleanupFreesUnclosedClient(t *testing.T) {
	// A client dropped without Close is freed by its cleanup.
	before := fastgpt.LiveClients()
	func() {
		c, err := fastgpt.NewClient(fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: appID}); err != nil {
			t.Fatal(err)
		}
		if fastgpt.LiveClients() != before+1 {
			t.Fatal("client not counted")
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for fastgpt.LiveClients() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := fastgpt.LiveClients(); n > before {
		t.Fatalf("%d unclosed client(s) never freed", n-before)
	}
}

// Every failure is a *fastgpt.Error whose message is said once.
func TestErrorsAreUniform(t *testing.T) {
	c, err := fastgpt.NewClient(fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	live := newClient(t)
	_, badClient := fastgpt.NewClient(fastgpt.WithBaseURL("not a url"))
	_, closedCall := c.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID})
	_, closedDo := c.Do(ctx, "GET", "/api/core/chat/init", nil, nil)
	_, closedStream := c.StreamChatCompletion(ctx, ask("x")).Wait()
	_, precancelled := live.GetChatHistories(cancelled, &fastgpt.GetChatHistoriesRequest{AppID: appID})
	_, badRequest := live.Do(ctx, "GET", "/api/x", func() {}, nil)
	var wrong int
	_, decodeDo := live.Do(ctx, "POST", "/api/core/chat/getHistories", map[string]any{"appId": appID}, &wrong)
	for name, err := range map[string]error{"NewClient": badClient, "closed call": closedCall, "closed Do": closedDo,
		"closed stream": closedStream, "cancelled ctx": precancelled, "unencodable request": badRequest, "Do decode": decodeDo} {
		var e *fastgpt.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %T %v is not a *fastgpt.Error", name, err, err)
			continue
		}
		if err.Error() != "fastgpt: "+e.Message || strings.Count(err.Error(), "fastgpt") != 1 {
			t.Errorf("%s: message %q (Message %q)", name, err.Error(), e.Message)
		}
	}
	for name, err := range map[string]error{"closed call": closedCall, "closed Do": closedDo, "closed stream": closedStream} {
		if !errors.Is(err, fastgpt.ErrClosed) || !errors.Is(err, fastgpt.ErrCancelled) || errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !errors.Is(decodeDo, fastgpt.ErrDecode) || !errors.Is(badRequest, fastgpt.ErrInvalidJSON) {
		t.Errorf("decode %v, encode %v", decodeDo, badRequest)
	}
	if errors.Is(precancelled, fastgpt.ErrClosed) || !errors.Is(precancelled, context.Canceled) {
		t.Errorf("cancelled: %v", precancelled)
	}
}

// A Status is a value, not an error: it prints as the library's description.
func TestStatusIsNotAnError(t *testing.T) {
	if _, ok := any(fastgpt.StatusAuth).(error); ok {
		t.Fatal("Status implements error")
	}
	if s := fmt.Sprint(fastgpt.StatusAuth); strings.HasPrefix(s, "fastgpt:") || !strings.Contains(s, "authentication") {
		t.Fatalf("%%v of a Status: %q", s)
	}
}

// The Is* helpers and errors.Is agree on every kind of failure, timeouts included.
func TestHelpersAgreeWithErrorsIs(t *testing.T) {
	slow := newClient(t, fastgpt.WithMaxRetries(0), fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000"))
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID}
	deadline, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, ctxDeadline := slow.GetChatHistories(deadline, req)
	cancelled, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	_, ctxCancel := slow.GetChatHistories(cancelled, req)
	_, libTimeout := newClient(t, fastgpt.WithTimeout(100*time.Millisecond), fastgpt.WithMaxRetries(0),
		fastgpt.WithHeader("x-mock-fault", "slow_first_byte=3000")).GetChatHistories(context.Background(), req)
	_, auth := newClient(t, fastgpt.WithAPIKey("fastgpt-nope")).GetChatHistories(context.Background(), req)
	_, quota := newClient(t, fastgpt.WithMaxRetries(0), fastgpt.WithHeader("x-mock-fault", "envelope=510")).GetChatHistories(context.Background(), req)

	type pair struct {
		helper   func(error) bool
		sentinel error
	}
	helpers := map[string]pair{
		"timeout": {fastgpt.IsTimeout, fastgpt.ErrTimeout}, "cancelled": {fastgpt.IsCancelled, fastgpt.ErrCancelled},
		"auth": {fastgpt.IsAuth, fastgpt.ErrAuth}, "quota": {fastgpt.IsQuota, fastgpt.ErrQuota},
		"rate": {fastgpt.IsRateLimited, fastgpt.ErrRateLimited},
	}
	want := map[string]map[string]bool{
		"ctx deadline": {"timeout": true, "cancelled": true}, "ctx cancel": {"cancelled": true},
		"library timeout": {"timeout": true}, "auth": {"auth": true}, "quota": {"quota": true},
	}
	for name, err := range map[string]error{"ctx deadline": ctxDeadline, "ctx cancel": ctxCancel,
		"library timeout": libTimeout, "auth": auth, "quota": quota} {
		for h, p := range helpers {
			if got, is := p.helper(err), errors.Is(err, p.sentinel); got != is || got != want[name][h] {
				t.Errorf("%s (%v): Is%s %v, errors.Is %v, want %v", name, err, h, got, is, want[name][h])
			}
		}
		var e *fastgpt.Error
		if errors.As(err, &e) && e.Timeout() != fastgpt.IsTimeout(err) {
			t.Errorf("%s: Timeout() disagrees", name)
		}
	}
	if !errors.Is(ctxDeadline, context.DeadlineExceeded) || errors.Is(libTimeout, context.DeadlineExceeded) {
		t.Errorf("deadline %v, library timeout %v", ctxDeadline, libTimeout)
	}
}

// Do stores its Response through the caller's WithResponseInto too.
func TestDoHonoursResponseInto(t *testing.T) {
	c := newClient(t)
	var raw *fastgpt.Response
	var out fastgpt.ChatHistories
	resp, err := c.Do(context.Background(), "POST", "/api/core/chat/getHistories",
		map[string]any{"appId": appID, "pageSize": 1}, &out, fastgpt.WithResponseInto(&raw))
	if err != nil {
		t.Fatal(err)
	}
	if raw == nil || raw != resp || raw.StatusCode != 200 || raw.Header("content-type") == "" {
		t.Fatalf("WithResponseInto got %+v, Do returned %+v", raw, resp)
	}
}
