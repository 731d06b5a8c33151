//! Events and callbacks: the `fastgpt_event` struct, how core messages become callback calls,
//! and the shared bodies of every blocking, async and streaming entry point.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::{fastgpt_error, fastgpt_error_code};
use super::response::fastgpt_response;
use super::status::*;
use super::{boundary, out_arg, ref_arg, str_arg};
use crate::client::StreamOptions;
use crate::endpoints::{self, Endpoint, Prepared};
use crate::error::{Error, ErrorKind};
use crate::events::{EventKind, StreamEvent};
use crate::runtime::{self, Flow, Message};
use crate::transport::Response;

/// One event of an operation, handed to a `fastgpt_event_cb`.
///
/// Every pointer is valid only during the callback: copy what you keep. Strings are UTF-8 (except
/// `data`, which is the server's bytes as sent), NUL-terminated and also given with their length
/// (which excludes the NUL).
#[repr(C)]
pub struct fastgpt_event {
    /// One of the `FASTGPT_EVENT_*` values.
    pub kind: u32,
    /// The SSE event name as sent ("" when the server sent none, and for COMPLETE).
    pub name: *const c_char,
    pub name_len: usize,
    /// The raw data payload, byte-exact ("" for COMPLETE).
    pub data: *const c_char,
    pub data_len: usize,
    /// ANSWER / FAST_ANSWER: the answer text delta, ready to print; NULL for other kinds, for
    /// heartbeats (empty deltas) and for the stop chunk.
    pub text: *const c_char,
    pub text_len: usize,
    /// ANSWER: the reasoning (`reasoning_content`) delta; NULL otherwise.
    pub reasoning: *const c_char,
    pub reasoning_len: usize,
    /// COMPLETE: the operation's status. ERROR: the status of the error it carries. Else FASTGPT_OK.
    pub status: fastgpt_status,
    /// COMPLETE on success: the result (as a blocking call would return it). NULL otherwise.
    pub response: *const fastgpt_response,
    /// COMPLETE on failure, and ERROR events: the error. NULL otherwise.
    pub error: *const fastgpt_error,
    /// UPLOAD_PROGRESS: bytes of the file sent so far, and the file's size. 0 for other kinds.
    pub upload_sent: u64,
    pub upload_total: u64,
}

/// Receives the events of an operation. Return 0 to continue, non-zero to abort it (the operation
/// then ends with `FASTGPT_ERR_ABORTED_BY_CALLBACK`; the return value of COMPLETE is ignored).
///
/// The callback contract:
/// 1. `userdata` comes first; every pointer in the event is valid only during the callback.
/// 2. Events of one operation arrive in order, one at a time, never re-entrantly inside a fastgpt
///    call on the same thread. Async callbacks run on library threads that are not I/O workers, so
///    a callback may block or call blocking fastgpt functions.
/// 3. An async start that returns FASTGPT_OK gets exactly one COMPLETE, always last, whatever the
///    outcome (success, error, cancel, callback abort, client freed, panic). After COMPLETE returns
///    the library never touches `userdata` again. A start that fails makes no callback at all.
/// 4. Returning non-zero aborts the operation (FASTGPT_ERR_ABORTED_BY_CALLBACK).
/// 5. The library holds no lock while calling back; a callback may trigger cancels, start calls, or
///    free the client.
/// 6. A slow callback slows only its own operation: the stream is read through a bounded buffer
///    (1 MiB of events), so memory stays bounded and the server is slowed by TCP backpressure.
/// 7. Callbacks must not unwind into the library (no C++ exceptions, no longjmp).
pub type fastgpt_event_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const fastgpt_event) -> i32>;

/// A callback and its userdata, moved to the thread that calls it.
struct Callback {
    cb: unsafe extern "C" fn(*mut c_void, *const fastgpt_event) -> i32,
    userdata: *mut c_void,
    /// NUL-terminated copies of the current event's strings, reused from event to event so a
    /// stream allocates nothing here per event.
    scratch: [Vec<u8>; 3],
}

