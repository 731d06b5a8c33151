package fastgpt

import (
	"context"
	"encoding/json"
)

// LiveHandles is the number of cgo.Handles not deleted yet.
func LiveHandles() int64 { return liveHandles.Load() }

// SetTestHookEvent installs a function run inside the stream callback for every event.
func SetTestHookEvent(f func(*Event)) { testHookEvent = f }

// GoLayerOnly does every step run does for one call except the C endpoint call itself: request
// encoding, client lock, cancel token with its context wiring, and decoding data (a typical
// result) into the typed struct (overhead benchmark).
func (c *Client) GoLayerOnly(ctx context.Context, req any, data []byte) error {
	js, err := marshalRequest(req)
	if err != nil {
		return err
	}
	_ = js
	if _, err := c.s.acquire(); err != nil {
		return err
	}
	_, release := c.s.newCancel(ctx)
	release()
	c.s.mu.RUnlock()
	var out *ChatHistories
	return json.Unmarshal(data, &out)
}

// LiveClients is the number of native clients not freed yet.
func LiveClients() int64 { return liveClients.Load() }

// PausedStreams is the number of streams paused right now (their buffer was full).
func PausedStreams() int64 { return pausedStreams.Load() }

// EndedStream is a stream that has ended normally with data as its accumulated answer (for the
// decoding rules of Response and Wait).
func EndedStream(data []byte) *Stream {
	st := &streamState{
		events:    make(chan Event),
		closed:    make(chan struct{}),
		done:      make(chan struct{}),
		ctx:       context.Background(),
		ctxCancel: func() {},
		base:      context.Background(),
		raw:       &Response{StatusCode: 200, Body: data, Data: data},
	}
	close(st.events)
	close(st.done)
	return &Stream{streamState: st}
}
