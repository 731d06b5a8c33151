//! `fastgpt_operation`: the handle of a running async operation, to resume it after its callback
//! paused it (libcurl's `CURL_WRITEFUNC_PAUSE` + `curl_easy_pause` model).

use std::sync::{Arc, Weak};

use super::error::fastgpt_error;
use super::status::fastgpt_status;
use super::{boundary, ref_arg};
use crate::delivery::Mailbox;
use crate::runtime::is_forked_child;

/// An async operation. Every event of an async operation carries one in `event->operation`,
/// borrowed for the callback. To use it later (to resume the operation from another thread),
/// take a reference with `fastgpt_operation_retain` and release it with `fastgpt_operation_free`.
/// A reference stays valid after the operation has ended (calls on it then do nothing), and it
/// does not keep the operation running or its callback's `userdata` in use. Thread-safe.
///
/// Pause and resume, typically for a consumer that reads at its own pace (a queue or channel):
///
/// ```c
/// static int32_t on_event(void *userdata, const fastgpt_event *ev) {
///     struct consumer *c = userdata;
///     if (ev->kind != FASTGPT_EVENT_COMPLETE && queue_full(c)) {
///         c->paused = fastgpt_operation_retain(ev->operation);   // under c's lock
///         return FASTGPT_CB_PAUSE;        // this event comes again after the resume
///     }
///     ...
///     return FASTGPT_CB_CONTINUE;
/// }
/// // Later, on any thread, once the queue has room:
/// fastgpt_operation_resume(c->paused, NULL);
/// fastgpt_operation_free(c->paused);
/// ```
pub struct fastgpt_operation {
    mailbox: Weak<Mailbox>,
}

impl fastgpt_operation {
    pub(crate) fn new(mailbox: &Arc<Mailbox>) -> Arc<fastgpt_operation> {
        Arc::new(fastgpt_operation { mailbox: Arc::downgrade(mailbox) })
    }
}

/// A new reference to `op` (the same pointer), valid until `fastgpt_operation_free`. Use it on
/// the `operation` of an event to keep it beyond the callback. NULL for NULL.
#[no_mangle]
pub extern "C" fn fastgpt_operation_retain(op: *const fastgpt_operation) -> *mut fastgpt_operation {
    if !op.is_null() {
        // SAFETY: a live handle from an event or an earlier retain (the caller's promise).
        unsafe { Arc::increment_strong_count(op) };
    }
    op.cast_mut()
}

/// Resumes an operation whose callback returned FASTGPT_CB_PAUSE: the kept event is delivered
/// again, then the rest, on a library thread (never inside this call). Callable from any thread,
/// also from inside a callback (of this operation or another). A resume that arrives while a
/// callback of this operation is still running (before it returns FASTGPT_CB_PAUSE) undoes that
/// pause, so a consumer may resume as soon as it has room again without a lost wake-up. On an
/// operation that is not paused, or has ended, it does nothing and returns FASTGPT_OK.
///
/// A paused operation is still ended by its cancel token and by `fastgpt_client_free`: it then
/// delivers its COMPLETE (FASTGPT_ERR_CANCELLED) without the kept event. One that is never resumed
/// nor cancelled keeps its connection and buffered events (at most 1 MiB) until its client is
/// freed. Errors: FASTGPT_ERR_NULL_ARGUMENT, FASTGPT_ERR_FORKED.
#[no_mangle]
pub extern "C" fn fastgpt_operation_resume(
    op: *const fastgpt_operation,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        // SAFETY: NULL or a live handle (the caller's promise).
        let op = unsafe { ref_arg(op, "op") }?;
        crate::runtime::check_fork()?;
        if let Some(mailbox) = op.mailbox.upgrade() {
            mailbox.resume();
        }
        Ok(())
    })
}

/// Releases a reference from `fastgpt_operation_retain`. Never affects the operation itself.
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn fastgpt_operation_free(op: *mut fastgpt_operation) {
    // In a forked child: leak it (nothing there may touch what the parent's threads shared).
    if !op.is_null() && !is_forked_child() {
        // SAFETY: a reference from fastgpt_operation_retain, released once (the caller's promise).
        unsafe { Arc::decrement_strong_count(op) };
    }
}
