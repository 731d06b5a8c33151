package fastgpt_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// A streamed chat in a few lines. NewClient reads FASTGPT_BASE_URL and FASTGPT_API_KEY.
func Example_streamedChat() {
	client, err := fastgpt.NewClient()
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

func ExampleClient_CreateChatCompletion() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	answer, err := client.CreateChatCompletion(context.Background(), &fastgpt.ChatCompletionRequest{
		ChatID:   "example-chat",
		Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("What is FastGPT?")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.Text())
	// Output: Echo: What is FastGPT?
}

func ExampleStream_Next() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	stream := client.StreamChatCompletion(context.Background(), &fastgpt.ChatCompletionRequest{
		Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("reason first")},
	})
	defer stream.Close()
	for stream.Next() {
		ev := stream.Event()
		if ev.Kind == fastgpt.EventAnswer && ev.Reasoning != "" {
			continue // reasoning deltas
		}
		fmt.Print(ev.Text)
	}
	if err := stream.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nreasoning: %s\n", stream.Response().Reasoning())
	// Output:
	// Echo: reason first
	// reasoning: Thinking about: reason first
}

func ExampleIsAuth() {
	client, err := fastgpt.NewClient(fastgpt.WithAPIKey("fastgpt-invalid"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	_, err = client.GetChatHistories(context.Background(), &fastgpt.GetChatHistoriesRequest{AppID: "66e29b870b24ce35330c0f08"})
	var e *fastgpt.Error
	if errors.As(err, &e) {
		fmt.Println(fastgpt.IsAuth(err), errors.Is(err, fastgpt.ErrAuth), e.Code)
	}
	// Output: true true 514
}
