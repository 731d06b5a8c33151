//! `fastgpt_cancel`: a cancellation token made before a call and triggered from any thread.

use tokio_util::sync::CancellationToken;

/// A cancellation token. Thread-safe. Pass it to any number of calls; triggering it cancels all of
/// them (they end with `FASTGPT_ERR_CANCELLED`). Freeing it while calls still use it is safe: they
/// keep their own reference.
pub struct fastgpt_cancel {
    pub(crate) token: CancellationToken,
}

impl fastgpt_cancel {
    /// The token of an optional `fastgpt_cancel *` argument.
    ///
    /// # Safety
    /// `ptr` is NULL or a live token from `fastgpt_cancel_new`.
    pub(crate) unsafe fn token_of(ptr: *const fastgpt_cancel) -> Option<CancellationToken> {
        ptr.as_ref().map(|c| c.token.clone())
    }
}

/// A new, untriggered token. Free it with `fastgpt_cancel_free`.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_new() -> *mut fastgpt_cancel {
    Box::into_raw(Box::new(fastgpt_cancel { token: CancellationToken::new() }))
}

/// Triggers the token: every call using it ends with `FASTGPT_ERR_CANCELLED` as soon as possible
/// (a blocking call returns, an async call delivers its COMPLETE). Idempotent; callable from any
/// thread, including from inside a callback. NULL is a no-op.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_trigger(cancel: *const fastgpt_cancel) {
    // SAFETY: NULL or a live token.
    if let Some(c) = unsafe { cancel.as_ref() } {
        c.token.cancel();
    }
}

/// Whether the token was triggered. False for NULL.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_is_triggered(cancel: *const fastgpt_cancel) -> bool {
    // SAFETY: NULL or a live token.
    unsafe { cancel.as_ref() }.is_some_and(|c| c.token.is_cancelled())
}

/// Frees the token. Calls still using it are unaffected. NULL is a no-op.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_free(cancel: *mut fastgpt_cancel) {
    if !cancel.is_null() {
        // SAFETY: a pointer from fastgpt_cancel_new, freed once (the caller's promise).
        drop(unsafe { Box::from_raw(cancel) });
    }
}
