package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// liveHandles counts the cgo.Handles not deleted yet (tests assert it returns to 0).
var liveHandles atomic.Int64

func newHandle(v any) cgo.Handle {
	liveHandles.Add(1)
	return cgo.NewHandle(v)
}

func deleteHandle(h cgo.Handle) {
	h.Delete()
	liveHandles.Add(-1)
}

// goFastgptStreamEvent receives every event of a streamed chat completion on a library thread.
// It copies what it keeps (the event's memory is only valid during the call), never lets a Go
// panic unwind into the library, never blocks (a full buffer pauses the operation, see deliver),
// and returns 1 (abort) rather than pause once the consumer has closed the stream or its context
// is done.
//
//export goFastgptStreamEvent
func goFastgptStreamEvent(handle C.uintptr_t, ev *C.fastgpt_event) (ret C.int32_t) {
	h := cgo.Handle(uintptr(handle))
	complete := ev.kind == C.FASTGPT_EVENT_COMPLETE
	defer func() {
		if r := recover(); r != nil {
			ret = 1
			msg := fmt.Sprint(r)
			if st, ok := h.Value().(*streamState); ok {
				st.panicked.CompareAndSwap(nil, &msg)
			}
			if complete {
				// The stream must still end (and the handle go) even if finishing panicked.
				if st, ok := h.Value().(*streamState); ok {
					st.finish(nil, nil, 0, &Error{Status: StatusPanic})
				}
				deleteHandle(h)
			}
		}
	}()
	st := h.Value().(*streamState)
	if complete {
		// Contract: COMPLETE is the last call with this userdata, exactly once.
		var final []byte
		var body []byte
		var err *Error
		var status int
		if ev.status == C.FASTGPT_OK && ev.response != nil {
			status = int(C.fastgpt_response_status(ev.response))
			var n C.size_t
			b := C.fastgpt_response_body(ev.response, &n)
			body = C.GoBytes(unsafe.Pointer(b), C.int(n))
			// A stream's result is its whole body: one copy serves both (neither is written to).
			if data := responseData(ev.response); len(data) == len(body) {
				final = body
			} else {
				final = bytesClone(data)
			}
		} else {
			err = copyError(ev.status, ev.error)
		}
		st.finish(final, body, status, err)
		deleteHandle(h)
		return 0
	}
	e := Event{
		Kind: EventKind(ev.kind),
		Name: eventName(EventKind(ev.kind), ev.name, ev.name_len),
		Data: C.GoBytes(unsafe.Pointer(ev.data), C.int(ev.data_len)),
	}
	if ev.text != nil {
		e.Text = C.GoStringN(ev.text, C.int(ev.text_len))
	}
	if ev.reasoning != nil {
		e.Reasoning = C.GoStringN(ev.reasoning, C.int(ev.reasoning_len))
	}
	if ev.kind == C.FASTGPT_EVENT_ERROR {
		e.Err = copyError(ev.status, ev.error)
	}
	if testHookEvent != nil {
		testHookEvent(&e)
	}
	return st.deliver(e, ev.operation)
}

// eventName copies an event's SSE name, without an allocation when it is its kind's usual name
// (nearly every event of a detail-mode stream is named "answer").
func eventName(kind EventKind, name *C.char, n C.size_t) string {
	if n == 0 {
		return ""
	}
	usual := kindNames[kind]
	if int(n) == len(usual) && string(unsafe.Slice((*byte)(unsafe.Pointer(name)), int(n))) == usual {
		return usual
	}
	return C.GoStringN(name, C.int(n))
}

// deliver hands e to the consumer without ever blocking this library thread: when the 64-event
// buffer is full, it keeps a reference to the operation and returns FASTGPT_CB_PAUSE (the library
// then holds e and reads no more of this stream, and no thread waits for it); the consumer resumes
// the operation once it has taken an event (Stream.Next, resumeIfPaused). With the buffer full it
// returns 1 (abort) instead once the consumer has closed the stream or its context is done.
func (st *streamState) deliver(e Event, op *C.fastgpt_operation) C.int32_t {
	// Room in the buffer: a plain send. No check of Close or the contexts first: each of them
	// triggers the call's cancel token, after which the library delivers no event (and Next
	// checks them itself before handing out a buffered one).
	select {
	case st.events <- e:
		return 0
	default:
	}
	select {
	case <-st.closed:
		return 1 // the consumer closed the stream: abort rather than pause
	case <-st.ctx.Done():
		return 1
	case <-st.base.Done():
		return 1
	default:
	}
	// Full. pausing is raised before the second try, so a consumer that takes an event after
	// that try failed sees it and waits on mu for paused to be set: no lost wake-up.
	st.mu.Lock()
	st.pausing.Store(true)
	select {
	case st.events <- e:
		st.pausing.Store(false)
		st.mu.Unlock()
		return 0
	default:
	}
	if op == nil { // not an async operation (never the case here): fall back to waiting
		st.pausing.Store(false)
		st.mu.Unlock()
		return st.deliverBlocking(e)
	}
	st.paused = C.fastgpt_operation_retain(op)
	st.mu.Unlock()
	pausedStreams.Add(1)
	return C.FASTGPT_CB_PAUSE
}

