package fastgpt

/*
#include "fastgpt.h"
*/
import "C"

import (
	"context"
	"errors"
	"net/http"
	"unsafe"
)

// Status is a libfastgpt status code (FASTGPT_OK or FASTGPT_ERR_* in fastgpt.h): the class of a
// failure, in (*Error).Status. It is a plain value, not an error: compare err against the Err*
// sentinels with errors.Is, or read (*Error).Status with errors.As.
type Status int32

// The status codes, with the values of fastgpt.h.
const (
	// StatusOK: success (never in an *Error).
	StatusOK Status = 0
	// StatusNullArgument: a required argument was missing (a bug in this package if you see it).
	StatusNullArgument Status = 1
	// StatusInvalidUTF8: a string is not valid UTF-8.
	StatusInvalidUTF8 Status = 2
	// StatusInvalidJSON: the request or configuration cannot be encoded, or is not a JSON object.
	StatusInvalidJSON Status = 3
	// StatusInvalidArgument: a field or option is missing, of the wrong type or out of range; the
	// message names it.
	StatusInvalidArgument Status = 4
	// StatusConnect: DNS, connection refused or reset before an answer, TLS handshake or
	// certificate, proxy.
	StatusConnect Status = 10
	// StatusTimeout: the connect, whole-call (WithTimeout) or stream idle (WithStreamIdleTimeout)
	// timeout of the library expired.
	StatusTimeout Status = 11
	// StatusHTTP: a non-2xx answer without a FastGPT envelope (see (*Error).HTTPStatus).
	StatusHTTP Status = 12
	// StatusAuth: the API key was rejected (FastGPT code 403 or 514, or HTTP 401/403).
	StatusAuth Status = 13
	// StatusRateLimited: FastGPT code 429 or HTTP 429, after the retries ran out.
	StatusRateLimited Status = 14
	// StatusQuota: the AI points are exhausted (FastGPT code 510 or 500004).
	StatusQuota Status = 15
	// StatusAPI: any other FastGPT error envelope or `event: error` frame (see (*Error).Code).
	StatusAPI Status = 16
	// StatusDecode: the answer is not what the endpoint returns (an HTML page from a wrong base
	// URL, bad JSON, an event or body over its size limit), or it does not fit the result type.
	StatusDecode Status = 17
	// StatusStreamTruncated: the stream ended (or the connection broke) before [DONE].
	StatusStreamTruncated Status = 18
	// StatusBusy: busy, try again later: the chat is still generating its previous answer
	// (FastGPT chatIsGenerating, or HTTP 409 from the newest servers). Retried like a rate limit
	// for idempotent calls only; a completion fails at once.
	StatusBusy Status = 19
	// StatusCancelled: the call was cancelled by its context, by Client.Close or by Stream.Close.
	StatusCancelled Status = 20
	// StatusAbortedByCallback: a C callback asked to stop. This package reports its own aborts
	// as StatusCancelled, so a Go program never sees it.
	StatusAbortedByCallback Status = 21
	// StatusForked: the call was made in a child process forked after the library started.
	StatusForked Status = 30
	// StatusPanic: a panic was caught (in the library, or in this package's stream callback): a
	// bug, please report it.
	StatusPanic Status = 98
	// StatusInternal: an internal error of the library.
	StatusInternal Status = 99
)

// The Go constants above must equal fastgpt.h's: a mismatch is a constant index out of range,
// which does not compile.
func _() {
	var x [1]struct{}
	_ = x[StatusOK-C.FASTGPT_OK]
	_ = x[StatusNullArgument-C.FASTGPT_ERR_NULL_ARGUMENT]
	_ = x[StatusInvalidUTF8-C.FASTGPT_ERR_INVALID_UTF8]
	_ = x[StatusInvalidJSON-C.FASTGPT_ERR_INVALID_JSON]
	_ = x[StatusInvalidArgument-C.FASTGPT_ERR_INVALID_ARGUMENT]
	_ = x[StatusConnect-C.FASTGPT_ERR_CONNECT]
	_ = x[StatusTimeout-C.FASTGPT_ERR_TIMEOUT]
	_ = x[StatusHTTP-C.FASTGPT_ERR_HTTP]
	_ = x[StatusAuth-C.FASTGPT_ERR_AUTH]
	_ = x[StatusRateLimited-C.FASTGPT_ERR_RATE_LIMITED]
	_ = x[StatusQuota-C.FASTGPT_ERR_QUOTA]
	_ = x[StatusAPI-C.FASTGPT_ERR_API]
	_ = x[StatusDecode-C.FASTGPT_ERR_DECODE]
	_ = x[StatusStreamTruncated-C.FASTGPT_ERR_STREAM_TRUNCATED]
	_ = x[StatusBusy-C.FASTGPT_ERR_BUSY]
	_ = x[StatusCancelled-C.FASTGPT_ERR_CANCELLED]
	_ = x[StatusAbortedByCallback-C.FASTGPT_ERR_ABORTED_BY_CALLBACK]
	_ = x[StatusForked-C.FASTGPT_ERR_FORKED]
	_ = x[StatusPanic-C.FASTGPT_ERR_PANIC]
	_ = x[StatusInternal-C.FASTGPT_ERR_INTERNAL]
}

