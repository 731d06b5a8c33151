package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// EventKind is the kind of a stream event (FASTGPT_EVENT_*).
type EventKind uint32

// The event kinds.
const (
	// EventAnswer: an answer delta (Text), a reasoning delta (Reasoning), a heartbeat or the stop
	// chunk (both empty).
	EventAnswer EventKind = C.FASTGPT_EVENT_ANSWER
	// EventFastAnswer: a fixed reply node's text (Text).
	EventFastAnswer EventKind = C.FASTGPT_EVENT_FAST_ANSWER
	// EventFlowNodeStatus: a workflow node started ({"status":"running","name":...}).
	EventFlowNodeStatus EventKind = C.FASTGPT_EVENT_FLOW_NODE_STATUS
	// EventFlowNodeResponse: one node's response object (v2 endpoint).
	EventFlowNodeResponse EventKind = C.FASTGPT_EVENT_FLOW_NODE_RESPONSE
	// EventFlowResponses: all node responses, after [DONE] in detail mode.
	EventFlowResponses EventKind = C.FASTGPT_EVENT_FLOW_RESPONSES
	// EventToolCall: the model started a tool call.
	EventToolCall EventKind = C.FASTGPT_EVENT_TOOL_CALL
	// EventToolParams: a delta of a tool call's arguments.
	EventToolParams EventKind = C.FASTGPT_EVENT_TOOL_PARAMS
	// EventToolResponse: a tool's result.
	EventToolResponse EventKind = C.FASTGPT_EVENT_TOOL_RESPONSE
	// EventInteractive: the workflow paused for user input.
	EventInteractive EventKind = C.FASTGPT_EVENT_INTERACTIVE
	// EventUpdateVariables: the whole current variable map.
	EventUpdateVariables EventKind = C.FASTGPT_EVENT_UPDATE_VARIABLES
	// EventWorkflowDuration: {"durationSeconds": ...}.
	EventWorkflowDuration EventKind = C.FASTGPT_EVENT_WORKFLOW_DURATION
	// EventError: an `event: error` frame (Err is set); the stream then ends with that error.
	EventError EventKind = C.FASTGPT_EVENT_ERROR
	// EventDone: the [DONE] marker.
	EventDone EventKind = C.FASTGPT_EVENT_DONE
	// EventUnknown: an event name this version does not know, passed through raw.
	EventUnknown EventKind = C.FASTGPT_EVENT_UNKNOWN
)

var kindNames = map[EventKind]string{
	EventAnswer: "answer", EventFastAnswer: "fastAnswer", EventFlowNodeStatus: "flowNodeStatus",
	EventFlowNodeResponse: "flowNodeResponse", EventFlowResponses: "flowResponses",
	EventToolCall: "toolCall", EventToolParams: "toolParams", EventToolResponse: "toolResponse",
	EventInteractive: "interactive", EventUpdateVariables: "updateVariables",
	EventWorkflowDuration: "workflowDuration", EventError: "error", EventDone: "done",
	EventUnknown: "unknown",
}

