//! `fastgpt_response`: the HTTP status, headers and body of a successful call.

use std::ffi::c_char;

use super::headers::CHeaders;
use crate::response::Response;

/// A successful call's result. Immutable; borrowed pointers stay valid until `fastgpt_response_free`.
pub struct fastgpt_response {
    status: u16,
    headers: CHeaders,
    /// The body with a NUL appended.
    body: Vec<u8>,
    /// The envelope's `data` with a NUL appended; None when the result is the whole body.
    data: Option<Vec<u8>>,
}

impl fastgpt_response {
    pub(crate) fn new(resp: Response) -> fastgpt_response {
        let whole = resp.data == (0..resp.body.len());
        // An envelope without `data` (an empty range) has the result `null`, like `"data": null`.
        let data = (!whole).then(|| match resp.data() {
            [] => b"null\0".to_vec(),
            data => super::nul_terminated(data.to_vec()),
        });
        fastgpt_response {
            status: resp.status,
            headers: CHeaders::new(&resp.headers),
            body: super::nul_terminated(resp.body),
            data,
        }
    }

    pub(crate) fn into_raw(resp: Response) -> *mut fastgpt_response {
        Box::into_raw(Box::new(fastgpt_response::new(resp)))
    }
}

fn bytes_out(bytes: &[u8], len: *mut usize) -> *const c_char {
    if !len.is_null() {
        // SAFETY: the caller passes NULL or a writable size_t.
        unsafe { *len = bytes.len() - 1 };
    }
    bytes.as_ptr().cast()
}

/// The HTTP status (e.g. 200); 0 for NULL.
#[no_mangle]
pub extern "C" fn fastgpt_response_status(resp: *const fastgpt_response) -> i32 {
    // SAFETY: NULL or a live response from this library.
    unsafe { resp.as_ref() }.map_or(0, |r| i32::from(r.status))
}

/// The whole body as received (NUL-terminated; `*len` gets its length without the NUL).
/// For a stream, the accumulated answer in the non-stream shape (see
/// `fastgpt_stream_chat_completion`). NULL for a NULL `resp`.
#[no_mangle]
pub extern "C" fn fastgpt_response_body(resp: *const fastgpt_response, len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live response from this library.
    match unsafe { resp.as_ref() } {
        Some(r) => bytes_out(&r.body, len),
        None => null_out(len),
    }
}

/// The result as JSON text: the envelope's `data` for envelope endpoints (the text `null` when
/// `data` is null or absent), the whole body for chat completions and non-envelope answers.
/// NUL-terminated; `*len` gets its length without the NUL. NULL for a NULL `resp`.
#[no_mangle]
pub extern "C" fn fastgpt_response_data(resp: *const fastgpt_response, len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live response from this library.
    match unsafe { resp.as_ref() } {
        Some(r) => bytes_out(r.data.as_deref().unwrap_or(&r.body), len),
        None => null_out(len),
    }
}

/// The value of response header `name` (case-insensitive; the first if repeated), or NULL.
#[no_mangle]
pub extern "C" fn fastgpt_response_header(resp: *const fastgpt_response, name: *const c_char) -> *const c_char {
    // SAFETY: NULL or a live response; NULL or a NUL-terminated name.
    unsafe { resp.as_ref().map_or(std::ptr::null(), |r| r.headers.get(name)) }
}

/// Frees a response. NULL is a no-op.
#[no_mangle]
pub extern "C" fn fastgpt_response_free(resp: *mut fastgpt_response) {
    if !resp.is_null() {
        // SAFETY: a pointer this library returned, freed once (the caller's promise).
        drop(unsafe { Box::from_raw(resp) });
    }
}

fn null_out(len: *mut usize) -> *const c_char {
    if !len.is_null() {
        // SAFETY: the caller passes NULL or a writable size_t.
        unsafe { *len = 0 };
    }
    std::ptr::null()
}
