package fastgpt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// newDataset creates a dataset for one test and deletes it at the end.
func newDataset(t *testing.T, c *fastgpt.Client, name string) string {
	t.Helper()
	id, err := c.CreateDataset(context.Background(), &fastgpt.CreateDatasetRequest{Name: name, Intro: "for " + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 24 {
		t.Fatalf("dataset id %q", id)
	}
	t.Cleanup(func() { _ = c.DeleteDataset(context.Background(), &fastgpt.DeleteDatasetRequest{ID: id}) })
	return id
}

// Datasets: create, list, detail, delete, with FastGPT's shapes.
func TestDatasets(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	name := uniq("ds")
	id := newDataset(t, c, name)
	list, err := c.ListDatasets(ctx, &fastgpt.ListDatasetsRequest{SearchKey: name})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id || list[0].Name != name || list[0].Type != fastgpt.DatasetTypeDataset ||
		list[0].VectorModel == nil || list[0].VectorModel.Model != "text-embedding-3-small" || list[0].UpdateTime.IsZero() || !json.Valid(list[0].Raw) {
		t.Fatalf("list %+v", list)
	}
	d, err := c.GetDataset(ctx, &fastgpt.GetDatasetRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != id || d.Status != "active" || d.Intro != "for "+t.Name() || d.AgentModel == nil || d.AgentModel.Model != "gpt-4o-mini" {
		t.Fatalf("detail %+v", d)
	}
	if err := c.DeleteDataset(ctx, &fastgpt.DeleteDatasetRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDataset(ctx, &fastgpt.GetDatasetRequest{ID: id})
	var e *fastgpt.Error
	if !errors.As(err, &e) || e.Code != 501002 {
		t.Fatalf("deleted dataset: %v", err)
	}
	// A folder, and a dataset created in it.
	folder, err := c.CreateDataset(ctx, &fastgpt.CreateDatasetRequest{Name: uniq("folder"), Type: fastgpt.DatasetTypeFolder})
	if err != nil {
		t.Fatal(err)
	}
	defer c.DeleteDataset(ctx, &fastgpt.DeleteDatasetRequest{ID: folder})
	if _, err := c.CreateDataset(ctx, &fastgpt.CreateDatasetRequest{Name: "child", ParentID: folder}); err != nil {
		t.Fatal(err)
	}
	children, err := c.ListDatasets(ctx, &fastgpt.ListDatasetsRequest{ParentID: folder})
	if err != nil || len(children) != 1 || children[0].Name != "child" {
		t.Fatalf("children %+v %v", children, err)
	}
}

// Collections: empty, text, link, API (v1 and v2), list, detail, update, delete.
func TestCollections(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	ds := newDataset(t, c, uniq("coll"))
	virtual, err := c.CreateCollection(ctx, &fastgpt.CreateCollectionRequest{DatasetID: ds, Name: "manual", Type: fastgpt.CollectionTypeVirtual, Tags: []string{"t1"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.CreateTextCollection(ctx, &fastgpt.CreateTextCollectionRequest{
		DatasetID: ds, Name: "notes", Text: "FastGPT is a knowledge base platform.\n\nIt answers questions.",
		CollectionOptions: fastgpt.CollectionOptions{TrainingType: fastgpt.TrainingChunk, ChunkSize: 40, Metadata: map[string]any{"k": "v"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if text.CollectionID == "" || text.Results.InsertLen != 2 {
		t.Fatalf("text collection %+v", text)
	}
	link, err := c.CreateLinkCollection(ctx, &fastgpt.CreateLinkCollectionRequest{DatasetID: ds, Link: "https://example.com/doc",
		CollectionOptions: fastgpt.CollectionOptions{Metadata: map[string]any{"webPageSelector": "main"}}})
	if err != nil || link.CollectionID == "" || link.Results.InsertLen != 0 {
		t.Fatalf("link collection %+v %v", link, err)
	}
	if err := c.CreateAPICollection(ctx, &fastgpt.CreateAPICollectionRequest{DatasetID: ds, Name: "api.md", APIFileID: "file-1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateAPICollectionV2(ctx, &fastgpt.CreateAPICollectionV2Request{DatasetID: ds, APIFiles: []fastgpt.APIFile{{ID: "file-2", Name: "b.md", Type: "file"}}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListCollections(ctx, &fastgpt.ListCollectionsRequest{DatasetID: ds, PageSize: 30})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total < 3 || len(list.List) != list.Total {
		t.Fatalf("list %+v", list)
	}
	var found bool
	for _, it := range list.List {
		if it.ID == text.CollectionID {
			found = it.DataAmount == 2 && it.Type == fastgpt.CollectionTypeFile && it.Name == "notes.txt" && !it.CreateTime.IsZero()
		}
	}
	if !found {
		t.Fatalf("text collection not listed right: %+v", list.List)
	}
	got, err := c.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: text.CollectionID})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != text.CollectionID || got.DatasetID != ds || got.Dataset == nil || got.Dataset.ID != ds || got.TrainingType != fastgpt.TrainingChunk ||
		string(got.Metadata) != `{"k":"v"}` || !json.Valid(got.Raw) {
		t.Fatalf("detail %+v (raw %s)", got, got.Raw)
	}
	err = c.UpdateCollection(ctx, &fastgpt.UpdateCollectionRequest{ID: virtual, Name: fastgpt.String("renamed"), Forbid: fastgpt.Bool(true), Tags: &[]string{}})
	if err != nil {
		t.Fatal(err)
	}
	upd, err := c.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: virtual})
	if err != nil || upd.Name != "renamed" || !upd.Forbid || len(upd.Tags) != 0 {
		t.Fatalf("updated %+v %v", upd, err)
	}
	if err := c.DeleteCollections(ctx, &fastgpt.DeleteCollectionsRequest{CollectionIDs: []string{virtual, link.CollectionID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: virtual}); err == nil {
		t.Fatal("deleted collection still found")
	}
	if err := c.DeleteCollections(ctx, &fastgpt.DeleteCollectionsRequest{ID: text.CollectionID}); err != nil {
		t.Fatal(err)
	}
}

// The datasetId of a collection detail may be a populated dataset object (older servers).
func TestCollectionPopulatedDataset(t *testing.T) {
	var c fastgpt.Collection
	if err := json.Unmarshal([]byte(`{"_id":"c1","datasetId":{"_id":"d1","name":"D","type":"dataset"},"name":"n","type":"file","indexAmount":3}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.DatasetID != "d1" || c.Dataset == nil || c.Dataset.Name != "D" || c.IndexAmount != 3 {
		t.Fatalf("%+v", c)
	}
	if err := json.Unmarshal([]byte(`{"_id":"c1","datasetId":"d2","name":"n"}`), &c); err != nil || c.DatasetID != "d2" || c.Dataset != nil {
		t.Fatalf("%+v %v", c, err)
	}
}

// Data: a training bill, push, list, detail, update, delete, and the search test.
func TestDataAndSearch(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	ds := newDataset(t, c, uniq("data"))
	coll, err := c.CreateCollection(ctx, &fastgpt.CreateCollectionRequest{DatasetID: ds, Name: "qa"})
	if err != nil {
		t.Fatal(err)
	}
	bill, err := c.CreateTrainingUsage(ctx, &fastgpt.CreateTrainingUsageRequest{DatasetID: ds, Name: "import"})
	if err != nil || len(bill) != 24 {
		t.Fatalf("bill %q %v", bill, err)
	}
	pushed, err := c.PushData(ctx, &fastgpt.PushDataRequest{CollectionID: coll, BillID: bill, Data: []fastgpt.PushDataItem{
		{Q: "What is FastGPT?", A: "A knowledge base platform."},
		{Q: "Who wrote libfastgpt?", Indexes: []fastgpt.DataIndex{{Text: "author"}}},
		{A: "no q: dropped"},
	}})
	if err != nil || pushed.InsertLen != 2 {
		t.Fatalf("push %+v %v", pushed, err)
	}
	list, err := c.ListData(ctx, &fastgpt.ListDataRequest{CollectionID: coll, PageSize: 30})
	if err != nil || list.Total != 2 || list.List[0].Q != "What is FastGPT?" || list.List[0].CollectionID != coll {
		t.Fatalf("list %+v %v", list, err)
	}
	item, err := c.GetData(ctx, &fastgpt.GetDataRequest{ID: list.List[1].ID})
	if err != nil || item.ID != list.List[1].ID || item.Q != "Who wrote libfastgpt?" || item.SourceName != "qa" || len(item.Indexes) == 0 || !json.Valid(item.Raw) {
		t.Fatalf("detail %+v %v", item, err)
	}
	if err := c.UpdateData(ctx, &fastgpt.UpdateDataRequest{DataID: item.ID, A: fastgpt.String("The libfastgpt authors.")}); err != nil {
		t.Fatal(err)
	}
	item, err = c.GetData(ctx, &fastgpt.GetDataRequest{ID: item.ID})
	if err != nil || item.A != "The libfastgpt authors." || item.Q != "Who wrote libfastgpt?" {
		t.Fatalf("updated %+v %v", item, err)
	}
	res, err := c.SearchTest(ctx, &fastgpt.SearchTestRequest{DatasetID: ds, Text: "what is fastgpt", SearchMode: fastgpt.SearchModeEmbedding})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.List) == 0 || res.List[0].Q != "What is FastGPT?" || len(res.List[0].Score) != 1 || res.List[0].Score[0].Value <= 0 ||
		res.SearchMode != fastgpt.SearchModeEmbedding || res.Duration == "" {
		t.Fatalf("search %+v", res)
	}
	if err := c.DeleteData(ctx, &fastgpt.DeleteDataRequest{ID: item.ID}); err != nil {
		t.Fatal(err)
	}
	if list, _ := c.ListData(ctx, &fastgpt.ListDataRequest{CollectionID: coll}); list == nil || list.Total != 1 {
		t.Fatalf("after delete %+v", list)
	}
}

// Bad input is refused before any I/O (the library's checks), and the server's errors classify.
func TestDatasetErrors(t *testing.T) {
	id := uniq("dserr")
	c := newClient(t, fastgpt.WithHeader("x-mock-id", id))
	ctx := context.Background()
	tooMany := make([]fastgpt.PushDataItem, 201)
	for i := range tooMany {
		tooMany[i].Q = "q"
	}
	if _, err := c.PushData(ctx, &fastgpt.PushDataRequest{CollectionID: "x", Data: tooMany}); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("201 items: %v", err)
	}
	if _, err := c.SearchTest(ctx, &fastgpt.SearchTestRequest{Text: "no dataset"}); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("no datasetId: %v", err)
	}
	if _, err := c.GetDataset(ctx, &fastgpt.GetDatasetRequest{}); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("no id: %v", err)
	}
	if n := stats(t, id).Requests; n != 0 {
		t.Fatalf("%d requests for bad input", n)
	}
	bad := newClient(t, fastgpt.WithAPIKey("fastgpt-wrong"))
	if _, err := bad.ListDatasets(ctx, &fastgpt.ListDatasetsRequest{}); !errors.Is(err, fastgpt.ErrAuth) {
		t.Fatalf("bad key: %v", err)
	}
	_, err := c.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: "66e29b870b24ce35330c0f99"})
	var e *fastgpt.Error
	if !errors.As(err, &e) || e.Code != 501003 {
		t.Fatalf("missing collection: %v", err)
	}
	if _, err := c.ListDatasets(ctx, nil, fastgpt.WithHeader("x-mock-fault", "error=unExistDataset")); !errors.As(err, &e) || e.Code != 501002 {
		t.Fatalf("unExistDataset: %v", err)
	}
}

// StopChat answers success (also for an idle chat), and stops a running v2 stream.
func TestStopChat(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	res, err := c.StopChat(ctx, &fastgpt.StopChatRequest{AppID: appID, ChatID: uniq("idle")})
	if err != nil || !res.Success {
		t.Fatalf("stop idle: %+v %v", res, err)
	}
	chat := uniq("stop")
	req := ask("a long answer to stop")
	req.ChatID = chat
	s := c.StreamChatCompletionV2(ctx, req, fastgpt.WithHeader("x-mock-fault", "slow_stream=50"))
	defer s.Close()
	if !s.Next() {
		t.Fatal(s.Err())
	}
	start := time.Now()
	if res, err := c.StopChat(ctx, &fastgpt.StopChatRequest{AppID: appID, ChatID: chat}); err != nil || !res.Success {
		t.Fatalf("stop: %+v %v", res, err)
	}
	final, err := s.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if final.Text() == "Echo: a long answer to stop" || time.Since(start) > 3*time.Second {
		t.Fatalf("the stream was not stopped: %q after %v", final.Text(), time.Since(start))
	}
	if _, err := c.StopChat(ctx, &fastgpt.StopChatRequest{AppID: "nothex", ChatID: chat}); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("bad appId: %v", err)
	}
}

type mockUpload struct {
	CollectionID string         `json:"collectionId"`
	DatasetID    string         `json:"datasetId"`
	Filename     string         `json:"filename"`
	Bytes        int64          `json:"bytes"`
	Head         string         `json:"head"`
	Data         map[string]any `json:"data"`
}

// uploadOf reads what the mock received for collection id (/mock/uploads).
func uploadOf(t *testing.T, id string) mockUpload {
	t.Helper()
	resp, err := http.Get(baseURL + "/mock/uploads")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ Uploads []mockUpload }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, u := range v.Uploads {
		if u.CollectionID == id {
			return u
		}
	}
	t.Fatalf("no upload for %s", id)
	return mockUpload{}
}

// Uploads from a path, an *os.File under another name, a small reader (memory) and a large
// reader (spooled), with progress; what arrived is what was sent.
func TestFileUploads(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	ds := newDataset(t, c, uniq("upload"))
	dir := t.TempDir()
	path := filepath.Join(dir, "guide.md")
	content := bytes.Repeat([]byte("# FastGPT guide\n"), 4096) // 64 KiB
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var calls int
	var last, total int64
	progress := fastgpt.WithProgress(func(sent, tot int64) {
		mu.Lock()
		defer mu.Unlock()
		if sent < last {
			t.Errorf("progress went back: %d after %d", sent, last)
		}
		calls, last, total = calls+1, sent, tot
	})
	req := &fastgpt.CreateFileCollectionRequest{DatasetID: ds, CollectionOptions: fastgpt.CollectionOptions{TrainingType: fastgpt.TrainingChunk, Tags: []string{"up"}}}
	res, err := c.CreateFileCollectionFromPath(ctx, req, path, progress)
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != int64(len(content)) || total != int64(len(content)) {
		t.Fatalf("progress: %d calls, last %d of %d", calls, last, total)
	}
	u := uploadOf(t, res.CollectionID)
	if u.Filename != "guide.md" || u.Bytes != int64(len(content)) || u.DatasetID != ds || !strings.HasPrefix(u.Head, "# FastGPT guide") || u.Data["trainingType"] != "chunk" {
		t.Fatalf("upload %+v", u)
	}
	coll, err := c.GetCollection(ctx, &fastgpt.GetCollectionRequest{ID: res.CollectionID})
	if err != nil || coll.File == nil || coll.File.ContentLength != int64(len(content)) {
		t.Fatalf("collection %+v %v", coll, err)
	}

	// An *os.File uploaded under another name: streamed by the library through its path.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err = c.CreateFileCollection(ctx, req, "renamed.md", f)
	if err != nil {
		t.Fatal(err)
	}
	if u := uploadOf(t, res.CollectionID); u.Filename != "renamed.md" || u.Bytes != int64(len(content)) {
		t.Fatalf("*os.File upload %+v", u)
	}
	// An *os.File already partly read: the rest is sent (as any reader).
	if _, err := f.Seek(16, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	res, err = c.CreateFileCollection(ctx, req, "rest.md", f)
	if err != nil {
		t.Fatal(err)
	}
	if u := uploadOf(t, res.CollectionID); u.Bytes != int64(len(content)-16) {
		t.Fatalf("partly read file: %d bytes", u.Bytes)
	}
	// A small reader goes from memory, a large one through a spool file.
	for _, n := range []int{0, 100, 9 << 20} {
		body := bytes.Repeat([]byte("y"), n)
		res, err = c.CreateFileCollection(ctx, &fastgpt.CreateFileCollectionRequest{DatasetID: ds, Name: "named"}, "data.txt", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if u := uploadOf(t, res.CollectionID); u.Bytes != int64(n) || u.Filename != "data.txt" {
			t.Fatalf("%d-byte reader: %+v", n, u)
		}
	}
	// Errors: a missing path before any I/O; a bad key; a panicking progress function.
	if _, err := c.CreateFileCollectionFromPath(ctx, req, filepath.Join(dir, "missing.md")); !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("missing file: %v", err)
	}
	bad := newClient(t, fastgpt.WithAPIKey("fastgpt-wrong"))
	if _, err := bad.CreateFileCollectionFromPath(ctx, req, path); !errors.Is(err, fastgpt.ErrAuth) {
		t.Fatalf("bad key: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v", r)
			}
		}()
		_, _ = c.CreateFileCollectionFromPath(ctx, req, path, fastgpt.WithProgress(func(int64, int64) { panic("boom") }))
		t.Fatal("no panic")
	}()
	// Cancellation by the context stops an upload.
	cctx, cancel := context.WithCancel(ctx)
	_, err = c.CreateFileCollectionFromPath(cctx, req, path, fastgpt.WithProgress(func(int64, int64) {
		cancel()
		time.Sleep(20 * time.Millisecond) // the token is triggered by another goroutine
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v", err)
	}
}
