package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"reflect"
	"runtime"
	"sync"
	"unsafe"
)

// The per-endpoint methods and the endpoint constants are generated from the endpoint table
// (endpoints_gen.go, `make generate`); what they share is below.

// Do calls any FastGPT endpoint, with the client's auth, retries and error classification.
// method is "GET", "POST", "PUT" or "DELETE"; path starts with "/api/" (no query string). req
// (nil means {}) is marshalled to JSON and sent in the query for GET and DELETE, as the body
// otherwise. The result (the envelope's data, else the whole body) is unmarshalled into out
// unless out is nil (a mismatch is an *Error with StatusDecode, and the Response is still
// returned); the raw Response is returned too, and also stored by WithResponseInto.
func (c *Client) Do(ctx context.Context, method, path string, req, out any, opts ...CallOption) (*Response, error) {
	var resp *Response
	err := run(ctx, c, epRequest, method, path, req, opts, &resp, func(data []byte) error {
		if out == nil || len(data) == 0 {
			return nil
		}
		return json.Unmarshal(data, out)
	})
	return resp, err
}

// call is the one implementation behind every endpoint method: JSON in, C call, JSON out. The
// result is decoded straight from the library's buffer (no intermediate copy).
func call[T any](ctx context.Context, c *Client, ep endpoint, req any, opts []CallOption) (T, error) {
	var out T
	err := run(ctx, c, ep, "", "", req, opts, nil, func(data []byte) error {
		if len(data) == 0 {
			return nil
		}
		return json.Unmarshal(data, &out)
	})
	return out, err
}

// marshalRequest encodes req as NUL-terminated JSON; nil (also a nil pointer) is {}.
func marshalRequest(req any) ([]byte, error) {
	if v := reflect.ValueOf(req); req == nil || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return []byte("{}\x00"), nil
	}
	js, err := json.Marshal(req)
	if err != nil {
		return nil, &Error{Status: StatusInvalidJSON, Message: "cannot encode the request: " + err.Error()}
	}
	return append(js, 0), nil
}

// cStr returns a NUL-terminated copy of s in Go memory (C only borrows it during the call).
func cStr(s string) []byte { return append([]byte(s), 0) }

// cancelToken is a call's fastgpt_cancel; its mutex keeps a trigger (run by context.AfterFunc
// on another goroutine) from racing with the free.
type cancelToken struct {
	mu sync.Mutex
	p  *C.fastgpt_cancel
}

func (t *cancelToken) trigger() {
	t.mu.Lock()
	if t.p != nil {
		C.fastgpt_cancel_trigger(t.p)
	}
	t.mu.Unlock()
}

// free detaches nothing by itself: callers stop the AfterFuncs first (see newCancel).
func (t *cancelToken) free() {
	t.mu.Lock()
	C.fastgpt_cancel_free(t.p)
	t.p = nil
	t.mu.Unlock()
}

// newCancel makes the per-call cancel token, triggered when ctx is done or the client closes.
// The returned function detaches the triggers and frees the token.
func (s *clientState) newCancel(ctx context.Context) (*cancelToken, func()) {
	t := &cancelToken{p: C.fastgpt_cancel_new()}
	stopCtx := context.AfterFunc(ctx, t.trigger)
	stopBase := context.AfterFunc(s.base, t.trigger)
	return t, func() {
		stopCtx()
		stopBase()
		t.free()
	}
}

// callSettings applies the options of one call; options that only a client takes are an error,
// and so is WithProgress outside an upload.
func callSettings(opts []CallOption) (settings, error) {
	set, err := uploadSettings(opts)
	if err == nil && set.progress != nil {
		err = &Error{Status: StatusInvalidArgument, Message: "WithProgress applies to uploads only"}
	}
	return set, err
}

// uploadSettings is callSettings for an upload (WithProgress allowed).
func uploadSettings(opts []CallOption) (settings, error) {
	var set settings
	for _, o := range opts {
		o(&set)
	}
	if set.clientOnly != "" {
		return set, &Error{Status: StatusInvalidArgument, Message: set.clientOnly + " is a client option: pass it to NewClient (per call: WithTimeout, WithStreamIdleTimeout, WithMaxRetries, WithHeader)"}
	}
	return set, nil
}

