//! The process-wide tokio runtime, the fork guard, and the delivery of an operation's events.
//!
//! The runtime is created on first use and never dropped (dropping a runtime from one of its own
//! callbacks panics; tearing it down at exit races with thread-locals). Blocking calls never
//! `block_on`: they spawn on the runtime and wait on a plain condition variable, so they work from
//! any thread, including a host's own tokio worker and our callback threads.
//!
//! Delivery: an operation's task pushes messages into a bounded [`Mailbox`]. A handler drains it
//! either on the calling thread (blocking calls) or on one of the [`CallbackThreads`], which take a
//! mailbox only while it has messages waiting (async calls), so a thousand idle streams hold no
//! threads, one operation's messages are handled in order and one at a time, and a slow handler
//! slows only its operation (the task waits for room: TCP backpressure, never an unbounded queue).

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, ErrorKind};
use crate::events::StreamEvent;
use crate::transport::Response;

static FORKED: AtomicBool = AtomicBool::new(false);

extern "C" fn mark_forked_child() {
    FORKED.store(true, Ordering::SeqCst);
}

/// Refuses to run in a child forked after the runtime started: its worker threads did not survive
/// the fork, so any call would hang forever.
pub fn check_fork() -> Result<(), Error> {
    if FORKED.load(Ordering::Relaxed) {
        return Err(Error::new(
            ErrorKind::Forked,
            "libfastgpt was started before fork(); it cannot be used in the child process (use it after exec, or only in the parent)",
        ));
    }
    Ok(())
}

