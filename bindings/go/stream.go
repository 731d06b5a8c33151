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
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"
)

// EventKind is the kind of a stream event (FASTGPT_EVENT_*).
type EventKind uint32

// The event kinds, with the values of fastgpt.h (FASTGPT_EVENT_*).
const (
	// EventAnswer: an answer delta (Text), a reasoning delta (Reasoning), a heartbeat or the stop
	// chunk (both empty).
	EventAnswer EventKind = 1
	// EventFastAnswer: a fixed reply node's text (Text).
	EventFastAnswer EventKind = 2
	// EventFlowNodeStatus: a workflow node started ({"status":"running","name":...}).
	EventFlowNodeStatus EventKind = 3
	// EventFlowNodeResponse: one node's response object (v2 endpoint).
	EventFlowNodeResponse EventKind = 4
	// EventFlowResponses: all node responses, after [DONE] in detail mode.
	EventFlowResponses EventKind = 5
	// EventToolCall: the model started a tool call.
	EventToolCall EventKind = 6
	// EventToolParams: a delta of a tool call's arguments.
	EventToolParams EventKind = 7
	// EventToolResponse: a tool's result.
	EventToolResponse EventKind = 8
	// EventInteractive: the workflow paused for user input.
	EventInteractive EventKind = 9
	// EventUpdateVariables: the whole current variable map.
	EventUpdateVariables EventKind = 10
	// EventWorkflowDuration: {"durationSeconds": ...}.
	EventWorkflowDuration EventKind = 11
	// EventError: an `event: error` frame (Err is set); the stream then ends with that error.
	EventError EventKind = 12
	// EventDone: the [DONE] marker.
	EventDone EventKind = 13
	// EventUnknown: an event name this version does not know, passed through raw (Name, Data).
	EventUnknown EventKind = 14
	// EventChatTitle: the title the server gave the chat ({"title": ...}); also sent without
	// detail. The accumulated answer keeps it as ChatCompletion.Title.
	EventChatTitle EventKind = 16
	// EventPlan: an agent's plan (raw JSON in Data).
	EventPlan EventKind = 17
	// EventPlanStatus: progress of an agent's plan step (raw JSON in Data).
	EventPlanStatus EventKind = 18
	// EventSandboxStatus: the state of a code sandbox the workflow runs (raw JSON in Data).
	EventSandboxStatus EventKind = 19
	// EventSkillCall: the agent called a skill (raw JSON in Data).
	EventSkillCall EventKind = 20
	// EventUploadProgress: a file upload's progress ({"sent":N,"total":M} in Data). Uploads
	// report it through WithProgress; a chat stream never carries it.
	EventUploadProgress EventKind = 21
)

// The constants above must equal fastgpt.h's (a mismatch does not compile).
func _() {
	var x [1]struct{}
	_ = x[EventAnswer-C.FASTGPT_EVENT_ANSWER]
	_ = x[EventFastAnswer-C.FASTGPT_EVENT_FAST_ANSWER]
	_ = x[EventFlowNodeStatus-C.FASTGPT_EVENT_FLOW_NODE_STATUS]
	_ = x[EventFlowNodeResponse-C.FASTGPT_EVENT_FLOW_NODE_RESPONSE]
	_ = x[EventFlowResponses-C.FASTGPT_EVENT_FLOW_RESPONSES]
	_ = x[EventToolCall-C.FASTGPT_EVENT_TOOL_CALL]
	_ = x[EventToolParams-C.FASTGPT_EVENT_TOOL_PARAMS]
	_ = x[EventToolResponse-C.FASTGPT_EVENT_TOOL_RESPONSE]
	_ = x[EventInteractive-C.FASTGPT_EVENT_INTERACTIVE]
	_ = x[EventUpdateVariables-C.FASTGPT_EVENT_UPDATE_VARIABLES]
	_ = x[EventWorkflowDuration-C.FASTGPT_EVENT_WORKFLOW_DURATION]
	_ = x[EventError-C.FASTGPT_EVENT_ERROR]
	_ = x[EventDone-C.FASTGPT_EVENT_DONE]
	_ = x[EventUnknown-C.FASTGPT_EVENT_UNKNOWN]
	_ = x[EventChatTitle-C.FASTGPT_EVENT_CHAT_TITLE]
	_ = x[EventPlan-C.FASTGPT_EVENT_PLAN]
	_ = x[EventPlanStatus-C.FASTGPT_EVENT_PLAN_STATUS]
	_ = x[EventSandboxStatus-C.FASTGPT_EVENT_SANDBOX_STATUS]
	_ = x[EventSkillCall-C.FASTGPT_EVENT_SKILL_CALL]
	_ = x[EventUploadProgress-C.FASTGPT_EVENT_UPLOAD_PROGRESS]
}

