// Command knowledge_base walks FastGPT's knowledge-base API: it creates a dataset, adds a text
// collection, pushes data, runs a search test, uploads a file with a progress line, and deletes
// what it made (also when a step fails).
//
//	FASTGPT_BASE_URL=https://cloud.fastgpt.io FASTGPT_API_KEY=fastgpt-xxx go run ./knowledge_base [file]
//
// Without a file argument it uploads a small generated Markdown file. Inside this repository,
// against `cargo build`'s library and the local mock:
//
//	../../scripts/with-mock.sh go run -tags fastgpt_dev ./knowledge_base
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client, err := fastgpt.NewClient() // FASTGPT_BASE_URL, FASTGPT_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := run(ctx, client); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, client *fastgpt.Client) error {
	// 1. A dataset (the server's default models), deleted at the end with everything in it.
	datasetID, err := client.CreateDataset(ctx, &fastgpt.CreateDatasetRequest{
		Name:  "libfastgpt example " + time.Now().UTC().Format("2006-01-02 15:04:05"),
		Intro: "made by examples/go/knowledge_base",
	})
	if err != nil {
		return fmt.Errorf("create dataset: %w", err)
	}
	fmt.Println("dataset", datasetID)
	defer func() {
		// A fresh context: clean up even after Ctrl-C.
		if err := client.DeleteDataset(context.Background(), &fastgpt.DeleteDatasetRequest{ID: datasetID}); err != nil {
			log.Print("delete dataset: ", err)
			return
		}
		fmt.Println("deleted dataset", datasetID)
	}()

	// 2. A collection from text: the server splits it into chunks and trains them.
	text, err := client.CreateTextCollection(ctx, &fastgpt.CreateTextCollectionRequest{
		DatasetID: datasetID,
		Name:      "about",
		Text:      "libfastgpt is a native client for FastGPT.\n\nIt has C, C++ and Go APIs.",
	})
	if err != nil {
		return fmt.Errorf("create text collection: %w", err)
	}
	fmt.Printf("text collection %s: %d chunks\n", text.CollectionID, text.Results.InsertLen)

	// 3. Question/answer pairs pushed into an empty collection (at most 200 per call).
	qa, err := client.CreateCollection(ctx, &fastgpt.CreateCollectionRequest{DatasetID: datasetID, Name: "faq", Type: fastgpt.CollectionTypeVirtual})
	if err != nil {
		return fmt.Errorf("create collection: %w", err)
	}
	pushed, err := client.PushData(ctx, &fastgpt.PushDataRequest{CollectionID: qa, Data: []fastgpt.PushDataItem{
		{Q: "Which languages can call libfastgpt?", A: "C, C++ and Go."},
		{Q: "Does a slow Go consumer hold a thread?", A: "No: its stream is paused until it reads again."},
	}})
	if err != nil {
		return fmt.Errorf("push data: %w", err)
	}
	fmt.Printf("pushed %d items\n", pushed.InsertLen)

	// 4. A search test, as an app's dataset-search node would run it.
	found, err := client.SearchTest(ctx, &fastgpt.SearchTestRequest{DatasetID: datasetID, Text: "which languages", SearchMode: fastgpt.SearchModeEmbedding})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for _, hit := range found.List {
		fmt.Printf("hit %.2f %q\n", hit.Score[0].Value, hit.Q)
	}

	// 5. A file upload with a progress line; a path is streamed from disk, never read whole.
	path, cleanup, err := fileToUpload()
	if err != nil {
		return err
	}
	defer cleanup()
	progress := fastgpt.WithProgress(func(sent, total int64) {
		fmt.Printf("\ruploading %s: %3d%%", filepath.Base(path), percent(sent, total))
		if sent == total {
			fmt.Println()
		}
	})
	file, err := client.CreateFileCollectionFromPath(ctx, &fastgpt.CreateFileCollectionRequest{DatasetID: datasetID}, path, progress)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	fmt.Println("file collection", file.CollectionID)

	list, err := client.ListCollections(ctx, &fastgpt.ListCollectionsRequest{DatasetID: datasetID})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	fmt.Printf("%d collections\n", list.Total)
	return nil
}

// fileToUpload returns the file named on the command line, or a generated one.
func fileToUpload() (string, func(), error) {
	if len(os.Args) > 1 {
		return os.Args[1], func() {}, nil
	}
	dir, err := os.MkdirTemp("", "fastgpt-example-")
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "guide.md")
	body := "# libfastgpt guide\n\n" + strings.Repeat("Streams pause instead of holding threads.\n", 2000)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

func percent(sent, total int64) int64 {
	if total == 0 {
		return 100
	}
	return sent * 100 / total
}
