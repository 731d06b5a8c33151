package fastgpt_test

// Every Go snippet of README.md and bindings/go/README.md is a run of lines of one of these
// examples (TestReadmeSnippetsCompile checks it), so every snippet compiles; those with an
// Output comment also run against fastgpt-mock.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// A streamed chat in a few lines. NewClient reads FASTGPT_BASE_URL and FASTGPT_API_KEY.
func Example_streamedChat() {
	client, err := fastgpt.NewClient() // reads FASTGPT_BASE_URL and FASTGPT_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("Hello!")}}
	for ev, err := range client.StreamChatCompletion(context.Background(), req).All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(ev.Text)
	}
	fmt.Println()
	// Output: Echo: Hello!
}

// Every client option (all optional). NewClient does no I/O.
func ExampleNewClient() {
	client, err := fastgpt.NewClient(
		fastgpt.WithBaseURL("https://cloud.fastgpt.io"), // default $FASTGPT_BASE_URL, else http://localhost:3000
		fastgpt.WithAPIKey(os.Getenv("MY_KEY")),         // default $FASTGPT_API_KEY
		fastgpt.WithTimeout(2*time.Minute),              // whole unary call incl. retries (default 10 min; 0: none)
		fastgpt.WithConnectTimeout(5*time.Second),       // default 10s
		fastgpt.WithStreamIdleTimeout(30*time.Second),   // silence between stream reads (default 60s)
		fastgpt.WithMaxRetries(3),                       // default 2; 0 disables
		fastgpt.WithMaxRetryDelay(10*time.Second),       // longest Retry-After honoured (default 60s)
		fastgpt.WithHeader("X-Team", "blue"),            // every request
		fastgpt.WithProxy("http://proxy:3128"),          // environment proxies are not used
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
}

func ExampleClient_CreateChatCompletion() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	answer, err := client.CreateChatCompletion(ctx, &fastgpt.ChatCompletionRequest{
		ChatID:   "example-chat",
		Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("What is FastGPT?")},
	}, fastgpt.WithTimeout(30*time.Second)) // per call: bounds this call only
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.Text())
	// Output: Echo: What is FastGPT?
}

// With Detail, the answer's content is FastGPT's list of items; Text, Reasoning and Parts read it.
func ExampleChatCompletion_Text() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	req := &fastgpt.ChatCompletionRequest{Detail: true, Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("reason with tool")}}
	answer, err := client.CreateChatCompletion(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.Text())
	fmt.Println(answer.Reasoning())
	for _, part := range answer.Choices[0].Message.Content.Parts {
		fmt.Print(part.Type, " ") // "tool" and other items: part.Raw
	}
	fmt.Println(len(answer.ResponseData), "node responses")
	// Output:
	// Echo: reason with tool
	// Thinking about: reason with tool
	// reasoning tool text 2 node responses
}

func ExampleStream_Next() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("reason first")}}

	stream := client.StreamChatCompletion(ctx, req)
	defer stream.Close()
	for stream.Next() {
		ev := stream.Event() // Kind, Name, Data (raw bytes), Text, Reasoning, Err (EventError)
		fmt.Print(ev.Text)
	}
	if err := stream.Err(); err != nil {
		log.Fatal(err)
	}
	final := stream.Response() // the accumulated answer in the non-stream shape
	fmt.Printf("\nreasoning: %s\n", final.Reasoning())
	// Output:
	// Echo: reason first
	// reasoning: Thinking about: reason first
}

// A context deadline (or cancellation) ends a stream at once, even with events still buffered.
func ExampleStream_Err() {
	client, err := fastgpt.NewClient(fastgpt.WithHeader("x-mock-fault", "stall_mid_stream=5000")) // a mock stream that stalls
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("Hello!")}}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = client.StreamChatCompletion(ctx, req).Wait()
	fmt.Println(errors.Is(err, context.DeadlineExceeded), errors.Is(err, fastgpt.ErrCancelled), fastgpt.IsTimeout(err))
	fmt.Println(err)
	// Output:
	// true true true
	// fastgpt: cancelled: context deadline exceeded
}

func ExampleError() {
	client, err := fastgpt.NewClient(fastgpt.WithAPIKey("fastgpt-invalid"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	req := &fastgpt.GetChatHistoriesRequest{AppID: "66e29b870b24ce35330c0f08"}

	_, err = client.GetChatHistories(ctx, req)
	var e *fastgpt.Error // every error of this package is one
	if errors.As(err, &e) {
		fmt.Println(e.Status == fastgpt.StatusAuth, e.HTTPStatus, e.Code) // also e.Message (never the API key), e.Body, e.Header
	}
	fmt.Println(fastgpt.IsAuth(err), errors.Is(err, fastgpt.ErrAuth))
	// Output:
	// true 500 514
	// true true
}

func ExampleWithResponseInto() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	req := &fastgpt.GetChatHistoriesRequest{AppID: "66e29b870b24ce35330c0f08", PageSize: 1}

	var raw *fastgpt.Response
	hist, err := client.GetChatHistories(ctx, req, fastgpt.WithResponseInto(&raw))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(raw.StatusCode, raw.Header("Content-Type"), len(hist.List) <= 1)
	raw.Close() // optional: releases the native response kept for Header lookups
	// Output: 200 application/json; charset=utf-8 true
}

// Optional request fields are pointers: fastgpt.String, Int, Bool and Ptr make them.
func ExampleClient_UpdateChatHistory() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	appID, chatID := "66e29b870b24ce35330c0f08", "example-rename"
	if _, err := client.CreateChatCompletion(ctx, &fastgpt.ChatCompletionRequest{ChatID: chatID, Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("hi")}}); err != nil {
		log.Fatal(err)
	}

	err = client.UpdateChatHistory(ctx, &fastgpt.UpdateChatHistoryRequest{
		AppID: appID, ChatID: chatID, CustomTitle: fastgpt.String("Renamed"), Top: fastgpt.Bool(true),
	})
	if err != nil {
		log.Fatal(err)
	}
	hist, err := client.GetChatHistories(ctx, &fastgpt.GetChatHistoriesRequest{AppID: appID})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hist.List {
		if h.ChatID == chatID {
			fmt.Println(h.CustomTitle, h.Top, !h.UpdateTime.IsZero()) // UpdateTime: time.Time + Raw text
		}
	}
	// Output: Renamed true true
}

// Do reaches any endpoint, with the client's auth, retries and errors.
func ExampleClient_Do() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	var out struct {
		Total int `json:"total"`
	}
	resp, err := client.Do(ctx, "POST", "/api/core/chat/getHistories", map[string]any{"appId": "66e29b870b24ce35330c0f08"}, &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, out.Total >= 0)
	// Output: 200 true
}
