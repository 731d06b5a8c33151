//! The C ABI: a thin layer over the core. Each function checks its pointers, converts C strings,
//! runs the core behind one panic boundary, and writes its outputs only on success.
//!
//! Layout (one file per C object): [`status`] (status and event constants, version),
//! [`client`] (also derived clients), [`log`] (levels and the log callback), [`response`] and
//! [`error`] (both keep their answer's [`headers`]), [`cancel`], [`operation`] (pause/resume handle of an async operation), [`event`] (the event
//! struct, callbacks and their return codes), [`endpoints`] (generated from the endpoint table: one
//! blocking and one async function per endpoint, both streaming functions per stream), [`upload`]
//! (file uploads), [`request`] (the escape hatch), [`call`] (the bodies those functions share:
//! blocking, async and streaming calls) and [`endpoint_registry`] (the generated functions by name,
//! for tests).

#![allow(non_camel_case_types)]
// Every exported function takes raw pointers from C and checks them (NULL) itself; the pointer
// requirements are stated once, in the header's conventions and each function's doc comment.
#![allow(clippy::not_unsafe_ptr_arg_deref, clippy::missing_safety_doc)]
// C signatures are flat (no structs by value, Swift-friendly), so the bodies behind them are too.
#![allow(clippy::too_many_arguments)]

pub mod call;
pub mod cancel;
pub mod client;
pub mod endpoint_registry;
pub mod endpoints;
pub mod error;
pub mod event;
mod headers;
pub mod log;
pub mod operation;
pub mod request;
pub mod response;
pub mod status;
pub mod upload;

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, ErrorKind};
use error::fastgpt_error;
pub use status::*;

/// Runs `body` behind the panic boundary; on failure stores the error in `*out_err` (if given)
/// and returns its status.
pub(crate) fn boundary(out_err: *mut *mut fastgpt_error, body: impl FnOnce() -> Result<(), Error>) -> fastgpt_status {
    // A forked child is refused before the body runs: even cloning a cancel token takes a lock
    // that a parent thread may have held at the fork.
    let result = catch_unwind(AssertUnwindSafe(|| {
        crate::runtime::check_fork()?;
        body()
    }))
    .unwrap_or_else(|_| Err(Error::new(ErrorKind::Panic, "internal panic in libfastgpt (please report it)")));
    match result {
        Ok(()) => FASTGPT_OK,
        Err(err) => {
            let status = err.kind as fastgpt_status;
            if !out_err.is_null() {
                // SAFETY: the caller passes either NULL or a writable `fastgpt_error *` slot.
                unsafe { *out_err = fastgpt_error::into_raw(err) };
            }
            status
        }
    }
}

/// A required NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::new(ErrorKind::NullArgument, format!("{name} is NULL")));
    }
    CStr::from_ptr(ptr).to_str().map_err(|e| {
        Error::new(ErrorKind::InvalidUtf8, format!("{name} is not valid UTF-8 (byte {})", e.valid_up_to()))
    })
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        str_arg(ptr, name).map(Some)
    }
}

/// A required object pointer.
///
/// # Safety
/// `ptr` is NULL or a live object of this library.
pub(crate) unsafe fn ref_arg<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    ptr.as_ref().ok_or_else(|| Error::new(ErrorKind::NullArgument, format!("{name} is NULL")))
}

/// Checks an output slot before any work is done, so a NULL slot never wastes a request.
pub(crate) fn out_arg<T>(ptr: *mut *mut T, name: &str) -> Result<(), Error> {
    if ptr.is_null() {
        Err(Error::new(ErrorKind::NullArgument, format!("{name} is NULL")))
    } else {
        Ok(())
    }
}

/// Bytes with a NUL appended, so C can use them as a string as well as with their length.
pub(crate) fn nul_terminated(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.push(0);
    bytes
}
