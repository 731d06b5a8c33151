//! `fastgpt_cancel`: a cancellation token made before a call and triggered from any thread.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use crate::runtime::is_forked_child;

/// A cancellation token. Thread-safe. Pass it to any number of calls; triggering it cancels all of
/// them (they end with `FASTGPT_ERR_CANCELLED`). Freeing it while calls still use it is safe: they
/// keep their own reference.
pub struct fastgpt_cancel {
    pub(crate) token: CancellationToken,
    /// Set by `fastgpt_cancel_trigger`: read without the token's lock (a forked child may not take it).
    triggered: AtomicBool,
}

impl fastgpt_cancel {
    /// The token of an optional `fastgpt_cancel *` argument.
    ///
    /// # Safety
    /// `ptr` is NULL or a live token from `fastgpt_cancel_new`.
    pub(crate) unsafe fn token_of(ptr: *const fastgpt_cancel) -> Option<CancellationToken> {
        // Cloning takes the token tree's lock, which a forked child may not (see `boundary`).
        if is_forked_child() {
            return None;
        }
        ptr.as_ref().map(|c| c.token.clone())
    }
}

/// A new, untriggered token. Free it with `fastgpt_cancel_free`.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_new() -> *mut fastgpt_cancel {
    Box::into_raw(Box::new(fastgpt_cancel { token: CancellationToken::new(), triggered: AtomicBool::new(false) }))
}

/// Triggers the token: every call using it ends with `FASTGPT_ERR_CANCELLED` as soon as possible
/// (a blocking call returns, an async call delivers its COMPLETE); once it has returned, they
/// deliver no further event but their COMPLETE. Idempotent; callable from any thread, including
/// from inside a callback. NULL is a no-op. In a child forked after the library started it only
/// marks the token triggered (the calls it could stop live in the parent).
#[no_mangle]
pub extern "C" fn fastgpt_cancel_trigger(cancel: *const fastgpt_cancel) {
    // SAFETY: NULL or a live token.
    if let Some(c) = unsafe { cancel.as_ref() } {
        c.triggered.store(true, Ordering::SeqCst);
        if !is_forked_child() {
            c.token.cancel();
            crate::delivery::stop_epoch_bump();
        }
    }
}

/// Whether the token was triggered. False for NULL.
#[no_mangle]
pub extern "C" fn fastgpt_cancel_is_triggered(cancel: *const fastgpt_cancel) -> bool {
    // SAFETY: NULL or a live token.
    unsafe { cancel.as_ref() }.is_some_and(|c| c.triggered.load(Ordering::SeqCst))
}

/// Frees the token. Calls still using it are unaffected. NULL is a no-op. In a child forked after
/// the library started the token is leaked instead (freeing takes a lock the parent's threads share).
#[no_mangle]
pub extern "C" fn fastgpt_cancel_free(cancel: *mut fastgpt_cancel) {
    if !cancel.is_null() && !is_forked_child() {
        // SAFETY: a pointer from fastgpt_cancel_new, freed once (the caller's promise).
        drop(unsafe { Box::from_raw(cancel) });
    }
}