// String returns the library's description of the status ("authentication failed ...").
func (s Status) String() string { return C.GoString(C.fastgpt_status_str(C.int32_t(s))) }

// sentinel is the type of the Err* values: errors.Is(err, ErrAuth) is true when err is an *Error
// of that class (see (*Error).Is).
type sentinel struct {
	status Status
	text   string
}

func (s *sentinel) Error() string { return "fastgpt: " + s.text }

// Sentinels for errors.Is. errors.Is(err, fastgpt.ErrAuth) is true for an *Error with
// StatusAuth, and so on; ErrTimeout also matches a context deadline, ErrClosed only a call
// stopped by Client.Close (or made after it).
var (
	ErrInvalidArgument error = &sentinel{StatusInvalidArgument, "invalid argument"}
	ErrInvalidJSON     error = &sentinel{StatusInvalidJSON, "invalid JSON"}
	ErrConnect         error = &sentinel{StatusConnect, "connection failed"}
	ErrTimeout         error = &sentinel{StatusTimeout, "timed out"}
	ErrHTTP            error = &sentinel{StatusHTTP, "HTTP error"}
	ErrAuth            error = &sentinel{StatusAuth, "authentication failed"}
	ErrRateLimited     error = &sentinel{StatusRateLimited, "rate limited"}
	ErrQuota           error = &sentinel{StatusQuota, "quota exhausted"}
	ErrAPI             error = &sentinel{StatusAPI, "FastGPT API error"}
	ErrDecode          error = &sentinel{StatusDecode, "cannot decode the answer"}
	ErrStreamTruncated error = &sentinel{StatusStreamTruncated, "stream truncated"}
	ErrBusy            error = &sentinel{StatusBusy, "busy, try again later"}
	ErrCancelled       error = &sentinel{StatusCancelled, "cancelled"}
	ErrPanic           error = &sentinel{StatusPanic, "panic"}
	// ErrClosed matches calls cancelled by Client.Close or made after it (they also match
	// ErrCancelled).
	ErrClosed error = &sentinel{StatusCancelled, "client is closed"}
)

// Error is the error of a failed call: every error this package returns is an *Error.
type Error struct {
	// Status classifies the failure (StatusAuth, StatusRateLimited, ...).
	Status Status
	// Message is human-readable; it never contains the API key.
	Message string
	// HTTPStatus is the HTTP status of the answer that caused the error, 0 if there was none.
	HTTPStatus int
	// Code is FastGPT's envelope code (e.g. 514, 500004), 0 if there was none.
	Code int64
	// Body is the server's raw body (capped at 64 KiB), nil if there was none.
	Body []byte
	// Header holds the headers of the answer that caused the error (of the last attempt when the
	// call was retried), nil if there was no answer: read Retry-After after ErrRateLimited or
	// ErrBusy to schedule your own retry, or a request id to report.
	Header http.Header

	cause  error // context.Canceled or context.DeadlineExceeded for a context cancellation
	closed bool  // cancelled by Client.Close
}

// Error returns "fastgpt: " and the message (the status's description when there is none).
func (e *Error) Error() string {
	if e.Message != "" {
		return "fastgpt: " + e.Message
	}
	return "fastgpt: " + e.Status.String()
}

// Unwrap returns the context's error (context.Canceled or context.DeadlineExceeded) when the
// call was cancelled by its context, else nil.
func (e *Error) Unwrap() error { return e.cause }