// deliverBlocking waits for room (used only if the library gave no operation to pause).
func (st *streamState) deliverBlocking(e Event) C.int32_t {
	select {
	case st.events <- e:
		return 0
	case <-st.closed:
		return 1
	case <-st.ctx.Done():
		return 1
	case <-st.base.Done():
		return 1
	}
}

// resumeIfPaused resumes the operation if the callback paused it; called by the consumer after
// it took an event (so the buffer has room), from any goroutine.
func (st *streamState) resumeIfPaused() {
	if !st.pausing.Load() {
		return
	}
	st.mu.Lock()
	op := st.paused
	st.paused = nil
	st.pausing.Store(false)
	st.mu.Unlock()
	if op != nil {
		pausedStreams.Add(-1)
		C.fastgpt_operation_resume(op, nil)
		C.fastgpt_operation_free(op)
	}
}

// dropPaused releases a kept operation reference once the operation has ended (its COMPLETE
// arrived while it was paused, e.g. after a cancel).
func (st *streamState) dropPaused() {
	st.mu.Lock()
	op := st.paused
	st.paused = nil
	st.pausing.Store(false)
	st.mu.Unlock()
	if op != nil {
		pausedStreams.Add(-1)
		C.fastgpt_operation_free(op)
	}
}

// pausedStreams counts the streams paused right now (tests and diagnostics).
var pausedStreams atomic.Int64

// testHookEvent, when set by a test, runs in the callback for every non-COMPLETE event (again
// when a paused event is delivered again).
var testHookEvent func(*Event)

// uploadState is what an upload's progress callback reaches through its cgo.Handle.
type uploadState struct {
	progress func(sent, total int64)
	panicked any
}

// goFastgptUploadProgress receives a file upload's progress on the uploading goroutine's thread;
// a panic of the user's function aborts the upload (and is re-raised by the caller).
//
//export goFastgptUploadProgress
func goFastgptUploadProgress(handle C.uintptr_t, sent, total C.uint64_t) (ret C.int32_t) {
	u := cgo.Handle(uintptr(handle)).Value().(*uploadState)
	defer func() {
		if r := recover(); r != nil {
			u.panicked = r
			ret = 1
		}
	}()
	u.progress(int64(sent), int64(total))
	return 0
}

// logLevels maps FASTGPT_LOG_ERROR..TRACE (index) to slog levels.
var logLevels = [...]slog.Level{0, slog.LevelError, slog.LevelWarn, slog.LevelInfo, slog.LevelDebug, slog.LevelDebug - 4}

// setLogger installs logger as ptr's log callback, at the most verbose level logger accepts.
func setLogger(ptr *C.fastgpt_client, logger *slog.Logger) *Error {
	level := C.int32_t(C.FASTGPT_LOG_OFF)
	for l := len(logLevels) - 1; l >= 1; l-- {
		if logger.Enabled(context.Background(), logLevels[l]) {
			level = C.int32_t(l)
			break
		}
	}
	h := newHandle(logger)
	var cerr *C.fastgpt_error
	if st := C.fgo_set_logger(ptr, level, C.uintptr_t(h), &cerr); st != C.FASTGPT_OK {
		deleteHandle(h) // a failed call keeps nothing
		return takeError(st, cerr)
	}
	return nil
}

// goFastgptLog receives one log line, on any thread.
//
//export goFastgptLog
func goFastgptLog(handle C.uintptr_t, level C.int32_t, msg *C.char) {
	defer func() { _ = recover() }() // a handler's panic must not unwind into the library
	logger := cgo.Handle(uintptr(handle)).Value().(*slog.Logger)
	l := slog.LevelInfo
	if level >= 1 && int(level) < len(logLevels) {
		l = logLevels[level]
	}
	logger.Log(context.Background(), l, C.GoString(msg))
}

// goFastgptLogFree releases the logger's handle once the library dropped the callback.
//
//export goFastgptLogFree
func goFastgptLogFree(handle C.uintptr_t) { deleteHandle(cgo.Handle(uintptr(handle))) }
