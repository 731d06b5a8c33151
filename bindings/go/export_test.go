package fastgpt

import "context"

// LiveHandles is the number of cgo.Handles not deleted yet.
func LiveHandles() int64 { return liveHandles.Load() }

// SetTestHookEvent installs a function run inside the stream callback for every event.
func SetTestHookEvent(f func(*Event)) { testHookEvent = f }

// DirectGetChatHistories calls fastgpt_get_chat_histories with a fixed C string, without any of
// the Go layer (no JSON encoding or decoding, no context), for the overhead benchmark.
func (c *Client) DirectGetChatHistories() error { return c.directGetChatHistories() }

// GoLayerOnly runs the Go side of one call without the C endpoint call (overhead benchmark).
func (c *Client) GoLayerOnly(ctx context.Context, req any, data []byte) error {
	return c.goLayerOnly(ctx, req, data)
}

// LiveClients is the number of native clients not freed yet.
func LiveClients() int64 { return liveClients.Load() }
