// Package fastgpt is a Go client for the FastGPT API. All the work (HTTP, retries, SSE parsing,
// error classification) is done by libfastgpt, a native library; this package is a thin cgo layer
// that maps it onto Go idioms: context.Context for cancellation and deadlines, typed request and
// response structs, *Error values usable with errors.Is/As, and iterator-based streaming.
//
// A Client is safe for concurrent use by any number of goroutines. Close it when done.
package fastgpt

/*
#cgo !fastgpt_dev,!fastgpt_static pkg-config: fastgpt
#cgo !fastgpt_dev,fastgpt_static pkg-config: --static fastgpt
#cgo !fastgpt_dev,fastgpt_static LDFLAGS: -Wl,-Bstatic -lfastgpt -Wl,-Bdynamic -Wl,--as-needed
#cgo fastgpt_dev CFLAGS: -I${SRCDIR}/../../include
#cgo fastgpt_dev,!fastgpt_static LDFLAGS: -L${SRCDIR}/../../target/debug -lfastgpt -Wl,-rpath,${SRCDIR}/../../target/debug
#cgo fastgpt_dev,fastgpt_static LDFLAGS: ${SRCDIR}/../../target/release/libfastgpt.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include "shims.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Version returns the version of the loaded libfastgpt (e.g. "0.1.0").
func Version() string { return C.GoString(C.fastgpt_version()) }

// liveClients counts native clients not freed yet (tests check the cleanup safety net).
var liveClients atomic.Int64

// config is the JSON configuration handed to fastgpt_client_new; nil/empty fields are left to the
// library's defaults (which read $FASTGPT_BASE_URL and $FASTGPT_API_KEY).
type config struct {
	BaseURL                  string            `json:"base_url,omitempty"`
	APIKey                   string            `json:"api_key,omitempty"`
	TimeoutMS                *int64            `json:"timeout_ms,omitempty"`
	ConnectTimeoutMS         *int64            `json:"connect_timeout_ms,omitempty"`
	StreamIdleTimeoutMS      *int64            `json:"stream_idle_timeout_ms,omitempty"`
	MaxRetries               *int              `json:"max_retries,omitempty"`
	MaxRetryDelayMS          *int64            `json:"max_retry_delay_ms,omitempty"`
	Headers                  map[string]string `json:"headers,omitempty"`
	UserAgent                string            `json:"user_agent,omitempty"`
	Proxy                    string            `json:"proxy,omitempty"`
	MaxEventBytes            *int64            `json:"max_event_bytes,omitempty"`
	MaxResponseBytes         *int64            `json:"max_response_bytes,omitempty"`
	CACertPEM                string            `json:"ca_cert_pem,omitempty"`
	DangerAcceptInvalidCerts bool              `json:"danger_accept_invalid_certs,omitempty"`
}

// settings collects the options of NewClient or of one call.
type settings struct {
	cfg config
	// clientOnly names the first option that only a client can take (see CallOption).
	clientOnly string
	// derive: an option that a call turns into a derived client (fastgpt_client_with) was given.
	derive bool
	// timeout is WithTimeout's value (hasTimeout: it was given); per call it also becomes a
	// context deadline.
	timeout    time.Duration
	hasTimeout bool
	// into is WithResponseInto's destination (per call only).
	into **Response
	// logger is WithLogger's (client only).
	logger *slog.Logger
	// progress is WithProgress's callback (uploads only).
	progress func(sent, total int64)
}

// Option configures a Client when passed to NewClient, or one call when passed to a method (then
// called a CallOption). Per call, WithTimeout, WithStreamIdleTimeout, WithMaxRetries and
// WithHeader override the client's settings for that call only (through a derived client that
// shares the client's connections), WithResponseInto and WithProgress apply to calls only, and
// the other options are client settings, refused per call with StatusInvalidArgument.
type Option func(*settings)

// CallOption is an Option given to one call (the trailing ...CallOption of every method).
type CallOption = Option

func clientOption(name string, f func(*config)) Option {
	return func(s *settings) {
		if s.clientOnly == "" {
			s.clientOnly = name
		}
		f(&s.cfg)
	}
}

// callableOption is a setting a call may override (timeout, idle timeout, retries, headers).
func callableOption(f func(*config)) Option {
	return func(s *settings) {
		s.derive = true
		f(&s.cfg)
	}
}

// overrides is the part of config a derived client takes (fastgpt_client_with).
type overrides struct {
	TimeoutMS           *int64            `json:"timeout_ms,omitempty"`
	StreamIdleTimeoutMS *int64            `json:"stream_idle_timeout_ms,omitempty"`
	MaxRetries          *int              `json:"max_retries,omitempty"`
	Headers             map[string]string `json:"headers,omitempty"`
}

// maxMS is the longest duration libfastgpt accepts (7 days); WithTimeout(0) means "none" and
// becomes this.
const maxMS = 7 * 24 * 3600 * 1000

// ms converts d to whole milliseconds for the library: rounded up (so 1µs is 1ms, not a
// rejected 0), at most maxMS, and d <= 0 (no limit) becomes maxMS.
func ms(d time.Duration) *int64 {
	var v int64
	switch {
	case d <= 0 || d >= maxMS*time.Millisecond:
		v = maxMS
	default:
		v = int64((d + time.Millisecond - 1) / time.Millisecond)
	}
	return &v
}

// WithBaseURL sets the server (default $FASTGPT_BASE_URL, else http://localhost:3000);
// "https://host", ".../api" and ".../api/v1" are all accepted.
func WithBaseURL(url string) Option {
	return clientOption("WithBaseURL", func(c *config) { c.BaseURL = url })
}

// WithAPIKey sets the API key sent as "Authorization: Bearer" (default $FASTGPT_API_KEY).
func WithAPIKey(key string) Option {
	return clientOption("WithAPIKey", func(c *config) { c.APIKey = key })
}

// WithTimeout bounds a call. For a client (default 10 minutes): a whole unary call including its
// retries, and a stream until its headers (then WithStreamIdleTimeout applies). For one call: the
// library's timeout of that call (as for a client) and also a context deadline over the whole
// call, streams included (the error then matches ErrTimeout, and context.DeadlineExceeded when
// the deadline fired first). d <= 0 means no timeout; durations are rounded up to the
// millisecond. A context deadline applies as well.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) {
		s.derive = true
		s.cfg.TimeoutMS = ms(d)
		s.timeout, s.hasTimeout = d, true
	}
}

// WithConnectTimeout bounds connection set-up (default 10s; d <= 0 means none). Client only.
func WithConnectTimeout(d time.Duration) Option {
	return clientOption("WithConnectTimeout", func(c *config) { c.ConnectTimeoutMS = ms(d) })
}

// WithStreamIdleTimeout bounds the silence between two reads of a stream (default 60s; d <= 0
// means none). Also per call.
func WithStreamIdleTimeout(d time.Duration) Option {
	return callableOption(func(c *config) { c.StreamIdleTimeoutMS = ms(d) })
}

// WithMaxRetries sets how many times a failed request is retried (default 2; 0 disables
// retries). Also per call.
func WithMaxRetries(n int) Option {
	return callableOption(func(c *config) { c.MaxRetries = &n })
}

// WithMaxRetryDelay caps the wait before a retry; a longer server-requested Retry-After is not
// waited for (default 60s; d <= 0: no wait). Client only.
func WithMaxRetryDelay(d time.Duration) Option {
	return clientOption("WithMaxRetryDelay", func(c *config) {
		v := int64(0) // d <= 0: retry at once
		if d > 0 {
			v = *ms(d)
		}
		c.MaxRetryDelayMS = &v
	})
}

// WithHeader adds a header to every request (not Authorization: use WithAPIKey). Per call, the
// header is added to that call's requests, replacing a client header of the same name
// (case-insensitive).
func WithHeader(name, value string) Option {
	return callableOption(func(c *config) {
		if c.Headers == nil {
			c.Headers = map[string]string{}
		}
		c.Headers[name] = value
	})
}

// WithUserAgent replaces the User-Agent (default "libfastgpt/<version>"). Client only.
func WithUserAgent(ua string) Option {
	return clientOption("WithUserAgent", func(c *config) { c.UserAgent = ua })
}

// WithProxy sends every request through the proxy at url (http://, https:// or socks5://).
// Environment proxy variables are not used. Client only.
func WithProxy(url string) Option {
	return clientOption("WithProxy", func(c *config) { c.Proxy = url })
}

// WithMaxEventBytes limits one SSE event (default 16 MiB). Client only.
func WithMaxEventBytes(n int64) Option {
	return clientOption("WithMaxEventBytes", func(c *config) { c.MaxEventBytes = &n })
}

// WithMaxResponseBytes limits a unary body (default 64 MiB). Client only.
func WithMaxResponseBytes(n int64) Option {
	return clientOption("WithMaxResponseBytes", func(c *config) { c.MaxResponseBytes = &n })
}

// WithCACertPEM adds trusted root certificates (PEM text). Client only.
func WithCACertPEM(pem string) Option {
	return clientOption("WithCACertPEM", func(c *config) { c.CACertPEM = pem })
}

// WithInsecureSkipVerify turns off TLS certificate verification. For tests only. Client only.
func WithInsecureSkipVerify() Option {
	return clientOption("WithInsecureSkipVerify", func(c *config) { c.DangerAcceptInvalidCerts = true })
}

// WithLogger sends the client's log lines (one per request attempt, stream start and end,
// configuration decisions; never the API key, bodies only at the library's trace level) to
// logger instead of stderr (where $FASTGPT_LOG would send them). The library's levels map to
// slog's: ERROR, WARN, INFO, DEBUG, and TRACE as slog.LevelDebug-4; the most verbose level that
// logger.Enabled accepts is asked of the library once, in NewClient. The lines are logfmt text
// ("request method=POST path=/api/... attempt=1 http_status=200 ..."), logged as the message with
// no attributes. Client only (clients derived per call share it).
func WithLogger(logger *slog.Logger) Option {
	return func(s *settings) {
		if s.clientOnly == "" {
			s.clientOnly = "WithLogger"
		}
		s.logger = logger
	}
}

// WithProgress reports a file upload's progress (CreateFileCollection, CreateFileCollectionFromPath):
// f(sent, total) is called on the calling goroutine's thread as the file goes out, about every
// 0.1% and once at the end with sent == total. A slow f slows the upload. Uploads only.
func WithProgress(f func(sent, total int64)) CallOption {
	return func(s *settings) { s.progress = f }
}

// WithResponseInto stores the raw result of a successful call (HTTP status, body, headers) in
// *dst; on failure *dst is left unchanged. For streams, Header lookups are not available. Per
// call only.
func WithResponseInto(dst **Response) CallOption { return func(s *settings) { s.into = dst } }

// Client is a FastGPT client. It is safe for concurrent use.
type Client struct {
	s       *clientState
	cleanup runtime.Cleanup
}

// clientState is what the cleanup safety net needs; it never points back to the Client.
type clientState struct {
	mu     sync.RWMutex // read-held for the whole of every C call; write-held to free
	ptr    *C.fastgpt_client
	base   context.Context // cancelled by Close: cancels every in-flight call
	cancel context.CancelFunc
}

// NewClient creates a client. No network I/O happens here; a bad option (for example a
// malformed base URL) is reported as an *Error with StatusInvalidArgument.
func NewClient(opts ...Option) (*Client, error) {
	var set settings
	for _, o := range opts {
		o(&set)
	}
	if set.into != nil {
		return nil, &Error{Status: StatusInvalidArgument, Message: "WithResponseInto applies to a call, not to NewClient"}
	}
	if set.progress != nil {
		return nil, &Error{Status: StatusInvalidArgument, Message: "WithProgress applies to an upload, not to NewClient"}
	}
	js, err := json.Marshal(&set.cfg)
	if err != nil {
		return nil, &Error{Status: StatusInvalidJSON, Message: "cannot encode the configuration: " + err.Error()}
	}
	js = append(js, 0)
	var ptr *C.fastgpt_client
	var cerr *C.fastgpt_error
	st := C.fastgpt_client_new((*C.char)(unsafe.Pointer(&js[0])), &ptr, &cerr)
	if st != C.FASTGPT_OK {
		return nil, takeError(st, cerr)
	}
	if set.logger != nil {
		if err := setLogger(ptr, set.logger); err != nil {
			C.fastgpt_client_free(ptr)
			return nil, err
		}
	}
	liveClients.Add(1)
	s := &clientState{ptr: ptr}
	s.base, s.cancel = context.WithCancel(context.Background())
	c := &Client{s: s}
	c.cleanup = runtime.AddCleanup(c, func(s *clientState) { s.close() }, s)
	return c, nil
}

// Close cancels the calls and streams still running on the client (they fail with an error
// that matches ErrClosed and StatusCancelled), waits for them to return, and frees the native
// client. It is safe to call more than once and from several goroutines.
func (c *Client) Close() error {
	c.cleanup.Stop()
	c.s.close()
	return nil
}

func (s *clientState) close() {
	s.cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.fastgpt_client_free(s.ptr)
		s.ptr = nil
		liveClients.Add(-1)
	}
}

// acquire read-locks the native client for the duration of one C call.
func (s *clientState) acquire() (*C.fastgpt_client, error) {
	s.mu.RLock()
	if s.ptr == nil {
		s.mu.RUnlock()
		return nil, closedError()
	}
	return s.ptr, nil
}

// Response is the raw result of a call: HTTP status, body and headers. Get one with
// WithResponseInto (any method) or from Client.Do.
type Response struct {
	// StatusCode is the HTTP status (e.g. 200).
	StatusCode int
	// Body is the whole body as received; for a stream, the accumulated answer in the non-stream
	// chat completion shape.
	Body []byte
	// Data is the result as JSON: the envelope's data for envelope endpoints, the whole body for
	// chat completions and non-envelope answers.
	Data json.RawMessage

	mu      sync.Mutex
	ptr     *C.fastgpt_response // kept only for header lookups; freed by Close or GC
	cleanup runtime.Cleanup
}

// Header returns the value of response header name (case-insensitive; the first if repeated),
// or "" if the header is absent or the Response was closed.
func (r *Response) Header(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return ""
	}
	cname := append([]byte(name), 0)
	v := C.fastgpt_response_header(r.ptr, (*C.char)(unsafe.Pointer(&cname[0])))
	if v == nil {
		return ""
	}
	return C.GoString(v)
}

// Close releases the native response kept for Header lookups. Optional (the garbage collector
// does it otherwise); safe to call twice.
func (r *Response) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr != nil {
		r.cleanup.Stop()
		C.fastgpt_response_free(r.ptr)
		r.ptr = nil
	}
	return nil
}

// cBytes views a NUL-terminated buffer owned by the library as a Go slice (no copy).
func cBytes(p *C.char, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// responseData returns the library-owned data bytes of resp (valid until it is freed).
func responseData(resp *C.fastgpt_response) []byte {
	var n C.size_t
	p := C.fastgpt_response_data(resp, &n)
	return cBytes(p, n)
}

// newResponse copies resp into a Go Response; with keep, the native response is retained for
// Header lookups, else it is left to the caller to free.
func newResponse(resp *C.fastgpt_response, keep bool) *Response {
	var n C.size_t
	body := C.fastgpt_response_body(resp, &n)
	r := &Response{
		StatusCode: int(C.fastgpt_response_status(resp)),
		Body:       C.GoBytes(unsafe.Pointer(body), C.int(n)),
		Data:       json.RawMessage(bytesClone(responseData(resp))),
	}
	if keep {
		r.ptr = resp
		r.cleanup = runtime.AddCleanup(r, func(p *C.fastgpt_response) { C.fastgpt_response_free(p) }, resp)
	}
	return r
}

func bytesClone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
