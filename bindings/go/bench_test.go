package fastgpt_test

import (
	"context"
	"testing"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

// BenchmarkGetChatHistories is a whole call through the Go layer: request encoding, cancel token
// and context wiring, the C call, result decoding into *ChatHistories.
func BenchmarkGetChatHistories(b *testing.B) {
	c := newClient(b)
	ctx := context.Background()
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID, PageSize: 1}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetChatHistories(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamChatCompletion streams 1000 events per iteration (events/s through the
// callback, copy and channel hand-off).
func BenchmarkStreamChatCompletion(b *testing.B) {
	c := newClient(b, fastgpt.WithHeader("x-mock-stream-events", "1000"))
	ctx := context.Background()
	req := ask("bench")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, err := range c.StreamChatCompletion(ctx, req).All() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < 1000 {
			b.Fatalf("%d events", n)
		}
	}
}

// BenchmarkGoLayerOnly isolates the Go layer's own per-call work (everything but the C endpoint
// call) with a typical two-item getHistories result.
func BenchmarkGoLayerOnly(b *testing.B) {
	c := newClient(b)
	ctx := context.Background()
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID, PageSize: 1}
	data := []byte(`{"list":[{"chatId":"usdAP1GbzSGu","updateTime":"2024-10-13T03:29:05.779Z","appId":"66e29b870b24ce35330c0f08","customTitle":"","title":"hello","top":false},{"chatId":"b","updateTime":"2024-10-13T03:29:05.779Z","appId":"66e29b870b24ce35330c0f08","title":"x"}],"total":2}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.GoLayerOnly(ctx, req, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetChatHistoriesPerCallHeader is BenchmarkGetChatHistories with a per-call option: the
// difference is the derived client made and freed per call (fastgpt_client_with).
func BenchmarkGetChatHistoriesPerCallHeader(b *testing.B) {
	c := newClient(b)
	ctx := context.Background()
	req := &fastgpt.GetChatHistoriesRequest{AppID: appID, PageSize: 1}
	opt := fastgpt.WithHeader("X-Tenant", "acme")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetChatHistories(ctx, req, opt); err != nil {
			b.Fatal(err)
		}
	}
}