// SAFETY: the contract makes the caller responsible for userdata being usable from library threads.
unsafe impl Send for Callback {}

/// Copies `bytes` and a NUL into `buf`; returns the C view of it.
fn c_copy(buf: &mut Vec<u8>, bytes: &[u8]) -> (*const c_char, usize) {
    buf.clear();
    buf.extend_from_slice(bytes);
    buf.push(0);
    (buf.as_ptr().cast(), bytes.len())
}

impl Callback {
    fn new(cb: unsafe extern "C" fn(*mut c_void, *const fastgpt_event) -> i32, userdata: *mut c_void) -> Callback {
        Callback { cb, userdata, scratch: Default::default() }
    }

    fn event(&mut self, mut ev: StreamEvent) -> Flow {
        let [name_buf, text_buf, reasoning_buf] = &mut self.scratch;
        let (name, name_len) = c_copy(name_buf, ev.name.as_bytes());
        // The event is ours: NUL-terminate its data in place (the SSE parser leaves room for it).
        let data_len = ev.data.len();
        ev.data.push(0);
        let data = ev.data.as_ptr().cast::<c_char>();
        let (text_ptr, text_len) = ev.text().map_or((std::ptr::null(), 0), |t| c_copy(text_buf, t.as_bytes()));
        let (reasoning_ptr, reasoning_len) =
            ev.reasoning().map_or((std::ptr::null(), 0), |t| c_copy(reasoning_buf, t.as_bytes()));
        let error = ev.error.map(|e| fastgpt_error::new(*e));
        let c_event = fastgpt_event {
            kind: ev.kind as u32,
            name,
            name_len,
            data,
            data_len,
            text: text_ptr,
            text_len,
            reasoning: reasoning_ptr,
            reasoning_len,
            status: error.as_ref().map_or(FASTGPT_OK, |e| fastgpt_error_code(e)),
            response: std::ptr::null(),
            error: error.as_ref().map_or(std::ptr::null(), |e| e as *const _),
            upload_sent: ev.progress.map_or(0, |p| p.0),
            upload_total: ev.progress.map_or(0, |p| p.1),
        };
        // SAFETY: a C function pointer given by the caller, with its own userdata.
        let rc = unsafe { (self.cb)(self.userdata, &c_event) };
        if rc == 0 {
            Flow::Continue
        } else {
            Flow::Abort
        }
    }

    fn complete(&self, result: Result<Response, Error>) {
        let (status, response, error) = match result {
            Ok(resp) => (FASTGPT_OK, Some(fastgpt_response::new(resp)), None),
            Err(err) => (err.kind as fastgpt_status, None, Some(fastgpt_error::new(err))),
        };
        let c_event = fastgpt_event {
            kind: EventKind::Complete as u32,
            name: c"".as_ptr(),
            name_len: 0,
            data: c"".as_ptr(),
            data_len: 0,
            text: std::ptr::null(),
            text_len: 0,
            reasoning: std::ptr::null(),
            reasoning_len: 0,
            status,
            response: response.as_ref().map_or(std::ptr::null(), |r| r as *const _),
            error: error.as_ref().map_or(std::ptr::null(), |e| e as *const _),
            upload_sent: 0,
            upload_total: 0,
        };
        // SAFETY: as above.
        unsafe { (self.cb)(self.userdata, &c_event) };
    }

    fn handle(&mut self, msg: Message) -> Flow {
        match msg {
            Message::Event(ev) => self.event(ev),
            Message::Complete(result) => {
                self.complete(result);
                Flow::Continue
            }
        }
    }
}

fn callback_arg(cb: fastgpt_event_cb, userdata: *mut c_void) -> Result<Callback, Error> {
    let cb = cb.ok_or_else(|| Error::new(ErrorKind::NullArgument, "cb is NULL"))?;
    Ok(Callback::new(cb, userdata))
}

