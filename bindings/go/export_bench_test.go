//go:build fastgpt_bench

package fastgpt

// DirectGetChatHistories calls fastgpt_get_chat_histories with a fixed C string, without any of
// the Go layer (no JSON encoding or decoding, no context), for the overhead benchmark.
func (c *Client) DirectGetChatHistories() error { return c.directGetChatHistories() }