pub fn runtime() -> Result<&'static Runtime, Error> {
    check_fork()?;
    // A runtime that failed to start stays failed: every call reports it (none may hang).
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    let rt = RUNTIME.get_or_init(|| {
        // SAFETY: registering a plain function without captured state; it only stores an atomic.
        unsafe { libc::pthread_atfork(None, None, Some(mark_forked_child)) };
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("fastgpt-io")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    rt.as_ref().map_err(|e| Error::new(ErrorKind::Internal, format!("cannot start the I/O runtime: {e}")))
}

/// rustls needs a process-wide crypto provider; ours is ring (small, quick to build).
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
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

/// The threads that run async callbacks: a few long-lived threads that take mailboxes with
/// messages waiting from one queue, so a busy process hands completions to a thread that is already
/// awake instead of waking one per completion (what `spawn_blocking` per completion cost: about
/// four context switches per call). A callback may block, so a watcher adds a thread whenever the
/// queue has waited [`STALL`] without progress: a blocked callback delays others by that at most.
struct CallbackThreads {
    state: Mutex<CallbackState>,
    work: Condvar,
    watch: Condvar,
}

#[derive(Default)]
struct CallbackState {
    ready: VecDeque<Arc<Mailbox>>,
    threads: usize,
    idle: usize,
    running: usize,
    /// Mailboxes drained so far: the watcher's sign of progress.
    drained: u64,
    watcher_asleep: bool,
}

/// How long queued callbacks may wait without progress before another thread is added.
const STALL: Duration = Duration::from_millis(1);
/// An idle callback thread beyond the first exits after this long.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

impl CallbackThreads {
    fn get() -> &'static CallbackThreads {
        static THREADS: OnceLock<CallbackThreads> = OnceLock::new();
        static WATCHER: std::sync::Once = std::sync::Once::new();
        let threads = THREADS.get_or_init(|| CallbackThreads {
            state: Mutex::new(CallbackState::default()),
            work: Condvar::new(),
            watch: Condvar::new(),
        });
        WATCHER.call_once(|| {
            let _ = std::thread::Builder::new().name("fastgpt-cb-watch".into()).spawn(|| threads.watch_loop());
        });
        threads
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CallbackState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn submit(&'static self, mailbox: Arc<Mailbox>) {
        let mut state = self.lock();
        state.ready.push_back(mailbox);
        // A running thread takes the next mailbox when it is done; wake one only if none runs.
        if state.running == 0 {
            if state.idle > 0 {
                self.work.notify_one();
            } else {
                self.add_thread(&mut state);
            }
        }
        if state.watcher_asleep {
            state.watcher_asleep = false;
            self.watch.notify_one();
        }
    }

    fn add_thread(&'static self, state: &mut CallbackState) {
        let spawned = std::thread::Builder::new().name("fastgpt-cb".into()).spawn(move || self.thread_loop());
        if spawned.is_ok() {
            state.threads += 1;
        }
    }

    fn thread_loop(&self) {
        let mut state = self.lock();
        loop {
            if let Some(mailbox) = state.ready.pop_front() {
                state.running += 1;
                drop(state);
                mailbox.drain();
                drop(mailbox);
                state = self.lock();
                state.running -= 1;
                state.drained += 1;
                continue;
            }
            state.idle += 1;
            let (guard, wait) = self.work.wait_timeout(state, KEEP_ALIVE).unwrap_or_else(|p| p.into_inner());
            state = guard;
            state.idle -= 1;
            if wait.timed_out() && state.ready.is_empty() && state.threads > 1 {
                state.threads -= 1;
                return;
            }
        }
    }

    /// Sleeps while there is nothing queued; while there is, checks every STALL that the queue
    /// moves, and adds a thread when it does not (every thread is in a slow or blocked callback).
    fn watch_loop(&'static self) {
        let mut state = self.lock();
        loop {
            if state.ready.is_empty() && state.running == 0 {
                state.watcher_asleep = true;
                state = self.watch.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let seen = state.drained;
            drop(state);
            std::thread::sleep(STALL);
            state = self.lock();
            if !state.ready.is_empty() && state.drained == seen {
                if state.idle > 0 {
                    self.work.notify_one();
                } else {
                    self.add_thread(&mut state);
                }
            }
        }
    }
}

/// What travels from an operation to its handler.
pub enum Message {
    Event(StreamEvent),
    Complete(Result<Response, Error>),
}

/// What a handler tells the operation after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Abort,
}

/// Bytes of events waiting for a handler at most; the stream stops reading while they are there.
/// Large enough that a fast stream hands over hundreds of events per thread wake-up.
const MAILBOX_BYTES: usize = 1 << 20;
/// What an event costs beyond its name and data (the struct, the queue slot).
const EVENT_OVERHEAD: usize = 128;

/// An event's share of [`MAILBOX_BYTES`] (a single event larger than all of it still passes alone).
fn cost(event: &StreamEvent) -> usize {
    (event.data.len() + event.name.len() + EVENT_OVERHEAD).min(MAILBOX_BYTES)
}

type Handler = Box<dyn FnMut(Message) -> Flow + Send>;

struct MailboxState {
    queue: VecDeque<Message>,
    /// A drain job is scheduled or running (pool mode).
    draining: bool,
    /// The pool-mode handler while no drain job holds it.
    handler: Option<Handler>,
    /// Blocking mode: the caller sleeps on `ready` (a push must wake it; otherwise it need not).
    waiting: bool,
}

pub struct Mailbox {
    state: Mutex<MailboxState>,
    ready: Condvar,
    slots: Semaphore,
    /// Set when the handler aborted: later events are dropped, the completion reports the abort.
    aborted: AtomicBool,
    /// Cancels the operation's task (handler abort).
    pub abort: CancellationToken,
    pool: bool,
}

impl Mailbox {
    fn new(handler: Option<Handler>) -> Arc<Mailbox> {
        Arc::new(Mailbox {
            pool: handler.is_some(),
            state: Mutex::new(MailboxState { queue: VecDeque::new(), draining: false, handler, waiting: false }),
            ready: Condvar::new(),
            slots: Semaphore::new(MAILBOX_BYTES),
            aborted: AtomicBool::new(false),
            abort: CancellationToken::new(),
        })
    }

    /// Queues the events of one network read (and empties `events`), waiting for room as needed:
    /// one lock and one room reservation per read rather than per event. Fails when the handler
    /// aborted the operation.
    ///
    /// A blocking caller is woken by [`Mailbox::flush`] (after all the events of one network read),
    /// before this waits for room, and by the completion: one wake-up per read, not per event.
    pub async fn send_events(self: &Arc<Self>, events: &mut Vec<StreamEvent>) -> Result<(), Error> {
        while !events.is_empty() {
            // As many events as fit in the mailbox at once (at least one: costs are capped).
            let mut take = 0;
            let mut bytes = 0;
            for event in events.iter() {
                let c = cost(event);
                if take > 0 && bytes + c > MAILBOX_BYTES {
                    break;
                }
                take += 1;
                bytes += c;
            }
            match self.slots.try_acquire_many(bytes as u32) {
                Ok(permit) => permit.forget(),
                Err(_) => {
                    self.flush();
                    tokio::select! {
                        permit = self.slots.acquire_many(bytes as u32) => permit.expect("never closed").forget(),
                        _ = self.abort.cancelled() => return Err(aborted_error()),
                    }
                }
            }
            if self.abort.is_cancelled() {
                return Err(aborted_error());
            }
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.queue.extend(events.drain(..take).map(Message::Event));
            self.schedule(state, false);
        }
        Ok(())
    }

    /// Wakes a blocking caller waiting for events (call after queueing a read's events).
    pub fn flush(&self) {
        if !self.pool {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.waiting && !state.queue.is_empty() {
                self.ready.notify_one();
            }
        }
    }

    fn complete(self: &Arc<Self>, result: Result<Response, Error>) {
        self.push(Message::Complete(result), true);
    }

    fn push(self: &Arc<Self>, msg: Message, wake: bool) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.queue.push_back(msg);
        self.schedule(state, wake);
    }

    /// After queueing: wakes the blocking caller (if `wake`) or makes sure a drain job runs.
    fn schedule(self: &Arc<Self>, mut state: std::sync::MutexGuard<'_, MailboxState>, wake: bool) {
        if !self.pool {
            if wake && state.waiting {
                self.ready.notify_one();
            }
        } else if !state.draining {
            state.draining = true;
            drop(state);
            CallbackThreads::get().submit(Arc::clone(self));
        }
    }

    /// Takes every waiting message (one lock per batch, not per event), or None when the queue is
    /// empty (pool mode then gives the handler back).
    fn pop_all(&self, handler: &mut Option<Handler>, batch: &mut VecDeque<Message>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.queue.is_empty() {
            state.handler = handler.take();
            state.draining = false;
            return false;
        }
        std::mem::swap(&mut state.queue, batch);
        true
    }

    fn drain(&self) {
        let mut handler = self.state.lock().unwrap_or_else(|p| p.into_inner()).handler.take();
        let mut batch = VecDeque::new();
        while self.pop_all(&mut handler, &mut batch) {
            let mut freed = 0;
            for msg in batch.drain(..) {
                if let Some(h) = handler.as_mut() {
                    if self.handle(&mut **h, msg, &mut freed) {
                        // Completed: nothing may be delivered any more; drop the handler (and with
                        // it the caller's userdata reference) now.
                        handler = None;
                    }
                }
            }
            self.free_slots(&mut freed);
        }
    }

    /// Gives the room of handled events back to the stream in one go.
    fn free_slots(&self, freed: &mut usize) {
        if *freed > 0 {
            self.slots.add_permits(*freed);
            *freed = 0;
        }
    }

    /// Hands one message to the handler; returns true when it was the completion.
    /// An event's room is counted in `freed` and given back in batches (waking the stream task per
    /// event would cost a thread wake-up per event when the mailbox is full).
    fn handle(&self, handler: &mut dyn FnMut(Message) -> Flow, msg: Message, freed: &mut usize) -> bool {
        match msg {
            Message::Event(event) => {
                *freed += cost(&event);
                if *freed >= MAILBOX_BYTES / 4 {
                    self.free_slots(freed);
                }
                if !self.aborted.load(Ordering::Relaxed) {
                    let flow = std::panic::catch_unwind(AssertUnwindSafe(|| handler(Message::Event(event))))
                        .unwrap_or(Flow::Abort);
                    if flow == Flow::Abort {
                        self.aborted.store(true, Ordering::Relaxed);
                        self.abort.cancel();
                    }
                }
                false
            }
            Message::Complete(mut result) => {
                if self.aborted.load(Ordering::Relaxed) {
                    result = Err(aborted_error());
                }
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| handler(Message::Complete(result))));
                true
            }
        }
    }

    /// Blocking mode: runs the handler on this thread until the completion arrives.
    fn run_here(&self, handler: &mut dyn FnMut(Message) -> Flow) {
        let mut batch = VecDeque::new();
        loop {
            {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                while state.queue.is_empty() {
                    state.waiting = true;
                    state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
                    state.waiting = false;
                }
                std::mem::swap(&mut state.queue, &mut batch);
            }
            let mut freed = 0;
            for msg in batch.drain(..) {
                if self.handle(handler, msg, &mut freed) {
                    return;
                }
            }
            self.free_slots(&mut freed);
        }
    }
}

