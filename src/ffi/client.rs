//! `fastgpt_client`: configuration, connection pool and the scope of its operations.

use std::ffi::c_char;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::error::fastgpt_error;
use super::{boundary, opt_str_arg, out_arg, ref_arg, status::fastgpt_status};
use crate::config::{Config, Overrides};
use crate::delivery::CallbackPool;
use crate::error::{Error, ErrorKind};
use crate::runtime::{check_fork, is_forked_child};
use crate::Client;

/// A client. Thread-safe: any number of threads may use one `const fastgpt_client *` at once.
pub struct fastgpt_client {
    pub(crate) inner: Arc<Client>,
    /// The threads that run this client's async callbacks.
    pub(crate) callbacks: Arc<CallbackPool>,
    /// Cancelled first thing in `fastgpt_client_free`: no event is delivered after it returns.
    pub(crate) freed: CancellationToken,
}

/// Creates a client from `config_json` (NULL means `{}`). All keys are optional:
///
/// | key | default |
/// |---|---|
/// | `base_url` | `$FASTGPT_BASE_URL`, else `http://localhost:3000`; `https://host`, `.../api` and `.../api/v1` are all accepted |
/// | `api_key` | `$FASTGPT_API_KEY`; sent as `Authorization: Bearer` |
/// | `timeout_ms` | 600000: a whole unary call including retries; a stream until its headers |
/// | `connect_timeout_ms` | 10000 |
/// | `stream_idle_timeout_ms` | 60000: longest silence between two reads of a stream |
/// | `max_retries` | 2 (so at most 3 requests) |
/// | `max_retry_delay_ms` | 60000: a longer server-requested Retry-After is not waited for |
/// | `headers` | `{}`: extra headers for every request (not `Authorization`) |
/// | `user_agent` | `libfastgpt/<version>` |
/// | `proxy` | none (environment proxies are not used) |
/// | `max_event_bytes` | 16777216: a larger SSE event fails the stream with `FASTGPT_ERR_DECODE` |
/// | `max_response_bytes` | 67108864: a larger unary body fails with `FASTGPT_ERR_DECODE` |
/// | `ca_cert_pem` | none: extra trusted root certificates (PEM text), checked here; the system's roots are read at the first https connection, not here |
/// | `danger_accept_invalid_certs` | false: true turns off TLS certificate verification |
/// | `callback_threads` | 4 (1..256): most threads running this client's async callbacks at once (see `fastgpt_event_cb`, rule 8); shared with the clients derived from it |
///
/// Unknown keys are an error (`FASTGPT_ERR_INVALID_ARGUMENT`), so a typo is never ignored.
/// No network I/O happens here. On success `*out_client` receives the client.
/// It logs to stderr if the environment variable `FASTGPT_LOG` says so, or to a callback
/// (`fastgpt_client_set_log_callback`); per-call settings: `fastgpt_client_with`.
///
/// Threads and connections: a blocking call (unary, stream, upload) runs entirely on the calling
/// thread (like a libcurl easy handle), its callback included, with that thread's own keep-alive
/// connections to this client's server, shared by the clients derived from this one; a thread's
/// idle connections of a client are closed when the client is freed on that thread, else at the
/// thread's next blocking call, or when it exits. Async calls, and blocking calls made on a thread that runs a tokio
/// runtime (the host's) or from inside a blocking call's callback, use the client's shared pool
/// on the library's I/O threads. So a client holds one pool plus one per thread that made
/// blocking calls with it.
#[no_mangle]
pub extern "C" fn fastgpt_client_new(
    config_json: *const c_char,
    out_client: *mut *mut fastgpt_client,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        // Before anything else (reading the environment included): a forked child is refused.
        check_fork()?;
        out_arg(out_client, "out_client")?;
        // SAFETY: NULL or a NUL-terminated string (the caller's promise).
        let text = unsafe { opt_str_arg(config_json, "config_json") }?.unwrap_or("{}");
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorKind::InvalidJson, format!("config_json is not valid JSON: {e}")))?;
        let config = Config::from_json(&json, |k| std::env::var(k).ok())?;
        let callbacks = CallbackPool::new(config.callback_threads);
        let client = Client::new(config)?;
        let client = fastgpt_client { inner: Arc::new(client), callbacks, freed: CancellationToken::new() };
        // SAFETY: checked non-NULL above.
        unsafe { *out_client = Box::into_raw(Box::new(client)) };
        Ok(())
    })
}