// Is makes errors.Is(err, target) true for the sentinel of e's class (ErrAuth for StatusAuth,
// ...), for ErrTimeout when a context deadline ended the call, and for ErrClosed when
// Client.Close did.
func (e *Error) Is(target error) bool {
	t, ok := target.(*sentinel)
	switch {
	case !ok:
		return false
	case t == ErrClosed:
		return e.closed
	case t == ErrTimeout:
		return e.Status == StatusTimeout || errors.Is(e.cause, context.DeadlineExceeded)
	}
	return e.Status == t.status
}

// Timeout reports whether the call ran out of time: a library timeout or a context deadline
// (the same as errors.Is(e, ErrTimeout)).
func (e *Error) Timeout() bool { return e.Is(ErrTimeout) }

// IsAuth reports whether err is an authentication failure (errors.Is(err, ErrAuth)).
func IsAuth(err error) bool { return errors.Is(err, ErrAuth) }

// IsBusy reports whether err says the chat is still generating its previous answer (try again
// later; errors.Is(err, ErrBusy)).
func IsBusy(err error) bool { return errors.Is(err, ErrBusy) }

// IsRateLimited reports whether err is a rate limit that outlasted the retries
// (errors.Is(err, ErrRateLimited)).
func IsRateLimited(err error) bool { return errors.Is(err, ErrRateLimited) }

// IsQuota reports whether err means the AI points are exhausted (errors.Is(err, ErrQuota)).
func IsQuota(err error) bool { return errors.Is(err, ErrQuota) }

// IsTimeout reports whether err is a library timeout or a context deadline
// (errors.Is(err, ErrTimeout)).
func IsTimeout(err error) bool { return errors.Is(err, ErrTimeout) }

// IsCancelled reports whether err is a cancellation by a context, Client.Close or Stream.Close
// (errors.Is(err, ErrCancelled)).
func IsCancelled(err error) bool { return errors.Is(err, ErrCancelled) }

// copyError copies a library error into Go memory (it does not free it).
func copyError(st C.fastgpt_status, cerr *C.fastgpt_error) *Error {
	if cerr == nil {
		return &Error{Status: Status(st)}
	}
	var n C.size_t
	body := C.fastgpt_error_body(cerr, &n)
	e := &Error{
		Status:     Status(C.fastgpt_error_code(cerr)),
		Message:    C.GoString(C.fastgpt_error_message(cerr)),
		HTTPStatus: int(C.fastgpt_error_http_status(cerr)),
		Code:       int64(C.fastgpt_error_api_code(cerr)),
	}
	if body != nil {
		e.Body = C.GoBytes(unsafe.Pointer(body), C.int(n))
	}
	for i := C.size_t(0); ; i++ {
		var name *C.char
		value := C.fastgpt_error_header_at(cerr, i, &name)
		if value == nil {
			break
		}
		if e.Header == nil {
			e.Header = http.Header{}
		}
		e.Header.Add(C.GoString(name), C.GoString(value))
	}
	return e
}

// takeError copies and frees a library error.
func takeError(st C.fastgpt_status, cerr *C.fastgpt_error) *Error {
	e := copyError(st, cerr)
	C.fastgpt_error_free(cerr)
	return e
}

// cancelledBy returns the error of a call that the library reports as cancelled or aborted, told
// by who stopped it: the context (first, as the caller asked for it), Client.Close, or Stream.Close
// (userClosed). With no known reason the library's error is kept as is.
func cancelledBy(e *Error, ctx, closed context.Context, userClosed bool) *Error {
	if e.Status != StatusCancelled && e.Status != StatusAbortedByCallback {
		return e
	}
	switch {
	case userClosed:
		return &Error{Status: StatusCancelled, Message: "stream closed"}
	case ctx.Err() != nil:
		return ctxError(ctx)
	case closed != nil && closed.Err() != nil:
		return closedError()
	}
	if e.Status == StatusAbortedByCallback {
		e.Status = StatusCancelled
	}
	return e
}

// ctxError is the error of a call stopped by its context.
func ctxError(ctx context.Context) *Error {
	err := ctx.Err()
	return &Error{Status: StatusCancelled, Message: "cancelled: " + err.Error(), cause: err}
}

// closedError is the error of a call stopped by (or made after) Client.Close.
func closedError() *Error {
	return &Error{Status: StatusCancelled, Message: "client is closed", closed: true}
}
