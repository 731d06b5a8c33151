package fastgpt_test

// Examples of the knowledge-base methods, per-call options, logs and busy errors; their lines
// are the README's snippets (TestReadmeSnippetsCompile).

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// A dataset, a text collection, pushed data and a search test, then the dataset is deleted.
func ExampleClient_CreateDataset() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	datasetID, err := client.CreateDataset(ctx, &fastgpt.CreateDatasetRequest{Name: "Product docs"})
	if err != nil {
		log.Fatal(err)
	}
	defer client.DeleteDataset(ctx, &fastgpt.DeleteDatasetRequest{ID: datasetID}) // and all it holds
	text, err := client.CreateTextCollection(ctx, &fastgpt.CreateTextCollectionRequest{
		DatasetID: datasetID, Name: "intro", Text: "FastGPT is a knowledge base platform.",
		CollectionOptions: fastgpt.CollectionOptions{TrainingType: fastgpt.TrainingChunk, Tags: []string{"docs"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	pushed, err := client.PushData(ctx, &fastgpt.PushDataRequest{CollectionID: text.CollectionID, Data: []fastgpt.PushDataItem{
		{Q: "What does FastGPT do?", A: "It answers from your documents."}, // at most 200 items a call
	}})
	if err != nil {
		log.Fatal(err)
	}
	found, err := client.SearchTest(ctx, &fastgpt.SearchTestRequest{DatasetID: datasetID, Text: "what does fastgpt do"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(text.Results.InsertLen, pushed.InsertLen, found.List[0].Q)
	// Output: 1 1 What does FastGPT do?
}

// A file upload with progress: a path is streamed from disk; CreateFileCollection takes any
// io.Reader (an *os.File is streamed too).
func ExampleClient_CreateFileCollectionFromPath() {
	client, err := fastgpt.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	datasetID, err := client.CreateDataset(ctx, &fastgpt.CreateDatasetRequest{Name: "Uploads"})
	if err != nil {
		log.Fatal(err)
	}
	defer client.DeleteDataset(ctx, &fastgpt.DeleteDatasetRequest{ID: datasetID})
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "manual.md")
	_ = os.WriteFile(path, []byte("# Manual\n\nHello."), 0o644)

	created, err := client.CreateFileCollectionFromPath(ctx, &fastgpt.CreateFileCollectionRequest{DatasetID: datasetID}, path,
		fastgpt.WithProgress(func(sent, total int64) { fmt.Printf("\r%d/%d bytes", sent, total) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	coll, err := client.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: created.CollectionID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(coll.Name, coll.File.ContentLength)
	// Output:
	// 16/16 bytes
	// manual.md 16
}

// Per call, WithHeader, WithTimeout, WithMaxRetries and WithStreamIdleTimeout override the client's
// settings for that call only (streams included).
func ExampleWithHeader() {
	client, err := fastgpt.NewClient(fastgpt.WithHeader("X-Team", "blue"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("Hello!")}}

	answer, err := client.CreateChatCompletion(ctx, req,
		fastgpt.WithHeader("X-Tenant", "acme"), // added to the client's headers (same name: replaced)
		fastgpt.WithTimeout(30*time.Second),    // the library's timeout and a context deadline
		fastgpt.WithMaxRetries(0))              // no retry for this call
	if err != nil {
		log.Fatal(err)
	}
	stream := client.StreamChatCompletion(ctx, req, fastgpt.WithStreamIdleTimeout(5*time.Second))
	final, err := stream.Wait()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.Text(), final.Text())
	// Output: Echo: Hello! Echo: Hello!
}

// The library's log lines (one per request attempt, stream start and end) go to a slog.Logger;
// the level asked of the library is the most verbose one the logger accepts.
func ExampleWithLogger() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	client, err := fastgpt.NewClient(fastgpt.WithLogger(logger)) // retries (WARN) and failures (ERROR)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
}

// A chat still generating its previous answer answers "busy": try again later.
func ExampleIsBusy() {
	client, err := fastgpt.NewClient(fastgpt.WithHeader("x-mock-fault", "error=chatIsGenerating")) // the mock plays a busy chat
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	req := &fastgpt.ChatCompletionRequest{ChatID: "busy-chat", Messages: []fastgpt.ChatMessage{fastgpt.UserMessage("again")}}

	_, err = client.CreateChatCompletion(context.Background(), req)
	if fastgpt.IsBusy(err) { // also errors.Is(err, fastgpt.ErrBusy)
		fmt.Println("busy, try later:", errors.Is(err, fastgpt.ErrBusy))
	}
	// Output: busy, try later: true
}
