//! `fastgpt_error`: status, message, HTTP status, FastGPT code, the server's raw body and headers.

use std::ffi::{c_char, CString};

use super::headers::CHeaders;
use super::status::*;
use crate::error::Error;

/// An error. Immutable; every pointer read from it stays valid until `fastgpt_error_free`.
pub struct fastgpt_error {
    inner: Error,
    message: CString,
    /// The raw body with a NUL appended.
    body: Option<Vec<u8>>,
    headers: CHeaders,
}

impl fastgpt_error {
    pub(crate) fn new(inner: Error) -> fastgpt_error {
        // A server-provided message could hold a NUL; C would see it cut short.
        let message = CString::new(inner.message.replace('\0', "\u{fffd}")).expect("NULs replaced");
        let body = inner.body.clone().map(super::nul_terminated);
        let headers = inner.headers.as_deref().map(CHeaders::new).unwrap_or_default();
        fastgpt_error { inner, message, body, headers }
    }

    pub(crate) fn into_raw(inner: Error) -> *mut fastgpt_error {
        Box::into_raw(Box::new(fastgpt_error::new(inner)))
    }
}

/// The error's status (`FASTGPT_ERR_*`); `FASTGPT_ERR_NULL_ARGUMENT` for NULL.
#[no_mangle]
pub extern "C" fn fastgpt_error_code(err: *const fastgpt_error) -> fastgpt_status {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map_or(FASTGPT_ERR_NULL_ARGUMENT, |e| e.inner.kind as fastgpt_status)
}

/// A human-readable message (UTF-8, NUL-terminated, never NULL; "" for a NULL `err`).
/// It never contains the API key. Valid until `fastgpt_error_free(err)`.
#[no_mangle]
pub extern "C" fn fastgpt_error_message(err: *const fastgpt_error) -> *const c_char {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
}

/// The HTTP status of the answer that caused the error, 0 if there was none (e.g. connect errors).
#[no_mangle]
pub extern "C" fn fastgpt_error_http_status(err: *const fastgpt_error) -> i32 {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map_or(0, |e| i32::from(e.inner.http_status))
}

/// FastGPT's envelope `code` (e.g. 514, 500004), 0 if there was none.
#[no_mangle]
pub extern "C" fn fastgpt_error_api_code(err: *const fastgpt_error) -> i64 {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map_or(0, |e| e.inner.api_code)
}

/// The server's raw body (capped at 64 KiB), NUL-terminated, or NULL if there was none.
/// `*len` (if `len` is not NULL) receives its length without the NUL (0 when NULL is returned).
#[no_mangle]
pub extern "C" fn fastgpt_error_body(err: *const fastgpt_error, len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live error from this library.
    let body = unsafe { err.as_ref() }.and_then(|e| e.body.as_deref());
    if !len.is_null() {
        // SAFETY: the caller passes NULL or a writable size_t.
        unsafe { *len = body.map_or(0, |b| b.len() - 1) };
    }
    body.map_or(std::ptr::null(), |b| b.as_ptr().cast())
}

/// The value of header `name` of the answer that caused the error (case-insensitive; the first if
/// repeated), e.g. `Retry-After` after `FASTGPT_ERR_RATE_LIMITED` or `FASTGPT_ERR_BUSY`, or a
/// request id to report. NULL when the error came with no answer (connect errors, timeouts, bad
/// arguments), when the answer had no such header, or when `err` or `name` is NULL. Of a call that
/// was retried, the last answer's. For a stream that failed after it started, the stream's
/// response headers. Valid until `fastgpt_error_free(err)`.
#[no_mangle]
pub extern "C" fn fastgpt_error_header(err: *const fastgpt_error, name: *const c_char) -> *const c_char {
    // SAFETY: NULL or a live error; NULL or a NUL-terminated name.
    unsafe { err.as_ref().map_or(std::ptr::null(), |e| e.headers.get(name)) }
}

/// Walks the headers of the answer that caused the error (see `fastgpt_error_header`): the value
/// of the `index`th (from 0; a repeated header's values are adjacent), and its name (lower case)
/// in `*out_name` if `out_name` is not NULL. NULL (and `*out_name` NULL) once `index` is past the
/// last, or for a NULL `err`. Valid until `fastgpt_error_free(err)`.
#[no_mangle]
pub extern "C" fn fastgpt_error_header_at(
    err: *const fastgpt_error,
    index: usize,
    out_name: *mut *const c_char,
) -> *const c_char {
    // SAFETY: NULL or a live error; NULL or a writable `const char *` slot.
    unsafe {
        match err.as_ref() {
            Some(e) => e.headers.at(index, out_name),
            None => CHeaders::default().at(0, out_name),
        }
    }
}

/// Frees an error. NULL is a no-op.
#[no_mangle]
pub extern "C" fn fastgpt_error_free(err: *mut fastgpt_error) {
    if !err.is_null() {
        // SAFETY: a pointer this library returned, freed once (the caller's promise).
        drop(unsafe { Box::from_raw(err) });
    }
}
