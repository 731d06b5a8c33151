//! The bodies of the C entry points that run an operation: blocking and async unary calls and
//! streams. The `extern "C"` functions (src/ffi/endpoints.rs) are one-line calls into these.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::event::{fastgpt_event_cb, Callback};
use super::operation::fastgpt_operation;
use super::response::fastgpt_response;
use super::status::*;
use super::{boundary, out_arg, ref_arg, str_arg};
use crate::client::StreamOptions;
use crate::delivery::{self, Flow, Handler, Mailbox};
use crate::endpoints::{self, Endpoint, Prepared};
use crate::error::{Error, ErrorKind};
use crate::response::Response;

/// Parses and checks `request_json` for `endpoint`, before any I/O.
///
/// # Safety
/// `request_json` is NULL or NUL-terminated.
pub(crate) unsafe fn endpoint_request(endpoint: &Endpoint, request_json: *const c_char) -> Result<Prepared, Error> {
    let text = str_arg(request_json, "request_json")?;
    endpoint.prepare(endpoints::parse_request(Some(text))?)
}

/// The tokens after whose cancel an operation delivers nothing but its COMPLETE.
pub(crate) fn stop_tokens(client: &fastgpt_client, cancel: &Option<CancellationToken>) -> Vec<CancellationToken> {
    let mut stop = vec![client.freed.clone()];
    stop.extend(cancel.iter().cloned());
    stop
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
        // On this thread when it can (no thread switch, see crate::local), else on the I/O runtime.
        let resp = match crate::local::run_here(move || client.call(prepared, cancel)) {
            Ok(result) => result?,
            Err(call) => delivery::run_blocking(Vec::new(), move |_| call(), |_| Flow::Continue)?,
        };
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
        let c_client = ref_arg(client, "client")?;
        let client = Arc::clone(&c_client.inner);
        let prepared = prepare()?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let stop = stop_tokens(c_client, &cancel);
        start_async(c_client, stop, cb, userdata, move |_| client.call(prepared, cancel))
    })
}

/// Starts an async operation whose events and COMPLETE go to `cb` on the client's callback
/// threads. Fails (with no callback ever) when `cb` is NULL.
pub(crate) fn start_async<F, Fut>(
    client: &fastgpt_client,
    stop: Vec<CancellationToken>,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    op: F,
) -> Result<(), Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Error>> + Send + 'static,
{
    let cb = cb.ok_or_else(|| Error::new(ErrorKind::NullArgument, "cb is NULL"))?;
    let callback = Callback::new(cb, userdata);
    delivery::spawn_op(&client.callbacks, stop, op, move |mailbox| -> Handler {
        let mut callback = callback.with_operation(fastgpt_operation::new(mailbox));
        Box::new(move |delivery| callback.handle(delivery))
    })
    .map(drop)
}

/// Runs an operation that sends events (a stream, an upload) while its events go to `cb` (if
/// any) on this thread; returns its result.
pub(crate) fn run_with_events<F, Fut>(
    stop: Vec<CancellationToken>,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    op: F,
) -> Result<Response, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Error>> + Send + 'static,
{
    let mut callback = cb.map(|cb| Callback::new(cb, userdata));
    delivery::run_blocking(stop, op, |ev| callback.as_mut().map_or(Flow::Continue, |c| c.event(ev)))
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
        let c_client = ref_arg(client, "client")?;
        let client = Arc::clone(&c_client.inner);
        let (prepared, options) = stream_request(endpoint, request_json)?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let stop = stop_tokens(c_client, &cancel);
        let resp =
            run_with_events(stop, cb, userdata, move |mailbox| client.stream(prepared, options, cancel, mailbox))?;
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
        let c_client = ref_arg(client, "client")?;
        let client = Arc::clone(&c_client.inner);
        let (prepared, options) = stream_request(endpoint, request_json)?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let stop = stop_tokens(c_client, &cancel);
        start_async(c_client, stop, cb, userdata, move |mailbox| client.stream(prepared, options, cancel, mailbox))
    })
}

unsafe fn stream_request(endpoint: &Endpoint, request_json: *const c_char) -> Result<(Prepared, StreamOptions), Error> {
    let text = str_arg(request_json, "request_json")?;
    let request = endpoints::parse_request(Some(text))?;
    let options = StreamOptions::from_request(&request);
    Ok((endpoint.prepare(request)?, options))
}