/// Frees the client. Operations still in flight are cancelled: blocking calls return
/// `FASTGPT_ERR_CANCELLED`, async calls deliver COMPLETE with it. So are those of every client
/// derived from it (`fastgpt_client_with`), which stay valid to free. Never blocks waiting for
/// callbacks, so it may be called from inside a callback. Once it has returned, the client's
/// operations deliver no further event but their COMPLETE. NULL is a no-op. In a child forked
/// after the library started it does nothing (the client is leaked: freeing it could wait forever
/// on locks held by the parent's threads at the fork).
#[no_mangle]
pub extern "C" fn fastgpt_client_free(client: *mut fastgpt_client) {
    if client.is_null() || is_forked_child() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: a pointer from fastgpt_client_new, freed once (the caller's promise).
        let client = unsafe { Box::from_raw(client) };
        client.freed.cancel();
        crate::delivery::stop_epoch_bump();
        client.inner.shutdown();
        drop(client);
        crate::local::forget_freed_pools();
    }));
}

/// Creates a client derived from `parent` with some settings overridden, for one call or one
/// tenant: per-call deadlines, retries and headers without changing any endpoint's signature.
///
/// `overrides_json` (NULL means `{}`) may hold only these keys, with the types and ranges of
/// `fastgpt_client_new`:
///
/// | key | effect |
/// |---|---|
/// | `timeout_ms` | replaces the parent's |
/// | `max_retries` | replaces the parent's |
/// | `stream_idle_timeout_ms` | replaces the parent's |
/// | `headers` | merged over the parent's: a name given here (case-insensitive) replaces the parent's value, the parent's other headers stay; `Authorization` is refused as in `fastgpt_client_new` |
///
/// Any other key is `FASTGPT_ERR_INVALID_ARGUMENT`, naming it: a key of `fastgpt_client_new` that
/// cannot change per call (`base_url`, `api_key`, TLS, proxy, ...: make a client of its own), or
/// an unknown one. Everything else is the parent's: base URL, key, TLS and proxy settings, the
/// connection pool and the runtime, and its log callback and level at this moment (changing either
/// client's callback later does not change the other's). No I/O and no TLS setup happen here: it
/// is cheap enough to make one per call (a few microseconds; see the README). `parent` may be a
/// derived client (overrides accumulate) and may be used by other threads meanwhile.
///
/// On success `*out_client` receives a client usable with every function, thread-safe like any
/// client; free it with `fastgpt_client_free`. Lifetimes:
/// - The derived client holds its own reference to the shared state: the parent may be freed
///   before it, and it stays valid until it is freed itself.
/// - Freeing the derived client cancels only the operations started through it (so a derived
///   client with `{}` is also a cancellation scope of its own).
/// - Freeing the parent cancels the parent's operations and those of every client derived from it,
///   directly or in turn (as cancelling a parent context does): those in flight end with
///   `FASTGPT_ERR_CANCELLED`, and later calls through such a derived client end with it at once.
#[no_mangle]
pub extern "C" fn fastgpt_client_with(
    parent: *const fastgpt_client,
    overrides_json: *const c_char,
    out_client: *mut *mut fastgpt_client,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        out_arg(out_client, "out_client")?;
        // SAFETY: NULL or a live client (the caller's promise).
        let parent = unsafe { ref_arg(parent, "parent") }?;
        // SAFETY: NULL or a NUL-terminated string (the caller's promise).
        let overrides = match unsafe { opt_str_arg(overrides_json, "overrides_json") }? {
            None => Overrides::default(),
            Some(text) => {
                let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                    Error::new(ErrorKind::InvalidJson, format!("overrides_json is not valid JSON: {e}"))
                })?;
                Overrides::from_json(&json)?
            }
        };
        let client = fastgpt_client {
            inner: Arc::new(parent.inner.derive(&overrides)?),
            // The parent's callback threads: the bound on threads holds however many are derived.
            callbacks: Arc::clone(&parent.callbacks),
            // Freeing the parent stops delivery to the derived client's operations too.
            freed: parent.freed.child_token(),
        };
        // SAFETY: checked non-NULL above.
        unsafe { *out_client = Box::into_raw(Box::new(client)) };
        Ok(())
    })
}