var kindNames = map[EventKind]string{
	EventAnswer: "answer", EventFastAnswer: "fastAnswer", EventFlowNodeStatus: "flowNodeStatus",
	EventFlowNodeResponse: "flowNodeResponse", EventFlowResponses: "flowResponses",
	EventToolCall: "toolCall", EventToolParams: "toolParams", EventToolResponse: "toolResponse",
	EventInteractive: "interactive", EventUpdateVariables: "updateVariables",
	EventWorkflowDuration: "workflowDuration", EventError: "error", EventDone: "done",
	EventUnknown: "unknown", EventChatTitle: "chatTitle", EventPlan: "plan",
	EventPlanStatus: "planStatus", EventSandboxStatus: "sandboxStatus", EventSkillCall: "skillCall",
	EventUploadProgress: "uploadProgress",
}

// String returns FastGPT's name of the kind ("answer", "flowNodeStatus", ...), or
// "EventKind(N)" for a value this version does not know.
func (k EventKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "EventKind(" + strconv.FormatUint(uint64(k), 10) + ")"
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
//
// A Stream keeps its Client alive (the client is not collected while the stream is in use), and
// its context rules: once the context is done, Next returns false and Err matches ErrCancelled
// and the context's error, even if events were still buffered.
type Stream struct {
	*streamState
	client  *Client // keeps the client (and its native handle) alive as long as the stream
	cleanup runtime.Cleanup
	cur     Event
	ended   bool  // Next returned false: nothing more is delivered
	endErr  error // the error decided when Next ended (nil: ask the state)
}

// streamState is what the library's callback reaches through the cgo.Handle. It never points to
// the Stream, so an abandoned Stream is collected and its cleanup aborts the request.
type streamState struct {
	events    chan Event
	closed    chan struct{} // closed by Close: the callback stops delivering and aborts
	done      chan struct{} // closed once COMPLETE was handled
	ctx       context.Context
	ctxCancel context.CancelFunc // releases a per-call WithTimeout (after done)
	base      context.Context
	tok       *cancelToken
	detach    func() // stops the token's triggers and frees it

	closeOnce  sync.Once
	finishOnce sync.Once
	userClose  atomic.Bool
	panicked   atomic.Pointer[string] // a recovered panic of the event callback
	derived    *C.fastgpt_client      // the per-call derived client, freed after COMPLETE

	// Pause/resume (see deliver): paused is the operation the callback paused, under mu;
	// pausing is raised while it may be set, so the consumer's check costs one atomic load.
	mu      sync.Mutex
	pausing atomic.Bool
	paused  *C.fastgpt_operation

	// Written by finish before done is closed; read after.
	raw *Response
	err error

	// The accumulated answer, decoded from raw.Data on the first Response or Wait (a consumer
	// that only reads events never pays for decoding the whole answer again).
	decodeOnce sync.Once
	final      *ChatCompletion
	decodeErr  *Error
}

// decoded decodes the accumulated answer once; raw is set (the stream ended normally).
func (s *streamState) decoded() (*ChatCompletion, *Error) {
	s.decodeOnce.Do(func() {
		var cc ChatCompletion
		if e := json.Unmarshal(s.raw.Data, &cc); e != nil {
			s.decodeErr = &Error{Status: StatusDecode, Message: "cannot decode the final response: " + e.Error()}
		} else {
			s.final = &cc
		}
	})
	return s.final, s.decodeErr
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
	s.dropPaused()
	if s.derived != nil {
		C.fastgpt_client_free(s.derived) // the operation has ended: nothing left to cancel
		s.derived = nil
	}
	if p := s.panicked.Load(); p != nil {
		err = &Error{Status: StatusPanic, Message: "panic in the stream callback: " + *p}
	}
	if err != nil {
		s.err = cancelledBy(err, s.ctx, s.base, s.userClose.Load())
	} else {
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
	s.ctxCancel()
}

// StreamChatCompletion starts a streamed chat completion (POST /api/v1/chat/completions). The
// returned Stream is never nil: a failure to start is reported by its Err (and by the iterator)
// without any event.
//
// The stream is bounded by ctx (its cancellation or deadline ends the stream with an error that
// matches ErrCancelled and context.Canceled or context.DeadlineExceeded), by a per-call
// WithTimeout (the whole stream), by the client's WithTimeout until the headers, and by
// WithStreamIdleTimeout between reads. A consumer that stops reading holds no thread: once 64
// events wait, the library pauses the stream (and stops reading its connection) until Next
// takes one.
func (c *Client) StreamChatCompletion(ctx context.Context, req *ChatCompletionRequest, opts ...CallOption) *Stream {
	return c.stream(ctx, false, req, opts)
}

// StreamChatCompletionV2 starts a streamed v2 chat completion (POST /api/v2/chat/completions,
// FastGPT >= 4.9.4), as StreamChatCompletion: in detail mode each node's response arrives as its
// own EventFlowNodeResponse and nothing follows EventDone. Stop it from elsewhere with StopChat.
func (c *Client) StreamChatCompletionV2(ctx context.Context, req *ChatCompletionRequest, opts ...CallOption) *Stream {
	return c.stream(ctx, true, req, opts)
}

func (c *Client) stream(ctx context.Context, v2 bool, req *ChatCompletionRequest, opts []CallOption) *Stream {
	st := &streamState{
		events:    make(chan Event, 64),
		closed:    make(chan struct{}),
		done:      make(chan struct{}),
		ctxCancel: func() {},
		base:      c.s.base,
	}
	st.ctx = ctx
	s := &Stream{streamState: st, client: c}
	s.cleanup = runtime.AddCleanup(s, func(st *streamState) { st.close() }, st)
	fail := func(err *Error) *Stream {
		st.finish(nil, nil, 0, err)
		return s
	}
	set, err := callSettings(opts)
	if err != nil {
		return fail(err.(*Error))
	}
	st.ctx, st.ctxCancel = withCallTimeout(ctx, &set)
	if set.into != nil {
		return fail(&Error{Status: StatusInvalidArgument, Message: "WithResponseInto does not apply to a stream: use Stream.Raw"})
	}
	if st.ctx.Err() != nil {
		return fail(ctxError(st.ctx))
	}
	js, err := marshalRequest(req)
	if err != nil {
		return fail(err.(*Error))
	}
	ptr, err := c.s.acquire()
	if err != nil {
		return fail(err.(*Error))
	}
	target, derr := callClient(ptr, &set)
	if derr != nil {
		c.s.mu.RUnlock()
		return fail(derr)
	}
	if target != ptr {
		st.derived = target // freed by finish, after COMPLETE (freeing it earlier would cancel)
	}
	st.tok, st.detach = c.s.newCancel(st.ctx)
	h := newHandle(st)
	var cerr *C.fastgpt_error
	v := C.int(0)
	if v2 {
		v = 1
	}
	rc := C.fgo_stream_start(target, v, (*C.char)(unsafe.Pointer(&js[0])), st.tok.p, C.uintptr_t(h), &cerr)
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
// the stream ended (nil at a normal end or after Close). Next returns false once the stream was
// closed, and once its context is done (even with events still buffered).
func (s *Stream) Next() bool {
	if s.ended {
		return false
	}
	select {
	case <-s.closed:
		return s.end(nil)
	default:
	}
	if s.ctx.Err() != nil {
		return s.stopByContext()
	}
	// An event already buffered is taken without a three-way select (the common case of a
	// consumer keeping up: a plain channel receive costs a fraction of it).
	select {
	case ev, ok := <-s.events:
		return s.take(ev, ok)
	default:
	}
	select {
	case ev, ok := <-s.events:
		return s.take(ev, ok)
	case <-s.closed:
		return s.end(nil)
	case <-s.ctx.Done():
		return s.stopByContext()
	}
}

// take makes ev the current event (ok: received, not the channel's close).
func (s *Stream) take(ev Event, ok bool) bool {
	if !ok {
		<-s.done // events is closed just before done: wait for the result to be published
		return s.end(s.result())
	}
	s.resumeIfPaused() // there is room again
	// The context may have ended while this event was waiting in the buffer.
	if s.ctx.Err() != nil {
		return s.stopByContext()
	}
	s.cur = ev
	return true
}

// stopByContext ends the stream for its context: the request is aborted (if still running) and
// the error is the context's, whatever the library was doing at that moment.
func (s *Stream) stopByContext() bool {
	err := ctxError(s.ctx)
	if s.tok != nil {
		s.tok.trigger()
	}
	<-s.done
	return s.end(err)
}

func (s *Stream) end(err error) bool {
	s.ended, s.endErr = true, err
	s.ctxCancel()
	s.cur = Event{}
	return false
}

// result is the error the finished stream ended with, nil when Close stopped it.
func (s *streamState) result() error {
	if s.err == nil {
		return nil
	}
	if s.userClose.Load() && IsCancelled(s.err) {
		return nil
	}
	return s.err
}

// Event returns the event read by the last successful Next.
func (s *Stream) Event() Event { return s.cur }

// Err returns the error that ended the stream, or nil if it ended normally, is still running,
// or was stopped by Close. Every error is an *Error.
func (s *Stream) Err() error {
	if s.ended {
		return s.endErr
	}
	select {
	case <-s.done:
		return s.result()
	default:
		return nil
	}
}

// Response returns the accumulated answer (in the non-stream shape) once the stream has ended
// normally; nil before, after a failure, or when the answer does not decode into a
// ChatCompletion (Wait says why). It is decoded on the first call.
func (s *Stream) Response() *ChatCompletion {
	cc, _ := s.response()
	return cc
}

func (s *Stream) response() (*ChatCompletion, *Error) {
	if s.ended && s.endErr != nil {
		return nil, nil
	}
	select {
	case <-s.done:
		if s.raw == nil {
			return nil, nil
		}
		return s.decoded()
	default:
		return nil, nil
	}
}

// Raw returns the raw accumulated result (StatusCode, Body and Data) once the stream ended
// normally. Header lookups are not available for streams.
func (s *Stream) Raw() *Response {
	if s.ended && s.endErr != nil {
		return nil
	}
	select {
	case <-s.done:
		return s.raw
	default:
		return nil
	}
}

// Wait reads the stream to its end, discarding events, and returns the accumulated answer (an
// error with StatusDecode if it does not decode into a ChatCompletion).
func (s *Stream) Wait() (*ChatCompletion, error) {
	defer s.Close()
	for s.Next() {
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	cc, derr := s.response()
	if derr != nil {
		return nil, derr
	}
	return cc, nil
}

// Close stops the stream if it is still running (the request is aborted) and waits until the
// library is done with it. Safe to call more than once, and from another goroutine than the
// reader's.
func (s *Stream) Close() error {
	s.cleanup.Stop()
	s.close()
	runtime.KeepAlive(s.client)
	return nil
}

// All returns an iterator over the events. An error ends the iteration as a final (zero Event,
// err) pair. Breaking out of the loop closes the stream; ranging again then yields nothing.
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
