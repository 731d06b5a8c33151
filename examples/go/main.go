// Command chat streams one answer from a FastGPT app.
//
//	FASTGPT_BASE_URL=https://cloud.fastgpt.io FASTGPT_API_KEY=fastgpt-xxx go run . "Hello!"
//
// That links the installed libfastgpt (pkg-config fastgpt, see bindings/go/README.md). Inside this
// repository, against `cargo build`'s library and the local mock (scripts/with-mock.sh sets both
// variables):
//
//	../../scripts/with-mock.sh go run -tags fastgpt_dev . "Hello!"
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func main() {
	question := strings.Join(os.Args[1:], " ")
	if question == "" {
		question = "Hello!"
	}
	// Ctrl-C cancels the stream (the request is aborted inside libfastgpt).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client, err := fastgpt.NewClient() // FASTGPT_BASE_URL, FASTGPT_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage(question)}}
	for ev, err := range client.StreamChatCompletion(ctx, req).All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(ev.Text)
	}
	fmt.Println()
}