/// Parses and checks `request_json` for `endpoint`, before any I/O.
///
/// # Safety
/// `request_json` is NULL or NUL-terminated.
pub(crate) unsafe fn endpoint_request(endpoint: &Endpoint, request_json: *const c_char) -> Result<Prepared, Error> {
    let text = str_arg(request_json, "request_json")?;
    endpoint.prepare(endpoints::parse_request(Some(text))?)
}

/// The body of every blocking unary call.
///
/// # Safety
/// Pointer arguments as documented on the public functions.
pub(crate) unsafe fn unary_blocking(
    client: *const fastgpt_client,
    prepare: impl FnOnce() -> Result<Prepared, Error>,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let client = Arc::clone(&ref_arg(client, "client")?.inner);
        let prepared = prepare()?;
        out_arg(out_response, "out_response")?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let resp = runtime::run_blocking(move |_| client.call(prepared, cancel), |_| Flow::Continue)?;
        *out_response = fastgpt_response::into_raw(resp);
        Ok(())
    })
}

/// The body of every async unary call: only COMPLETE is delivered.
///
/// # Safety
/// Pointer arguments as documented on the public functions.
pub(crate) unsafe fn unary_async(
    client: *const fastgpt_client,
    prepare: impl FnOnce() -> Result<Prepared, Error>,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let client = Arc::clone(&ref_arg(client, "client")?.inner);
        let prepared = prepare()?;
        start_async(cb, userdata, move |_| client.call(prepared, fastgpt_cancel::token_of(cancel)))
    })
}

/// Starts an async operation whose events and COMPLETE go to `cb`. Fails (with no callback ever)
/// when `cb` is NULL.
pub(crate) fn start_async<F, Fut>(cb: fastgpt_event_cb, userdata: *mut c_void, op: F) -> Result<(), Error>
where
    F: FnOnce(Arc<runtime::Mailbox>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Error>> + Send + 'static,
{
    let mut callback = callback_arg(cb, userdata)?;
    runtime::spawn_op(op, move |msg| callback.handle(msg))
}

/// Runs an operation that sends events (a stream, an upload) on the runtime while its events go to
/// `cb` (if any) on this thread; returns its result.
pub(crate) fn run_with_events<F, Fut>(cb: fastgpt_event_cb, userdata: *mut c_void, op: F) -> Result<Response, Error>
where
    F: FnOnce(Arc<runtime::Mailbox>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Error>> + Send + 'static,
{
    let mut callback = cb.map(|cb| Callback::new(cb, userdata));
    runtime::run_blocking(op, |ev| callback.as_mut().map_or(Flow::Continue, |c| c.event(ev)))
}

/// # Safety
/// Pointer arguments as documented on `fastgpt_stream_chat_completion`; `endpoint` is a stream.
pub(crate) unsafe fn stream_blocking(
    client: *const fastgpt_client,
    endpoint: &'static Endpoint,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let client = Arc::clone(&ref_arg(client, "client")?.inner);
        let (prepared, options) = stream_request(endpoint, request_json)?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let resp = run_with_events(cb, userdata, move |mailbox| client.stream(prepared, options, cancel, mailbox))?;
        if !out_response.is_null() {
            *out_response = fastgpt_response::into_raw(resp);
        }
        Ok(())
    })
}

/// # Safety
/// Pointer arguments as documented on `fastgpt_stream_chat_completion_async`; `endpoint` is a stream.
pub(crate) unsafe fn stream_async(
    client: *const fastgpt_client,
    endpoint: &'static Endpoint,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let client = Arc::clone(&ref_arg(client, "client")?.inner);
        let (prepared, options) = stream_request(endpoint, request_json)?;
        let cancel = fastgpt_cancel::token_of(cancel);
        start_async(cb, userdata, move |mailbox| client.stream(prepared, options, cancel, mailbox))
    })
}

unsafe fn stream_request(endpoint: &Endpoint, request_json: *const c_char) -> Result<(Prepared, StreamOptions), Error> {
    let text = str_arg(request_json, "request_json")?;
    let request = endpoints::parse_request(Some(text))?;
    let options = StreamOptions::from_request(&request);
    Ok((endpoint.prepare(request)?, options))
}
