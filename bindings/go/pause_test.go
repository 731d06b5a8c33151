package fastgpt_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// osThreads reads the process's OS thread count (Linux: /proc/self/status).
func osThreads(t testing.TB) int { return procStatus(t, "Threads:") }

// procStatus reads a number of /proc/self/status (Linux), e.g. "Threads:" or "VmRSS:" (kB).
func procStatus(t testing.TB, key string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatal("no " + key + " line")
	return 0
}

// waitPaused waits until n streams are paused (or fails after d).
func waitPaused(t testing.TB, n int64, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for fastgpt.PausedStreams() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d streams paused after %v", fastgpt.PausedStreams(), n, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Streams whose goroutines stop reading pin no OS thread: each one's callback pauses the
// operation once its 64-event buffer is full, instead of blocking a library thread. With N
// unread streams open the process keeps a small thread count (not N), and once read, every
// stream completes with its whole text.
func TestPausedStreamsPinNoThread(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	const events = 200 // > 64: every stream fills its buffer and pauses
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", strconv.Itoa(events)))
	before := osThreads(t)
	rssBefore := procStatus(t, "VmRSS:")
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse
	// Each goroutine starts its stream, reads one event, then stops reading until released.
	release := make(chan struct{})
	want := strings.Repeat("x", events*16)
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := c.StreamChatCompletion(context.Background(), ask("paused"))
			defer s.Close()
			var got strings.Builder
			if s.Next() {
				got.WriteString(s.Event().Text)
			}
			<-release
			for s.Next() {
				got.WriteString(s.Event().Text)
			}
			switch {
			case s.Err() != nil:
				errs <- "stream " + strconv.Itoa(i) + ": " + s.Err().Error()
			case got.String() != want || s.Response().Text() != want:
				errs <- "stream " + strconv.Itoa(i) + ": wrong text, " + strconv.Itoa(got.Len()) + " bytes"
			}
		}()
	}
	waitPaused(t, int64(n), 60*time.Second)
	during := osThreads(t)
	rss := procStatus(t, "VmRSS:") - rssBefore
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heap := int64(ms.HeapInuse) - int64(heapBefore)
	t.Logf("%d paused streams: %d OS threads (%d before they started); RSS +%d kB (%.1f kB a stream), of which Go heap +%d kB (%.1f kB a stream); race detector: %v",
		n, during, before, rss, float64(rss)/float64(n), heap>>10, float64(heap>>10)/float64(n), raceEnabled)
	// The bound: Go's own threads plus the library's (I/O workers <= 8, DNS 4, callback threads
	// 4), nothing per stream. Blocking callbacks would need one thread per stream.
	if during > before+24 || during > 80 {
		close(release)
		t.Fatalf("%d OS threads with %d paused streams (%d before)", during, n, before)
	}
	close(release)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if p := fastgpt.PausedStreams(); p != 0 {
		t.Fatalf("%d streams still paused after they ended", p)
	}
}

// The deadlock the pause prevents: a client has at most 4 callback threads (callback_threads),
// so with blocking callbacks 10 unread streams would hold them all and an 11th stream, read
// normally, would never get an event. Paused, they hold none.
func TestUnreadStreamsDoNotStarveOthers(t *testing.T) {
	c := newClient(t, fastgpt.WithHeader("x-mock-stream-events", "500"))
	base := fastgpt.PausedStreams()
	unread := make([]*fastgpt.Stream, 10)
	for i := range unread {
		unread[i] = c.StreamChatCompletion(context.Background(), ask("unread"))
	}
	defer func() {
		for _, s := range unread {
			s.Close()
		}
	}()
	waitPaused(t, base+10, 20*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := c.StreamChatCompletion(ctx, ask("read")).Wait()
	if err != nil {
		t.Fatalf("the read stream did not complete: %v", err)
	}
	if len(got.Text()) != 500*16 {
		t.Fatalf("read stream text: %d bytes", len(got.Text()))
	}
	// Closing a paused stream ends it at once (the cancel reaches a paused operation).
	start := time.Now()
	for _, s := range unread {
		s.Close()
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("closing 10 paused streams took %v", d)
	}
	if p := fastgpt.PausedStreams(); p != base {
		t.Fatalf("%d paused after close", p-base)
	}
}
