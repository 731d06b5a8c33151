//! The process-wide tokio runtime and the fork guard.
//!
//! The runtime is created on first use and never dropped (dropping a runtime from one of its own
//! callbacks panics; tearing it down at exit races with thread-locals). Blocking unary calls run
//! on the caller's thread ([`crate::local`]) unless that thread is inside a tokio runtime; streams,
//! uploads and those unary calls spawn on the runtime and wait on a plain condition variable (see
//! [`crate::delivery`]), so they work from any thread, including a host's own tokio worker and our
//! callback threads.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use futures_util::FutureExt;
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, ErrorKind};

/// Threads of the I/O runtime: the available CPUs, at least 2 and at most 8.
pub fn io_worker_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8)
}

/// Threads for blocking work inside the runtime (DNS lookups through getaddrinfo) at most.
pub const BLOCKING_THREADS: usize = 4;

/// Set before the runtime starts: a child forked from then on cannot use the library.
static STARTED: AtomicBool = AtomicBool::new(false);
static FORKED: AtomicBool = AtomicBool::new(false);

/// Runs in the child of every fork. A child forked before the runtime started may use the library
/// (it starts its own); from the moment it is starting, the child could inherit held locks or a
/// half-made runtime.
extern "C" fn mark_forked_child() {
    if STARTED.load(Ordering::SeqCst) {
        FORKED.store(true, Ordering::SeqCst);
    }
}

/// Registers the fork handler once. Done when the library is loaded (below), before any thread
/// can be inside the library, so no fork can catch the registration half done; the call from
/// [`runtime`] only covers a build where the loader did not run the constructor.
fn register_fork_handler() {
    static REGISTERED: AtomicBool = AtomicBool::new(false);
    if !REGISTERED.swap(true, Ordering::SeqCst) {
        // SAFETY: registering a plain function without captured state; it only touches atomics.
        unsafe { libc::pthread_atfork(None, None, Some(mark_forked_child)) };
    }
}

extern "C" fn at_load() {
    register_fork_handler();
}

#[used]
#[cfg_attr(any(target_os = "linux", target_os = "android", target_os = "freebsd"), link_section = ".init_array")]
#[cfg_attr(target_vendor = "apple", link_section = "__DATA,__mod_init_func")]
static REGISTER_AT_LOAD: extern "C" fn() = at_load;

/// Whether this process is a child forked after the runtime started.
pub fn is_forked_child() -> bool {
    FORKED.load(Ordering::Relaxed)
}

/// Refuses to run in a child forked after the runtime started: its worker threads did not survive
/// the fork, so any call would hang forever.
pub fn check_fork() -> Result<(), Error> {
    if is_forked_child() {
        return Err(Error::new(
            ErrorKind::Forked,
            "libfastgpt was started before fork(); it cannot be used in the child process (use it after exec, or only in the parent)",
        ));
    }
    Ok(())
}

/// From now on a forked child refuses to use the library (a runtime, ours or a caller thread's,
/// is about to exist).
pub fn mark_started() {
    if !STARTED.load(Ordering::Relaxed) {
        register_fork_handler();
        STARTED.store(true, Ordering::SeqCst);
    }
}

pub fn runtime() -> Result<&'static Runtime, Error> {
    check_fork()?;
    mark_started();
    // A runtime that failed to start stays failed: every call reports it (none may hang).
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(io_worker_threads())
            .max_blocking_threads(BLOCKING_THREADS)
            .thread_name("fastgpt-io")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    rt.as_ref().map_err(|e| Error::new(ErrorKind::Internal, format!("cannot start the I/O runtime: {e}")))
}

/// Awaits `fut` unless one of the tokens is cancelled first.
pub async fn cancellable<T>(
    fut: impl Future<Output = Result<T, Error>>,
    tokens: &[&CancellationToken],
) -> Result<T, Error> {
    let any_cancelled = futures_util::future::select_all(tokens.iter().map(|t| Box::pin(t.cancelled())));
    tokio::select! {
        biased;
        _ = any_cancelled, if !tokens.is_empty() => Err(Error::cancelled()),
        r = fut => r,
    }
}

/// Turns a panic inside `fut` into an error instead of losing the operation.
pub async fn catch_panic<T>(fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(_) => Err(Error::new(ErrorKind::Panic, "internal panic in libfastgpt (please report it)")),
    }
}
