//! HTTP headers as C strings, for `fastgpt_response_header` and `fastgpt_error_header`.

use std::ffi::{c_char, CStr};

use reqwest::header::HeaderMap;

/// Every header as `name\0value\0` in one buffer (names lower case, as received), so a lookup
/// hands out a pointer that lives as long as the object holding this.
#[derive(Default)]
pub(crate) struct CHeaders {
    buf: Vec<u8>,
    /// Where each header's name and value start in `buf`.
    index: Vec<(usize, usize)>,
}

impl CHeaders {
    pub(crate) fn new(headers: &HeaderMap) -> CHeaders {
        let mut buf = Vec::new();
        let mut index = Vec::with_capacity(headers.len());
        for (name, value) in headers {
            let value = value.as_bytes();
            if value.contains(&0) {
                continue; // not representable as a C string (and not valid HTTP anyway)
            }
            let name_at = buf.len();
            buf.extend_from_slice(name.as_str().as_bytes());
            buf.push(0);
            index.push((name_at, buf.len()));
            buf.extend_from_slice(value);
            buf.push(0);
        }
        CHeaders { buf, index }
    }

    /// The value of header `name` (case-insensitive; the first if repeated), or NULL when there is
    /// none or `name` is NULL or not UTF-8.
    ///
    /// # Safety
    /// `name` is NULL or NUL-terminated.
    pub(crate) unsafe fn get(&self, name: *const c_char) -> *const c_char {
        if name.is_null() {
            return std::ptr::null();
        }
        let Ok(name) = CStr::from_ptr(name).to_str() else { return std::ptr::null() };
        self.index
            .iter()
            .find(|(name_at, value_at)| self.buf[*name_at..value_at - 1].eq_ignore_ascii_case(name.as_bytes()))
            .map_or(std::ptr::null(), |(_, value_at)| self.buf[*value_at..].as_ptr().cast())
    }

    /// The value of the `index`th header (a repeated header's values are adjacent), and its name
    /// (lower case) in `*out_name` if that is not NULL; NULL (and `*out_name` NULL) past the last.
    ///
    /// # Safety
    /// `out_name` is NULL or writable.
    pub(crate) unsafe fn at(&self, index: usize, out_name: *mut *const c_char) -> *const c_char {
        let entry = self.index.get(index);
        if !out_name.is_null() {
            *out_name = entry.map_or(std::ptr::null(), |(name_at, _)| self.buf[*name_at..].as_ptr().cast());
        }
        entry.map_or(std::ptr::null(), |(_, value_at)| self.buf[*value_at..].as_ptr().cast())
    }
}