func (k EventKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "EventKind(" + itoa(int(k)) + ")"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Event is one event of a stream. Its memory belongs to Go (copied from the library).
type Event struct {
	Kind EventKind
	// Name is the SSE event name as sent ("" when the server sent none).
	Name string
	// Data is the raw data payload, byte-exact.
	Data []byte
	// Text is the answer text delta (EventAnswer, EventFastAnswer).
	Text string
	// Reasoning is the reasoning delta (EventAnswer).
	Reasoning string
	// Err is the error carried by an EventError.
	Err *Error
}

// Stream is a streamed chat completion. Use it as an iterator:
//
//	for ev, err := range stream.All() { ... }
//
// or with Next/Event/Err. Close it when done (All does so itself); closing early aborts the
// request. Response returns the accumulated answer once the stream has ended. A Stream must not
// be used by several goroutines at once, except Close.
type Stream struct {
	*streamState
	cleanup runtime.Cleanup
	cur     Event
}

// streamState is what the library's callback reaches through the cgo.Handle. It never points to
// the Stream, so an abandoned Stream is collected and its cleanup aborts the request.
type streamState struct {
	events chan Event
	closed chan struct{} // closed by Close: the callback stops delivering and aborts
	done   chan struct{} // closed once COMPLETE was handled
	ctx    context.Context
	base   context.Context
	tok    *cancelToken
	detach func() // stops the token's triggers and frees it

	closeOnce  sync.Once
	finishOnce sync.Once
	userClose  atomic.Bool
	panicked   atomic.Pointer[string] // a recovered panic of the event callback

	// Written by finish before done is closed; read after.
	final *ChatCompletion
	raw   *Response
	err   error
}

// finish runs once, in the COMPLETE callback (or at a failed start). The channels are closed
// even if decoding panics.
func (s *streamState) finish(final, body []byte, status int, err *Error) {
	s.finishOnce.Do(func() { s.finishLocked(final, body, status, err) })
}

func (s *streamState) finishLocked(final, body []byte, status int, err *Error) {
	defer close(s.done)
	defer close(s.events)
	if s.detach != nil {
		defer s.detach()
	}
	if p := s.panicked.Load(); p != nil {
		err = &Error{Status: StatusPanic, Message: "panic in the stream callback: " + *p}
	}
	if err != nil {
		s.err = withCause(err, s.ctx, s.base)
	} else {
		var cc ChatCompletion
		if e := json.Unmarshal(final, &cc); e != nil {
			s.err = &Error{Status: StatusDecode, Message: "cannot decode the final response: " + e.Error()}
		} else {
			s.final = &cc
		}
		s.raw = &Response{StatusCode: status, Body: body, Data: final}
	}
}

// close asks the library to stop (if still running) and waits for COMPLETE.
func (s *streamState) close() {
	s.closeOnce.Do(func() {
		select {
		case <-s.done:
		default:
			s.userClose.Store(true)
			if s.tok != nil {
				s.tok.trigger()
			}
		}
		close(s.closed)
	})
	<-s.done
}

// StreamChatCompletion starts a streamed chat completion. The returned Stream is never nil: a
// failure to start is reported by its Err (and by the iterator) without any event.
//
// The stream is bounded by ctx (its cancellation or deadline ends the stream with an error that
// matches context.Canceled or context.DeadlineExceeded), by WithTimeout until the headers, and by
// WithStreamIdleTimeout between reads.
func (c *Client) StreamChatCompletion(ctx context.Context, req *ChatCompletionRequest) *Stream {
	st := &streamState{
		events: make(chan Event, 64),
		closed: make(chan struct{}),
		done:   make(chan struct{}),
		ctx:    ctx,
		base:   c.s.base,
	}
	s := &Stream{streamState: st}
	s.cleanup = runtime.AddCleanup(s, func(st *streamState) { st.close() }, st)
	fail := func(err error) *Stream {
		st.finish(nil, nil, 0, err.(*Error))
		return s
	}
	if ctx.Err() != nil {
		return fail(ctxError(ctx))
	}
	js, err := marshalRequest(req)
	if err != nil {
		return fail(err)
	}
	ptr, err := c.s.acquire()
	if err != nil {
		return fail(&Error{Status: StatusCancelled, Message: "client is closed", cause: ErrClosed})
	}
	st.tok, st.detach = c.s.newCancel(ctx)
	h := newHandle(st)
	var cerr *C.fastgpt_error
	rc := C.fgo_stream_start(ptr, (*C.char)(unsafe.Pointer(&js[0])), st.tok.p, C.uintptr_t(h), &cerr)
	c.s.mu.RUnlock()
	runtime.KeepAlive(c)
	if rc != C.FASTGPT_OK {
		// A failed start makes no callback: the handle is ours to delete.
		deleteHandle(h)
		return fail(takeError(rc, cerr))
	}
	return s
}

// Next waits for the next event and reports whether there is one; after false, Err tells why
// the stream ended (nil at a normal end).
func (s *Stream) Next() bool {
	ev, ok := <-s.events
	if !ok {
		<-s.done // events is closed just before done: wait for the result to be published
		return false
	}
	s.cur = ev
	return true
}

// Event returns the event read by the last successful Next.
func (s *Stream) Event() Event { return s.cur }

// Err returns the error that ended the stream, or nil if it ended normally, is still running,
// or was stopped by Close.
func (s *Stream) Err() error {
	select {
	case <-s.done:
	default:
		return nil
	}
	if s.userClose.Load() && IsCancelled(s.err) && s.ctx.Err() == nil {
		return nil
	}
	return s.err
}

// Response returns the accumulated answer (in the non-stream shape) once the stream has ended
// normally; nil before, or after a failure.
func (s *Stream) Response() *ChatCompletion {
	select {
	case <-s.done:
		return s.final
	default:
		return nil
	}
}

// Raw returns the raw accumulated result (StatusCode, Body and Data) once the stream ended
// normally. Header lookups are not available for streams.
func (s *Stream) Raw() *Response {
	select {
	case <-s.done:
		return s.raw
	default:
		return nil
	}
}

// Wait reads the stream to its end, discarding events, and returns the accumulated answer.
func (s *Stream) Wait() (*ChatCompletion, error) {
	defer s.Close()
	for s.Next() {
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	return s.final, nil
}

// Close stops the stream if it is still running (the request is aborted) and waits until the
// library is done with it. Safe to call more than once.
func (s *Stream) Close() error {
	s.cleanup.Stop()
	s.close()
	return nil
}

// All returns an iterator over the events. An error ends the iteration as a final (zero Event,
// err) pair. Breaking out of the loop closes the stream.
func (s *Stream) All() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		defer s.Close()
		for s.Next() {
			if !yield(s.cur, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(Event{}, err)
		}
	}
}
