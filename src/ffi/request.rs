//! The escape hatch: any FastGPT endpoint the table does not wrap yet, with the same auth,
//! retries and error classification.

use std::ffi::{c_char, c_void};

use super::call::{unary_async, unary_blocking};
use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::event::fastgpt_event_cb;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use super::{opt_str_arg, str_arg};
use crate::endpoints;

/// The escape hatch: calls any FastGPT endpoint not wrapped yet, with the same auth, retries and
/// error classification. `method` is "GET", "POST", "PUT" or "DELETE"; `path` starts with `/api/`
/// (no query string). `request_json` (NULL means `{}`) goes in the query for GET and DELETE, as
/// the JSON body for POST and PUT. GET, PUT and DELETE are retried like idempotent reads, POST is
/// not re-sent once it may have reached the server. The result is the envelope's `data` when the
/// answer is a FastGPT envelope, else the whole body.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_request(
    client: *const fastgpt_client,
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || custom_request(method, path, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_request`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_request_async(
    client: *const fastgpt_client,
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || custom_request(method, path, request_json), cancel, cb, userdata, out_err)
}

unsafe fn custom_request(
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
) -> Result<endpoints::Prepared, crate::Error> {
    let method = str_arg(method, "method")?;
    let path = str_arg(path, "path")?;
    let request = endpoints::parse_request(opt_str_arg(request_json, "request_json")?)?;
    endpoints::prepare_custom(method, path, request)
}
