//! Events and callbacks: the `fastgpt_event` struct, the callback type and its return codes, and
//! how core deliveries become callback calls.

use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use super::error::{fastgpt_error, fastgpt_error_code};
use super::operation::fastgpt_operation;
use super::response::fastgpt_response;
use super::status::*;
use crate::delivery::{Delivery, Flow};
use crate::error::{Error, ErrorKind};
use crate::events::{EventKind, StreamEvent};
use crate::response::Response;

/// A callback return value: go on with the next event.
pub const FASTGPT_CB_CONTINUE: i32 = 0;

/// A callback return value (async operations only): pause the operation. The event just delivered
/// is kept and handed to the callback again, first, once `fastgpt_operation_resume` is called.
/// Until then no callback of this operation runs, no thread waits for it and its connection is no
/// longer read once its buffer is full (the server is slowed by TCP backpressure). The same value
/// as libcurl's CURL_WRITEFUNC_PAUSE. See `fastgpt_operation_resume`.
pub const FASTGPT_CB_PAUSE: i32 = 0x1000_0001;

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
    /// Async operations: the operation this event belongs to, borrowed for the callback; keep it
    /// with `fastgpt_operation_retain` to resume it later (see FASTGPT_CB_PAUSE). NULL in blocking
    /// calls. (The last member, added after 0.1.0: code built against the older struct still works.)
    pub operation: *const fastgpt_operation,
    /// UPLOAD_PROGRESS: bytes of the file sent so far, and the file's size. 0 for other kinds.
    /// (Added after 0.1.0, after `operation`.)
    pub upload_sent: u64,
    pub upload_total: u64,
}

/// Receives the events of an operation. Return FASTGPT_CB_CONTINUE (0) to go on,
/// FASTGPT_CB_PAUSE to pause an async operation, any other value to abort it (the operation then
/// ends with `FASTGPT_ERR_ABORTED_BY_CALLBACK`). The return value of COMPLETE is ignored.
///
/// The callback contract:
/// 1. `userdata` comes first; every pointer in the event is valid only during the callback.
/// 2. Events of one operation arrive in order, one at a time, never re-entrantly inside a fastgpt
///    call on the same thread. Async callbacks run on library threads that are not I/O workers, so
///    a callback may block or call blocking fastgpt functions.
/// 3. An async start that returns FASTGPT_OK gets exactly one COMPLETE, always last, whatever the
///    outcome (success, error, cancel, callback abort, client freed, panic). After COMPLETE returns
///    the library never touches `userdata` again. A start that fails makes no callback at all.
/// 4. Returning FASTGPT_CB_PAUSE pauses an async operation until `fastgpt_operation_resume`; in a
///    blocking stream it is not supported: the stream stops and the call returns
///    `FASTGPT_ERR_INVALID_ARGUMENT`. Any other non-zero value aborts the operation
///    (FASTGPT_ERR_ABORTED_BY_CALLBACK).
/// 5. The library holds no lock while calling back; a callback may trigger cancels, resume other
///    operations, start calls, or free the client.
/// 6. Once `fastgpt_cancel_trigger` (on the operation's token) or `fastgpt_client_free` has
///    returned, the operation delivers no further event but its COMPLETE (FASTGPT_ERR_CANCELLED,
///    unless it had already ended otherwise), also when it is paused.
/// 7. A slow callback slows only its own operation: the stream is read through a bounded buffer
///    (1 MiB of events), so memory stays bounded and the server is slowed by TCP backpressure.
/// 8. Threads: async callbacks of one client run on at most `callback_threads` library threads
///    (client config, default 4), started when needed and ended after 10 s without work. A
///    callback that blocks holds the thread it runs on; while all of them are held, the client's
///    other async operations wait for one (their streams stop being read when their buffer is
///    full; nothing is lost or reordered). So a callback must not wait for another async callback
///    of the same client unless `callback_threads` leaves one free: a consumer that cannot keep up
///    should return FASTGPT_CB_PAUSE instead of blocking. The process's library threads are at most
///    the I/O workers (the available CPUs, at least 2 and at most 8), 4 threads for DNS lookups, and
///    each client's callback threads; no library thread wakes up while nothing is happening.
/// 9. Callbacks must not unwind into the library (no C++ exceptions, no longjmp).
pub type fastgpt_event_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const fastgpt_event) -> i32>;

/// Test hooks (not part of the C API): make building an event or the COMPLETE for the callback
/// with this userdata panic once, as a bug in the library would.
#[doc(hidden)]
pub mod test_hooks {
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub static PANIC_BUILDING_EVENT: AtomicUsize = AtomicUsize::new(0);
    pub static PANIC_BUILDING_COMPLETE: AtomicUsize = AtomicUsize::new(0);

    pub(crate) fn check(hook: &AtomicUsize, userdata: *mut std::ffi::c_void) {
        let key = userdata as usize;
        if key != 0 && hook.compare_exchange(key, 0, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            panic!("test hook: panic while building a callback's event");
        }
    }
}

