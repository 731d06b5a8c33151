// Command fastgpt-go-bench: the Go contenders of the benchmark, one JSON line per run on stdout.
//
//	fastgpt-go-bench CONTENDER BASE_URL go_unary N
//	fastgpt-go-bench CONTENDER BASE_URL go_concurrent N INFLIGHT
//	fastgpt-go-bench CONTENDER BASE_URL go_stream N      (N answer events of 16 bytes)
//
// CONTENDER is go-libfastgpt (this repository's binding), openai-go (github.com/openai/openai-go/v3)
// or go-openai (github.com/sashabaranov/go-openai). All three call fastgpt-mock's OpenAI-compatible
// POST /api/v1/chat/completions with the same question; the SDKs get the HTTP transport a careful
// user would give them (keep-alive connections for every request in flight). Every answer is
// checked; a failure exits non-zero with the error on stderr.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
	openai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
)

const (
	apiKey   = "fastgpt-mockkey"
	question = "hello"
	answer   = "Echo: hello"
)

// contender is one client under test. header is sent with every request (the mock reads
// x-mock-stream-events from it).
type contender interface {
	unary(ctx context.Context) error
	// stream reads a whole stream, calling onText for each non-empty answer delta.
	stream(ctx context.Context, onText func(string)) error
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(3)
}

// transport is the tuned transport of the SDKs: enough idle connections per host for every
// request in flight (the default, 2, makes 64 in flight open and close connections).
func transport(inflight int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = inflight * 2
	t.MaxIdleConnsPerHost = inflight * 2
	return t
}

// headerRT adds fixed headers (go-openai has no per-client header option).
type headerRT struct {
	next http.RoundTripper
	h    map[string]string
}

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.h {
		r.Header.Set(k, v)
	}
	return h.next.RoundTrip(r)
}

// ---- go-libfastgpt ----

type libfastgpt struct{ c *fastgpt.Client }

func newLibfastgpt(base string, header map[string]string) contender {
	opts := []fastgpt.Option{fastgpt.WithBaseURL(base), fastgpt.WithAPIKey(apiKey)}
	for k, v := range header {
		opts = append(opts, fastgpt.WithHeader(k, v))
	}
	c, err := fastgpt.NewClient(opts...)
	if err != nil {
		die("NewClient: %v", err)
	}
	return libfastgpt{c}
}

func (l libfastgpt) req() *fastgpt.ChatCompletionRequest {
	return &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage(question)}}
}

func (l libfastgpt) unary(ctx context.Context) error {
	got, err := l.c.CreateChatCompletion(ctx, l.req())
	if err == nil && got.Text() != answer {
		err = fmt.Errorf("answer %q", got.Text())
	}
	return err
}

func (l libfastgpt) stream(ctx context.Context, onText func(string)) error {
	for ev, err := range l.c.StreamChatCompletion(ctx, l.req()).All() {
		if err != nil {
			return err
		}
		if ev.Text != "" {
			onText(ev.Text)
		}
	}
	return nil
}

// ---- openai-go ----

type openaiGo struct{ c openai.Client }

func newOpenaiGo(base string, header map[string]string, inflight int) contender {
	opts := []option.RequestOption{option.WithBaseURL(base + "/api/v1/"), option.WithAPIKey(apiKey),
		option.WithHTTPClient(&http.Client{Transport: transport(inflight)})}
	for k, v := range header {
		opts = append(opts, option.WithHeader(k, v))
	}
	return openaiGo{openai.NewClient(opts...)}
}

func (o openaiGo) params() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{Model: "fastgpt", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(question)}}
}

func (o openaiGo) unary(ctx context.Context) error {
	got, err := o.c.Chat.Completions.New(ctx, o.params())
	if err == nil && (len(got.Choices) == 0 || got.Choices[0].Message.Content != answer) {
		err = fmt.Errorf("answer %+v", got.Choices)
	}
	return err
}

func (o openaiGo) stream(ctx context.Context, onText func(string)) error {
	s := o.c.Chat.Completions.NewStreaming(ctx, o.params())
	defer s.Close()
	for s.Next() {
		ch := s.Current()
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
			onText(ch.Choices[0].Delta.Content)
		}
	}
	return s.Err()
}

// ---- go-openai ----

type goOpenai struct{ c *goopenai.Client }

