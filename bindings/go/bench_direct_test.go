//go:build fastgpt_bench

package fastgpt_test

import "testing"

// BenchmarkCGetChatHistoriesDirect is the request of BenchmarkGetChatHistories made by one C call
// with a constant string: the difference between the two is the Go layer's overhead.
func BenchmarkCGetChatHistoriesDirect(b *testing.B) {
	c := newClient(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.DirectGetChatHistories(); err != nil {
			b.Fatal(err)
		}
	}
}