/// A callback and its userdata, moved to the thread that calls it.
pub(crate) struct Callback {
    cb: unsafe extern "C" fn(*mut c_void, *const fastgpt_event) -> i32,
    userdata: *mut c_void,
    /// NUL-terminated copies of the current event's strings, reused from event to event so a
    /// stream allocates nothing here per event.
    scratch: [Vec<u8>; 3],
    /// The operation handle that async events carry.
    operation: Option<Arc<fastgpt_operation>>,
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

/// What a COMPLETE event points to.
struct Completion {
    status: fastgpt_status,
    response: Option<fastgpt_response>,
    error: Option<fastgpt_error>,
}

impl Completion {
    fn new(result: Result<Response, Error>) -> Completion {
        match result {
            Ok(resp) => Completion { status: FASTGPT_OK, response: Some(fastgpt_response::new(resp)), error: None },
            Err(err) => {
                Completion { status: err.kind as fastgpt_status, response: None, error: Some(fastgpt_error::new(err)) }
            }
        }
    }

    /// The COMPLETE of an operation whose real one could not be built.
    fn panicked() -> Completion {
        let err =
            Error::new(ErrorKind::Panic, "internal panic in libfastgpt while building the result (please report it)");
        Completion { status: FASTGPT_ERR_PANIC, response: None, error: Some(fastgpt_error::new(err)) }
    }
}

impl Callback {
    pub(crate) fn new(
        cb: unsafe extern "C" fn(*mut c_void, *const fastgpt_event) -> i32,
        userdata: *mut c_void,
    ) -> Callback {
        Callback { cb, userdata, scratch: Default::default(), operation: None }
    }

    /// The callback of an async operation: its events carry `operation`.
    pub(crate) fn with_operation(mut self, operation: Arc<fastgpt_operation>) -> Callback {
        self.operation = Some(operation);
        self
    }

    fn operation_ptr(&self) -> *const fastgpt_operation {
        self.operation.as_ref().map_or(std::ptr::null(), Arc::as_ptr)
    }

    pub(crate) fn event(&mut self, ev: &mut StreamEvent) -> Flow {
        test_hooks::check(&test_hooks::PANIC_BUILDING_EVENT, self.userdata);
        let operation = self.operation_ptr();
        let [name_buf, text_buf, reasoning_buf] = &mut self.scratch;
        let (name, name_len) = c_copy(name_buf, ev.name.as_bytes());
        // NUL-terminate the data in place for the call (the SSE parser leaves room for it), and take
        // the NUL off again: a paused event is handed over once more.
        let data_len = ev.data.len();
        ev.data.push(0);
        let data = ev.data.as_ptr().cast::<c_char>();
        let (text_ptr, text_len) = ev.text().map_or((std::ptr::null(), 0), |t| c_copy(text_buf, t.as_bytes()));
        let (reasoning_ptr, reasoning_len) =
            ev.reasoning().map_or((std::ptr::null(), 0), |t| c_copy(reasoning_buf, t.as_bytes()));
        let error = ev.error.as_ref().map(|e| fastgpt_error::new((**e).clone()));
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
            operation,
            upload_sent: ev.progress.map_or(0, |p| p.0),
            upload_total: ev.progress.map_or(0, |p| p.1),
        };
        // SAFETY: a C function pointer given by the caller, with its own userdata.
        let rc = unsafe { (self.cb)(self.userdata, &c_event) };
        ev.data.truncate(data_len);
        match rc {
            FASTGPT_CB_CONTINUE => Flow::Continue,
            FASTGPT_CB_PAUSE => Flow::Pause,
            _ => Flow::Abort,
        }
    }

    /// Delivers the COMPLETE: exactly one call, even if building it panics.
    pub(crate) fn complete(&mut self, result: Result<Response, Error>) {
        let userdata = self.userdata;
        let completion = catch_unwind(AssertUnwindSafe(|| {
            test_hooks::check(&test_hooks::PANIC_BUILDING_COMPLETE, userdata);
            Completion::new(result)
        }))
        .unwrap_or_else(|_| Completion::panicked());
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
            status: completion.status,
            response: completion.response.as_ref().map_or(std::ptr::null(), |r| r as *const _),
            error: completion.error.as_ref().map_or(std::ptr::null(), |e| e as *const _),
            operation: self.operation_ptr(),
            upload_sent: 0,
            upload_total: 0,
        };
        // SAFETY: as above.
        unsafe { (self.cb)(self.userdata, &c_event) };
    }

    /// The handler of an async operation.
    pub(crate) fn handle(&mut self, delivery: Delivery<'_>) -> Flow {
        match delivery {
            Delivery::Event(ev) => self.event(ev),
            Delivery::Complete(result) => {
                self.complete(result);
                Flow::Continue
            }
        }
    }
}