func newGoOpenai(base string, header map[string]string, inflight int) contender {
	cfg := goopenai.DefaultConfig(apiKey)
	cfg.BaseURL = base + "/api/v1"
	cfg.HTTPClient = &http.Client{Transport: headerRT{transport(inflight), header}}
	return goOpenai{goopenai.NewClientWithConfig(cfg)}
}

func (g goOpenai) req() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{Model: "fastgpt", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: question}}}
}

func (g goOpenai) unary(ctx context.Context) error {
	got, err := g.c.CreateChatCompletion(ctx, g.req())
	if err == nil && (len(got.Choices) == 0 || got.Choices[0].Message.Content != answer) {
		err = fmt.Errorf("answer %+v", got.Choices)
	}
	return err
}

func (g goOpenai) stream(ctx context.Context, onText func(string)) error {
	r := g.req()
	r.Stream = true
	s, err := g.c.CreateChatCompletionStream(ctx, r)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		ch, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
			onText(ch.Choices[0].Delta.Content)
		}
	}
}

func newContender(name, base string, header map[string]string, inflight int) contender {
	switch name {
	case "go-libfastgpt":
		return newLibfastgpt(base, header)
	case "openai-go":
		return newOpenaiGo(base, header, inflight)
	case "go-openai":
		return newGoOpenai(base, header, inflight)
	}
	die("unknown contender %q", name)
	return nil
}

func arg(i int) int {
	if len(os.Args) <= i {
		die("missing argument %d", i)
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil || n < 1 {
		die("bad number %q", os.Args[i])
	}
	return n
}

func main() {
	if len(os.Args) < 4 {
		die("usage: fastgpt-go-bench CONTENDER BASE_URL go_unary|go_concurrent|go_stream N [INFLIGHT]")
	}
	name, base, workload := os.Args[1], os.Args[2], os.Args[3]
	ctx := context.Background()
	n := arg(4)
	switch workload {
	case "go_unary":
		c := newContender(name, base, nil, 1)
		if err := c.unary(ctx); err != nil { // warm-up: connection open
			die("unary: %v", err)
		}
		t0 := time.Now()
		for i := 0; i < n; i++ {
			if err := c.unary(ctx); err != nil {
				die("unary: %v", err)
			}
		}
		fmt.Printf(`{"contender":%q,"workload":%q,"n":%d,"secs":%.6f}`+"\n", name, workload, n, time.Since(t0).Seconds())
	case "go_concurrent":
		inflight := arg(5)
		c := newContender(name, base, nil, inflight)
		var next atomic.Int64
		var wg sync.WaitGroup
		run := func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := c.unary(ctx); err != nil {
					die("concurrent: %v", err)
				}
			}
		}
		// Warm-up: one round of calls in flight opens the connections.
		next.Store(int64(n - inflight))
		for i := 0; i < inflight; i++ {
			wg.Add(1)
			go run()
		}
		wg.Wait()
		next.Store(0)
		t0 := time.Now()
		for i := 0; i < inflight; i++ {
			wg.Add(1)
			go run()
		}
		wg.Wait()
		fmt.Printf(`{"contender":%q,"workload":%q,"n":%d,"inflight":%d,"secs":%.6f}`+"\n", name, workload, n, inflight,
			time.Since(t0).Seconds())
	case "go_stream":
		c := newContender(name, base, map[string]string{"x-mock-stream-events": strconv.Itoa(n)}, 1)
		if err := c.unary(ctx); err != nil {
			die("warm-up: %v", err)
		}
		var answers, bytes int
		var first time.Time
		t0 := time.Now()
		err := c.stream(ctx, func(s string) {
			if answers == 0 {
				first = time.Now()
			}
			answers++
			bytes += len(s)
		})
		secs := time.Since(t0).Seconds()
		if err != nil {
			die("stream: %v", err)
		}
		if answers != n || bytes != n*16 {
			die("stream: %d answer events / %d bytes, expected %d", answers, bytes, n)
		}
		fmt.Printf(`{"contender":%q,"workload":%q,"n":%d,"secs":%.6f,"ttfe_ms":%.3f}`+"\n", name, workload, n, secs,
			first.Sub(t0).Seconds()*1e3)
	default:
		die("unknown workload %q", workload)
	}
}
