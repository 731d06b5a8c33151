package fastgpt_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

const (
	mockKey = "fastgpt-mockkey"
	appID   = "66e29b870b24ce35330c0f08"
)

var baseURL string

// TestMain runs the suite against a fastgpt-mock process, then checks that every cgo.Handle was
// deleted exactly once (none left alive).
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(root, "target", "debug", "fastgpt-mock")
	if _, err := os.Stat(bin); err != nil {
		build := exec.Command("cargo", "build", "-q", "-p", "fastgpt-mock")
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "cannot build fastgpt-mock:", err)
			return 1
		}
	}
	cmd := exec.Command(bin, "--port", "0", "--exit-on-stdin-eof")
	stdin, _ := cmd.StdinPipe() // closed at exit: the mock then stops by itself
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start fastgpt-mock:", err)
		return 1
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "fastgpt-mock printed no URL:", err)
		return 1
	}
	baseURL = strings.TrimSpace(line)
	// The examples use the environment defaults, as a deployed program would.
	os.Setenv("FASTGPT_BASE_URL", baseURL)
	os.Setenv("FASTGPT_API_KEY", mockKey)

	code := m.Run()
	// Abandoned streams are aborted by a GC cleanup; give it a moment, then require zero handles.
	deadline := time.Now().Add(5 * time.Second)
	for fastgpt.LiveHandles() != 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if n := fastgpt.LiveHandles(); n != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d cgo.Handle(s) still alive after the suite\n", n)
		return 1
	}
	return code
}

var idSeq atomic.Int64

// uniq returns a fresh id for chat ids and x-mock-id.
func uniq(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), idSeq.Add(1))
}

func newClient(t testing.TB, opts ...fastgpt.Option) *fastgpt.Client {
	t.Helper()
	all := append([]fastgpt.Option{fastgpt.WithBaseURL(baseURL), fastgpt.WithAPIKey(mockKey)}, opts...)
	c, err := fastgpt.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type mockStats struct {
	Requests int               `json:"requests"`
	Bodies   []json.RawMessage `json:"bodies"`
	Headers  map[string]string `json:"headers"`
}

// stats reads the mock's counters for requests that carried x-mock-id: id (test-only endpoint).
func stats(t testing.TB, id string) mockStats {
	t.Helper()
	resp, err := http.Get(baseURL + "/mock/stats?id=" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var s mockStats
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("stats %s: %v", b, err)
	}
	return s
}

func ask(q string) *fastgpt.ChatCompletionRequest {
	return &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage(q)}}
}

func TestVersion(t *testing.T) {
	if v := fastgpt.Version(); !strings.HasPrefix(v, "0.") {
		t.Fatalf("Version() = %q", v)
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	// TestMain exported FASTGPT_BASE_URL and FASTGPT_API_KEY: no option is needed.
	c, err := fastgpt.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.CreateChatCompletion(context.Background(), ask("from env"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != "Echo: from env" {
		t.Fatalf("answer %q", got.Text())
	}
}

func TestInvalidConfig(t *testing.T) {
	_, err := fastgpt.NewClient(fastgpt.WithBaseURL("not a url"))
	if !errors.Is(err, fastgpt.ErrInvalidArgument) {
		t.Fatalf("want ErrInvalidArgument, got %v", err)
	}
}
