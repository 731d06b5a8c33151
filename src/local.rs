//! The caller's-thread path of blocking calls.
//!
//! A blocking call (unary, stream, upload) runs its whole future on the calling thread, on that thread's own
//! current-thread tokio runtime (created on the thread's first blocking call), as libcurl does with
//! an easy handle: no hand-off to a runtime worker and no wake-up of the caller at the end, so a
//! call costs no thread switch. hyper's connections are tasks of the runtime that opened them and
//! only make progress while that runtime runs, so connections opened here must only be used from
//! here: each thread keeps its own connection pool per client ([`thread_http`]), shared by the
//! client and the clients derived from it, used only by this thread's blocking calls. Async calls
//! keep the client's shared pool on the I/O runtime.
//!
//! Not used (the caller hands the call to the I/O runtime as before) when the thread is already
//! inside a tokio runtime: a host's own, or ours (a blocking stream's callback making a blocking
//! call).

use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
use std::sync::{Arc, Weak};

use tokio::runtime::Runtime;

use crate::error::Error;

/// A client's pool identity and what its HTTP client is built from: its transport and the
/// transports derived from it hold the same one.
pub type PoolKey = Arc<crate::config::Config>;

struct Local {
    runtime: Runtime,
    /// This thread's connection pool of each client it called, dropped when the client is gone.
    pools: RefCell<Vec<(Weak<crate::config::Config>, reqwest::Client)>>,
}

impl Drop for Local {
    fn drop(&mut self) {
        // The pools' connection tasks belong to the runtime: drop them first. At thread exit a
        // panic here would abort the process; losing the cleanup is the lesser harm.
        let pools = std::mem::take(self.pools.get_mut());
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(pools)));
    }
}

thread_local! {
    static LOCAL: OnceCell<Option<Local>> = const { OnceCell::new() };
    /// Set while this thread runs a call on its own runtime.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Runs the future made by `make` on this thread's runtime and returns its output, or gives
/// `make` back when this thread cannot (it is inside a tokio runtime, or its runtime could not be
/// created): the caller then hands the call to the I/O runtime.
pub fn run_here<F, Fut, T>(make: F) -> Result<Result<T, Error>, F>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    if let Err(e) = crate::runtime::check_fork() {
        return Ok(Err(e));
    }
    if INSIDE.get() || tokio::runtime::Handle::try_current().is_ok() {
        return Err(make);
    }
    LOCAL.with(|cell| {
        let local = cell.get_or_init(|| {
            crate::runtime::mark_started();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .max_blocking_threads(crate::runtime::BLOCKING_THREADS)
                .build()
                .ok()?;
            Some(Local { runtime, pools: RefCell::new(Vec::new()) })
        });
        let Some(local) = local else { return Err(make) };
        INSIDE.set(true);
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                INSIDE.set(false);
            }
        }
        let _reset = Reset;
        Ok(local.runtime.block_on(crate::runtime::catch_panic(make())))
    })
}

/// The HTTP client to use on this thread for the pool `key`: this thread's own when it runs a
/// call on its runtime (made by `build` on first use), else None (use the shared one).
pub fn thread_http(
    key: &PoolKey,
    build: impl FnOnce(&crate::config::Config) -> Result<reqwest::Client, Error>,
) -> Option<Result<reqwest::Client, Error>> {
    if !INSIDE.get() {
        return None;
    }
    LOCAL.with(|cell| {
        let local = cell.get()?.as_ref()?;
        let mut pools = local.pools.try_borrow_mut().ok()?;
        // Pools of freed clients go (their idle connections close) at this thread's next call.
        pools.retain(|(k, _)| k.strong_count() > 0);
        if let Some((_, http)) = pools.iter().find(|(k, _)| std::ptr::eq(k.as_ptr(), Arc::as_ptr(key))) {
            return Some(Ok(http.clone()));
        }
        Some(build(key).inspect(|http| pools.push((Arc::downgrade(key), http.clone()))))
    })
}

/// Closes this thread's idle connections of clients that are gone (call after freeing one): a
/// program that frees its client on the thread that used it keeps no descriptor of it.
pub fn forget_freed_pools() {
    let _ = LOCAL.try_with(|cell| {
        if let Some(Some(local)) = cell.get() {
            let before = local.pools.try_borrow().map_or(0, |p| p.len());
            if let Ok(mut pools) = local.pools.try_borrow_mut() {
                pools.retain(|(k, _)| k.strong_count() > 0);
            }
            let dropped = before > local.pools.try_borrow().map_or(before, |p| p.len());
            // The dropped pools' connections are tasks of this runtime: let them see it and close
            // their sockets now (not from inside a runtime: that would nest).
            if dropped && !INSIDE.get() && tokio::runtime::Handle::try_current().is_err() {
                local.runtime.block_on(async {
                    for _ in 0..2 {
                        tokio::task::yield_now().await;
                    }
                });
            }
        }
    });
}
