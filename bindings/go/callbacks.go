package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"fmt"
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
// panic unwind into the library, and returns 1 (abort) rather than block once the consumer has
// closed the stream.
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
			final = bytesClone(responseData(ev.response))
			var n C.size_t
			b := C.fastgpt_response_body(ev.response, &n)
			body = C.GoBytes(unsafe.Pointer(b), C.int(n))
		} else {
			err = copyError(ev.status, ev.error)
		}
		st.finish(final, body, status, err)
		deleteHandle(h)
		return 0
	}
	e := Event{
		Kind: EventKind(ev.kind),
		Name: C.GoStringN(ev.name, C.int(ev.name_len)),
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
	// A full buffer blocks this library thread until the consumer reads. Once libfastgpt can pause
	// an async operation, this is where it would pause instead (and Stream.Next resume it), so a
	// goroutine that stops reading pins no thread.
	select {
	case st.events <- e:
		return 0
	case <-st.closed:
		return 1 // the consumer closed the stream: abort instead of blocking this thread
	case <-st.ctx.Done():
		return 1
	case <-st.base.Done():
		return 1
	}
}

// testHookEvent, when set by a test, runs in the callback for every non-COMPLETE event.
var testHookEvent func(*Event)
