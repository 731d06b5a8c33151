package fastgpt

/*
#include "fastgpt.h"
*/
import "C"

import (
	"context"
	"errors"
	"unsafe"
)

// Status is a libfastgpt status code (FASTGPT_ERR_*). A Status is itself an error, so the
// Err* sentinels below (which are Status values) work with errors.Is.
type Status int32

// The status codes of libfastgpt (see fastgpt.h).
const (
	StatusOK                Status = C.FASTGPT_OK
	StatusNullArgument      Status = C.FASTGPT_ERR_NULL_ARGUMENT
	StatusInvalidUTF8       Status = C.FASTGPT_ERR_INVALID_UTF8
	StatusInvalidJSON       Status = C.FASTGPT_ERR_INVALID_JSON
	StatusInvalidArgument   Status = C.FASTGPT_ERR_INVALID_ARGUMENT
	StatusConnect           Status = C.FASTGPT_ERR_CONNECT
	StatusTimeout           Status = C.FASTGPT_ERR_TIMEOUT
	StatusHTTP              Status = C.FASTGPT_ERR_HTTP
	StatusAuth              Status = C.FASTGPT_ERR_AUTH
	StatusRateLimited       Status = C.FASTGPT_ERR_RATE_LIMITED
	StatusQuota             Status = C.FASTGPT_ERR_QUOTA
	StatusAPI               Status = C.FASTGPT_ERR_API
	StatusDecode            Status = C.FASTGPT_ERR_DECODE
	StatusStreamTruncated   Status = C.FASTGPT_ERR_STREAM_TRUNCATED
	StatusCancelled         Status = C.FASTGPT_ERR_CANCELLED
	StatusAbortedByCallback Status = C.FASTGPT_ERR_ABORTED_BY_CALLBACK
	StatusForked            Status = C.FASTGPT_ERR_FORKED
	StatusPanic             Status = C.FASTGPT_ERR_PANIC
	StatusInternal          Status = C.FASTGPT_ERR_INTERNAL
)

// Sentinels for errors.Is: errors.Is(err, fastgpt.ErrAuth) is true for any *Error with
// StatusAuth.
var (
	ErrInvalidArgument error = StatusInvalidArgument
	ErrConnect         error = StatusConnect
	ErrTimeout         error = StatusTimeout
	ErrHTTP            error = StatusHTTP
	ErrAuth            error = StatusAuth
	ErrRateLimited     error = StatusRateLimited
	ErrQuota           error = StatusQuota
	ErrAPI             error = StatusAPI
	ErrDecode          error = StatusDecode
	ErrStreamTruncated error = StatusStreamTruncated
	ErrCancelled       error = StatusCancelled
)

// String returns the library's description of the status.
func (s Status) String() string { return C.GoString(C.fastgpt_status_str(C.int32_t(s))) }

// Error makes a Status usable as a sentinel error.
func (s Status) Error() string { return "fastgpt: " + s.String() }

// Error is the error of a failed call.
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

	cause error // context.Canceled, context.DeadlineExceeded or ErrClosed for StatusCancelled
}

func (e *Error) Error() string {
	msg := "fastgpt: " + e.Status.String()
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.cause != nil {
		msg += " (" + e.cause.Error() + ")"
	}
	return msg
}

// Unwrap exposes the Status (so errors.Is(err, fastgpt.ErrAuth) works) and, for a cancelled
// call, the reason: context.Canceled, context.DeadlineExceeded or ErrClosed.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Status, e.cause}
	}
	return []error{e.Status}
}

func hasStatus(err error, s Status) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == s
}

// IsAuth reports whether err is an authentication failure (bad or missing API key).
func IsAuth(err error) bool { return hasStatus(err, StatusAuth) }

// IsRateLimited reports whether err is a rate limit that outlasted the retries.
func IsRateLimited(err error) bool { return hasStatus(err, StatusRateLimited) }

// IsQuota reports whether err means the AI points are exhausted.
func IsQuota(err error) bool { return hasStatus(err, StatusQuota) }

// IsTimeout reports whether err is a library timeout or a context deadline.
func IsTimeout(err error) bool {
	return hasStatus(err, StatusTimeout) || errors.Is(err, context.DeadlineExceeded)
}

// IsCancelled reports whether err is a cancellation (context, Client.Close or Stream.Close).
func IsCancelled(err error) bool {
	return hasStatus(err, StatusCancelled) || hasStatus(err, StatusAbortedByCallback)
}

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
	return e
}

// takeError copies and frees a library error.
func takeError(st C.fastgpt_status, cerr *C.fastgpt_error) *Error {
	e := copyError(st, cerr)
	C.fastgpt_error_free(cerr)
	return e
}

// withCause attaches the reason of a cancellation: the context's error, else ErrClosed when the
// client was closed.
func withCause(e *Error, ctx context.Context, closed context.Context) error {
	if e.Status != StatusCancelled && e.Status != StatusAbortedByCallback {
		return e
	}
	if err := ctx.Err(); err != nil {
		e.cause = err
	} else if closed != nil && closed.Err() != nil {
		e.cause = ErrClosed
	}
	return e
}

// ctxError is the error of a call whose context was done before it started.
func ctxError(ctx context.Context) error {
	return &Error{Status: StatusCancelled, Message: "context done before the call", cause: ctx.Err()}
}
