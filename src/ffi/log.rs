//! Logs: the `FASTGPT_LOG_*` levels and a client's log callback, adapted to the core's sink.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::{boundary, ref_arg, status::fastgpt_status};
use crate::error::Error;
use crate::log::{Level, Sink};

/// No line is delivered.
pub const FASTGPT_LOG_OFF: i32 = 0;
/// A call failed: the attempt or stream that ended it (the caller also gets the error).
pub const FASTGPT_LOG_ERROR: i32 = 1;
/// An attempt that is retried; a risky configuration (TLS verification off, a key over plain http).
pub const FASTGPT_LOG_WARN: i32 = 2;
/// One line per successful request attempt, each stream's end, the client's configuration.
pub const FASTGPT_LOG_INFO: i32 = 3;
/// Also: stream starts, the end of every unary call, derived clients.
pub const FASTGPT_LOG_DEBUG: i32 = 4;
/// Also: request and response bodies and stream data (the API key redacted). Verbose.
pub const FASTGPT_LOG_TRACE: i32 = 5;

/// Receives one log line of a client (see `fastgpt_client_set_log_callback`).
///
/// `level` is a `FASTGPT_LOG_*` value (ERROR to TRACE). `message` is one line of UTF-8 text,
/// NUL-terminated, without a trailing newline, valid only during the call. Must not throw or
/// longjmp.
pub type fastgpt_log_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, level: i32, message: *const c_char)>;

/// Releases a callback's `userdata` once the library will not use it again.
pub type fastgpt_free_cb = Option<unsafe extern "C" fn(userdata: *mut c_void)>;

/// The C callback as the core's sink. Dropping it (the last client or line that used it is gone)
/// calls `free_userdata`.
struct CallbackSink {
    cb: unsafe extern "C" fn(*mut c_void, i32, *const c_char),
    userdata: *mut c_void,
    free_userdata: fastgpt_free_cb,
}

// SAFETY: the documented contract: the callback and its userdata may be used from any thread,
// at the same time from several.
unsafe impl Send for CallbackSink {}
unsafe impl Sync for CallbackSink {}

impl CallbackSink {
    fn deliver(&self, level: Level, message: &str) {
        // A NUL inside a message (from a server's text) would cut the C string short: shown escaped.
        let text = CString::new(message)
            .unwrap_or_else(|_| CString::new(message.replace('\0', "\\u{0}")).expect("no NUL left after escaping"));
        // SAFETY: a function pointer and userdata from the embedder, called as documented.
        unsafe { (self.cb)(self.userdata, level as i32, text.as_ptr()) };
    }
}

impl Drop for CallbackSink {
    fn drop(&mut self) {
        if let Some(free) = self.free_userdata {
            // SAFETY: called exactly once, when no line can reach `cb` any more (documented).
            unsafe { free(self.userdata) };
        }
    }
}