// callClient returns the native client one call runs on: ptr itself, or, when the call
// overrides settings, a client derived from ptr (fastgpt_client_with: a few microseconds, sharing
// ptr's connections) that the caller frees once the call has ended. ptr must be read-locked.
func callClient(ptr *C.fastgpt_client, set *settings) (*C.fastgpt_client, *Error) {
	if !set.derive {
		return ptr, nil
	}
	js, err := json.Marshal(&overrides{
		TimeoutMS:           set.cfg.TimeoutMS,
		StreamIdleTimeoutMS: set.cfg.StreamIdleTimeoutMS,
		MaxRetries:          set.cfg.MaxRetries,
		Headers:             set.cfg.Headers,
	})
	if err != nil {
		return nil, &Error{Status: StatusInvalidJSON, Message: "cannot encode the call's options: " + err.Error()}
	}
	js = append(js, 0)
	var out *C.fastgpt_client
	var cerr *C.fastgpt_error
	if st := C.fastgpt_client_with(ptr, (*C.char)(unsafe.Pointer(&js[0])), &out, &cerr); st != C.FASTGPT_OK {
		return nil, takeError(st, cerr)
	}
	return out, nil
}

// withCallTimeout bounds ctx by the call's WithTimeout, if any (d <= 0: no bound).
func withCallTimeout(ctx context.Context, set *settings) (context.Context, context.CancelFunc) {
	if !set.hasTimeout || set.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, set.timeout)
}

// invoker makes one blocking C call on target with the request JSON and the cancel token.
type invoker func(target *C.fastgpt_client, js *C.char, tok *C.fastgpt_cancel, resp **C.fastgpt_response, cerr **C.fastgpt_error) C.fastgpt_status

// run performs one blocking C call under ctx and hands the library-owned result data to decode
// before the response is freed (or kept for WithResponseInto and for Do's own result, doResp).
func run(ctx context.Context, c *Client, ep endpoint, method, path string, req any, opts []CallOption, doResp **Response, decode func([]byte) error) error {
	set, err := callSettings(opts)
	if err != nil {
		return err
	}
	return runWith(ctx, c, &set, req, doResp, decode, func(target *C.fastgpt_client, js *C.char, tok *C.fastgpt_cancel, resp **C.fastgpt_response, cerr **C.fastgpt_error) C.fastgpt_status {
		if ep == epRequest {
			m, p := cStr(method), cStr(path)
			return C.fastgpt_request(target, (*C.char)(unsafe.Pointer(&m[0])), (*C.char)(unsafe.Pointer(&p[0])), js, tok, resp, cerr)
		}
		return C.fgo_call(C.int(ep), target, js, tok, resp, cerr)
	})
}

// runWith is run with the options already applied and the C call given.
func runWith(ctx context.Context, c *Client, set *settings, req any, doResp **Response, decode func([]byte) error, invoke invoker) error {
	ctx, cancel := withCallTimeout(ctx, set)
	defer cancel()
	if ctx.Err() != nil {
		return ctxError(ctx)
	}
	js, err := marshalRequest(req)
	if err != nil {
		return err
	}
	s := c.s
	ptr, err := s.acquire()
	if err != nil {
		return err
	}
	target, derr := callClient(ptr, set)
	if derr != nil {
		s.mu.RUnlock()
		return derr
	}
	tok, release := s.newCancel(ctx)
	var resp *C.fastgpt_response
	var cerr *C.fastgpt_error
	st := invoke(target, (*C.char)(unsafe.Pointer(&js[0])), tok.p, &resp, &cerr)
	if target != ptr {
		C.fastgpt_client_free(target)
	}
	release()
	s.mu.RUnlock()
	runtime.KeepAlive(c)
	if st != C.FASTGPT_OK {
		return cancelledBy(takeError(st, cerr), ctx, s.base, false)
	}
	err = decode(responseData(resp))
	if set.into != nil || doResp != nil {
		r := newResponse(resp, true)
		if set.into != nil {
			*set.into = r
		}
		if doResp != nil {
			*doResp = r
		}
	} else {
		C.fastgpt_response_free(resp)
	}
	if err != nil {
		return &Error{Status: StatusDecode, Message: "cannot decode the result: " + err.Error()}
	}
	return nil
}
