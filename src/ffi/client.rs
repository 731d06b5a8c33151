//! `fastgpt_client`: configuration, connection pool and the scope of its operations.

use std::ffi::c_char;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::error::fastgpt_error;
use super::{boundary, opt_str_arg, out_arg, status::fastgpt_status};
use crate::config::Config;
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
/// | `ca_cert_pem` | none: extra trusted root certificates (PEM text) |
/// | `danger_accept_invalid_certs` | false: true turns off TLS certificate verification |
/// | `callback_threads` | 4 (1..256): most threads running this client's async callbacks at once (see `fastgpt_event_cb`, rule 8) |
///
/// Unknown keys are an error (`FASTGPT_ERR_INVALID_ARGUMENT`), so a typo is never ignored.
/// No network I/O happens here. On success `*out_client` receives the client.
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
/// `FASTGPT_ERR_CANCELLED`, async calls deliver COMPLETE with it. Never blocks waiting for
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
        client.inner.shutdown();
    }));
}