/// Sends `client`'s log lines up to `level` to `log_cb` instead of stderr.
///
/// Where lines go by default: every client logs to stderr at the level named by the environment
/// variable `FASTGPT_LOG` (`error`, `warn`, `info`, `debug` or `trace`; unset or `off`: nothing),
/// read once per process. The callback is per client, like libcurl's `CURLOPT_DEBUGFUNCTION`, so
/// two parts of one program can log their clients differently; while it is set, this client writes
/// nothing to stderr. `log_cb` NULL puts the client back on stderr at the `FASTGPT_LOG` level
/// (`level`, `userdata` and `free_userdata` are then ignored). `level` is the most verbose level
/// delivered, `FASTGPT_LOG_OFF` (silence this client, whatever `FASTGPT_LOG` says) to
/// `FASTGPT_LOG_TRACE`; any other value is `FASTGPT_ERR_INVALID_ARGUMENT`. On success the callback
/// at once receives the client's configuration line (INFO: base URL after normalisation, timeouts,
/// retries, header names), the decisions `fastgpt_client_new` made before it could be set.
///
/// What is logged: one line per request attempt (`request method=POST path=/api/...
/// attempt=1 http_status=429 fastgpt_code=- duration_ms=3 outcome=retry wait_ms=250
/// reason="..." error="..."`; `outcome` is `ok` (INFO), `retry` (WARN) or `fail` (ERROR), with
/// why it is or is not retried; `duration_ms` runs to the response headers), `stream start`
/// (DEBUG) and `stream end` (`events= bytes= duration_ms= result=ok` or `result=error status=N
/// error="..."`; INFO, ERROR on failure), `call end` of unary calls (DEBUG), `client` and
/// `derived client` configuration (INFO, DEBUG), and at TRACE `request body`, `response body` and
/// `stream data` (each cut at 16 KiB). Lines are logfmt: `event key=value ...`, text values quoted
/// and escaped, so a line is always one line. The API key and header values never appear (every
/// line is scrubbed of the key); bodies only at TRACE. With logging off, a log site costs one
/// atomic load.
///
/// Threads: `log_cb` is called on library threads and on callers' threads, for concurrent operations
/// from several threads at once, so it must be thread-safe; the lines of one operation arrive in
/// order. No library lock is held while it runs, but it delays the operation that logs (and others
/// on the same I/O thread): keep it short, and call no libfastgpt function from it except
/// `fastgpt_cancel_trigger`, `fastgpt_cancel_is_triggered`, `fastgpt_status_str` and
/// `fastgpt_version`. This function itself is thread-safe and may be called at any time, also
/// while calls are in flight: they switch to the new callback between two lines.
///
/// Lifetime of `userdata`: the library keeps it until it drops this callback, and then calls
/// `free_userdata(userdata)` exactly once (if `free_userdata` is not NULL), on any thread, possibly
/// inside `fastgpt_client_set_log_callback` or `fastgpt_client_free`. That happens when the callback
/// is replaced (by another call of this function) and no line in progress still uses it, or when
/// this client, every client derived from it while it was set (`fastgpt_client_with` copies the
/// parent's callback), and all their operations are gone. After `free_userdata` the library never
/// calls `log_cb` with `userdata` again. Without `free_userdata`, keep `userdata` valid until then.
/// A call that fails keeps nothing (and does not call `free_userdata`).
#[no_mangle]
pub extern "C" fn fastgpt_client_set_log_callback(
    client: *const fastgpt_client,
    level: i32,
    log_cb: fastgpt_log_cb,
    userdata: *mut c_void,
    free_userdata: fastgpt_free_cb,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        // SAFETY: NULL or a live client (the caller's promise).
        let client = unsafe { ref_arg(client, "client") }?;
        let logger = client.inner.logger();
        let Some(cb) = log_cb else {
            logger.set_sink(crate::log::OFF, None);
            return Ok(());
        };
        let level = u8::try_from(level)
            .ok()
            .filter(|l| *l == crate::log::OFF || Level::from_u8(*l).is_some())
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "level {level} is not a FASTGPT_LOG_* value ({FASTGPT_LOG_OFF} to {FASTGPT_LOG_TRACE})"
                ))
            })?;
        let sink = CallbackSink { cb, userdata, free_userdata };
        let sink: Arc<Sink> = Arc::new(move |level, message: &str| sink.deliver(level, message));
        logger.set_sink(level, Some(sink));
        crate::log::config_decisions(logger, client.inner.config());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_equal_the_core_levels() {
        assert_eq!(FASTGPT_LOG_OFF, crate::log::OFF as i32);
        let pairs = [
            (FASTGPT_LOG_ERROR, Level::Error),
            (FASTGPT_LOG_WARN, Level::Warn),
            (FASTGPT_LOG_INFO, Level::Info),
            (FASTGPT_LOG_DEBUG, Level::Debug),
            (FASTGPT_LOG_TRACE, Level::Trace),
        ];
        assert_eq!(pairs.len(), Level::ALL.len());
        for (c, l) in pairs {
            assert_eq!(c, l as i32, "{l:?}");
        }
    }
}