fn aborted_error() -> Error {
    Error::new(ErrorKind::AbortedByCallback, "the callback returned non-zero and aborted the operation")
}

/// Creates the operation's mailbox and starts `op` on the runtime; the task ends by queueing the
/// result (a panic inside `op` becomes FASTGPT_ERR_PANIC), so the completion always arrives.
fn start<F, Fut>(op: F, handler: Option<Handler>) -> Result<Arc<Mailbox>, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    let rt = runtime()?;
    let mailbox = Mailbox::new(handler);
    let fut = op(Arc::clone(&mailbox));
    let task_mailbox = Arc::clone(&mailbox);
    rt.spawn(async move {
        let result = catch_panic(fut).await;
        task_mailbox.complete(result);
    });
    Ok(mailbox)
}

/// Starts `op` on the runtime and returns at once; `handler` gets its events and then exactly one
/// `Message::Complete`, on a library thread that is not an async worker.
pub fn spawn_op<F, Fut>(op: F, handler: impl FnMut(Message) -> Flow + Send + 'static) -> Result<(), Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    start(op, Some(Box::new(handler))).map(drop)
}

/// Runs `op` on the runtime while `handler` gets its events on the calling thread; returns the
/// result. Used by the blocking calls (with a handler that ignores events when there are none).
pub fn run_blocking<F, Fut>(op: F, mut handler: impl FnMut(StreamEvent) -> Flow) -> Result<Response, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    let mailbox = start(op, None)?;
    let mut outcome = None;
    mailbox.run_here(&mut |msg| match msg {
        Message::Event(ev) => handler(ev),
        Message::Complete(r) => {
            outcome = Some(r);
            Flow::Continue
        }
    });
    outcome.unwrap_or_else(|| Err(Error::new(ErrorKind::Internal, "the operation ended without a result")))
}
