//! Delivery of an operation's events and result to its consumer, with flow control.
//!
//! An operation's task pushes messages into a bounded [`Mailbox`]. A handler drains it either on
//! the calling thread (blocking calls) or on one of its client's [`CallbackPool`] threads, which
//! take a mailbox only while it has messages waiting (async calls). So a thousand idle streams hold
//! no thread, one operation's messages are handled in order and one at a time, and a slow consumer
//! slows only its own operation: the task waits for room in the mailbox, the socket is no longer
//! read, and the server is slowed by TCP backpressure, never an unbounded queue.
//!
//! A handler may pause its operation ([`Flow::Pause`]): the event is kept, the mailbox leaves the
//! pool until [`Mailbox::resume`], and no thread waits for it. The pool has a fixed maximum of
//! threads and no timer: a thread is woken only when a mailbox is queued for it.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, ErrorKind};
use crate::events::StreamEvent;
use crate::response::Response;
use crate::runtime::{catch_panic, runtime};

/// The threads that run one client's async callbacks: at most `max`, started when a mailbox is
/// queued and none is free, ended after [`KEEP_ALIVE`] without work. A callback may block: that
/// holds the thread it runs on; when all `max` are held, queued operations wait for one (their
/// streams stop being read when their mailbox is full). Nothing here wakes on a timer.
pub struct CallbackPool {
    state: Mutex<PoolState>,
    work: Condvar,
    max: usize,
}

#[derive(Default)]
struct PoolState {
    ready: VecDeque<Arc<Mailbox>>,
    threads: usize,
    /// Threads waiting for work that no submit has claimed yet.
    idle: usize,
    /// Wake-ups handed out by submit and not yet taken by a waiting thread.
    wakes: usize,
    /// A spawn failed with no thread left to take the queue: a retry is scheduled.
    retrying: bool,
}

/// Counts cancels of stop tokens (a caller's cancel token, a freed client's), bumped after each:
/// a mailbox that saw no token cancelled at one count need not look again until it changes.
static STOP_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Call after cancelling a token that may be in an operation's stop tokens.
pub fn stop_epoch_bump() {
    STOP_EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// An idle callback thread exits after this long (once; it does not wake periodically).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Test hook (not part of the C API): the next this-many thread spawns of every pool fail, as they
/// would when the process is out of threads or memory.
#[doc(hidden)]
pub static FAIL_NEXT_SPAWNS: AtomicUsize = AtomicUsize::new(0);

impl CallbackPool {
    pub fn new(max: usize) -> Arc<CallbackPool> {
        Arc::new(CallbackPool { state: Mutex::new(PoolState::default()), work: Condvar::new(), max: max.max(1) })
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn submit(self: &Arc<Self>, mailbox: Arc<Mailbox>) {
        let mut state = self.lock();
        state.ready.push_back(mailbox);
        self.find_thread(&mut state);
    }

    /// Wakes a waiting thread for the queued work, or starts one if all are busy and the bound
    /// allows; otherwise a busy thread takes the work when it is done.
    fn find_thread(self: &Arc<Self>, state: &mut PoolState) {
        if state.ready.len() <= state.wakes {
            return;
        }
        if state.idle > 0 {
            state.idle -= 1;
            state.wakes += 1;
            self.work.notify_one();
        } else if state.threads < self.max {
            self.spawn(state);
        }
    }

    fn spawn(self: &Arc<Self>, state: &mut PoolState) {
        if self.try_spawn(state) || state.threads > 0 || state.retrying {
            return;
        }
        // With a thread left, it takes the queue in turn. With none, nothing would ever deliver
        // the queued messages (a COMPLETE among them): retry later. This timer runs only while
        // spawning fails and work waits.
        if let Ok(rt) = runtime() {
            state.retrying = true;
            let pool = Arc::clone(self);
            rt.spawn(async move { pool.retry_spawn().await });
        }
    }

    fn try_spawn(self: &Arc<Self>, state: &mut PoolState) -> bool {
        let fail = FAIL_NEXT_SPAWNS.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        let pool = Arc::clone(self);
        let spawned =
            !fail && std::thread::Builder::new().name("fastgpt-cb".into()).spawn(move || pool.thread_loop()).is_ok();
        if spawned {
            state.threads += 1;
        }
        spawned
    }

    /// Retries a failed spawn (10 ms, then doubling up to 1 s) until a thread runs or the work is
    /// gone.
    async fn retry_spawn(self: Arc<Self>) {
        let mut delay = Duration::from_millis(10);
        loop {
            tokio::time::sleep(delay).await;
            let mut state = self.lock();
            if state.ready.is_empty() || state.threads > 0 || self.try_spawn(&mut state) {
                state.retrying = false;
                return;
            }
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    fn thread_loop(&self) {
        let mut state = self.lock();
        loop {
            if let Some(mailbox) = state.ready.pop_front() {
                drop(state);
                mailbox.drain();
                drop(mailbox);
                state = self.lock();
                continue;
            }
            state.idle += 1;
            loop {
                let (guard, wait) = self.work.wait_timeout(state, KEEP_ALIVE).unwrap_or_else(|p| p.into_inner());
                state = guard;
                if state.wakes > 0 {
                    state.wakes -= 1;
                    break;
                }
                if wait.timed_out() {
                    state.idle -= 1;
                    state.threads -= 1;
                    return;
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

/// What a handler gets: an event (lent, so a paused event can be handed over again) or the result.
pub enum Delivery<'a> {
    Event(&'a mut StreamEvent),
    Complete(Result<Response, Error>),
}

/// What a handler tells the operation after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// End the operation (ABORTED_BY_CALLBACK).
    Abort,
    /// Keep this event and deliver nothing until [`Mailbox::resume`] (async operations only).
    Pause,
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

pub type Handler = Box<dyn FnMut(Delivery<'_>) -> Flow + Send>;

/// Why an operation ends early; decides the status of its COMPLETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum End {
    None = 0,
    Aborted = 1,
    Panicked = 2,
    PauseInBlocking = 3,
}

struct MailboxState {
    queue: VecDeque<Message>,
    /// A drain job is queued or running (pool mode).
    draining: bool,
    /// The pool-mode handler while no drain job holds it (None once COMPLETE was delivered).
    handler: Option<Handler>,
    /// Blocking mode: the caller sleeps on `ready` (a push must wake it; otherwise it need not).
    waiting: bool,
    /// The handler paused the operation; the first queued message is the event it kept.
    paused: bool,
}

pub struct Mailbox {
    state: Mutex<MailboxState>,
    ready: Condvar,
    slots: Semaphore,
    /// An [`End`]: set by the handler's side, read before every event.
    end: AtomicU8,
    /// Counts resumes, so a resume that arrives while the callback that pauses is still running
    /// is not lost (the pause is then undone at once).
    resumes: AtomicU64,
    /// An event was dropped because the operation was cancelled.
    dropped: std::sync::atomic::AtomicBool,
    /// Cancels the operation's task (handler abort, panic).
    pub abort: CancellationToken,
    /// The caller's cancel token and the client's: once either is cancelled, no event is delivered
    /// any more, only the COMPLETE.
    stop: Vec<CancellationToken>,
    /// [`STOP_EPOCH`] when no stop token was cancelled (u64::MAX: never looked).
    stop_seen: AtomicU64,
    /// A stop token was seen cancelled.
    stop_latched: std::sync::atomic::AtomicBool,
    /// Wakes a task holding a paused mailbox when it is resumed or completed.
    changed: Notify,
    pool: Option<Arc<CallbackPool>>,
    /// Blocking mode on the caller's thread: the handler is a future on the same thread as the
    /// operation ([`Mailbox::drain_here`]), woken through this instead of `ready`.
    here: Option<Notify>,
}

impl Mailbox {
    fn new(
        pool: Option<Arc<CallbackPool>>,
        stop: Vec<CancellationToken>,
        handler: Option<Handler>,
        here: bool,
    ) -> Arc<Mailbox> {
        Arc::new(Mailbox {
            state: Mutex::new(MailboxState {
                queue: VecDeque::new(),
                draining: false,
                handler,
                waiting: false,
                paused: false,
            }),
            ready: Condvar::new(),
            slots: Semaphore::new(MAILBOX_BYTES),
            end: AtomicU8::new(End::None as u8),
            resumes: AtomicU64::new(0),
            dropped: Default::default(),
            abort: CancellationToken::new(),
            stop,
            stop_seen: AtomicU64::new(u64::MAX),
            stop_latched: Default::default(),
            changed: Notify::new(),
            pool,
            here: here.then(Notify::new),
        })
    }

    fn lock(&self) -> MutexGuard<'_, MailboxState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a stop token is cancelled. Checked before every event, so without taking the
    /// tokens' locks while no token anywhere was cancelled since the last look ([`stop_epoch_bump`]).
    fn stopped(&self) -> bool {
        if self.stop_latched.load(Ordering::Acquire) {
            return true;
        }
        let epoch = STOP_EPOCH.load(Ordering::SeqCst);
        if epoch == self.stop_seen.load(Ordering::Acquire) {
            return false;
        }
        let stopped = self.stop.iter().any(CancellationToken::is_cancelled);
        if stopped {
            self.stop_latched.store(true, Ordering::Release);
        } else {
            self.stop_seen.store(epoch, Ordering::Release);
        }
        stopped
    }

    fn end(&self) -> End {
        match self.end.load(Ordering::Acquire) {
            1 => End::Aborted,
            2 => End::Panicked,
            3 => End::PauseInBlocking,
            _ => End::None,
        }
    }

    /// Ends the operation early (the first reason wins) and stops its task.
    fn set_end(&self, end: End) {
        let _ = self.end.compare_exchange(End::None as u8, end as u8, Ordering::AcqRel, Ordering::Acquire);
        self.abort.cancel();
    }

    /// Queues the events of one network read (and empties `events`), waiting for room as needed:
    /// one lock and one room reservation per read rather than per event. Fails when the handler
    /// ended the operation.
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
            let mut state = self.lock();
            state.queue.extend(events.drain(..take).map(Message::Event));
            self.schedule(state, false);
        }
        Ok(())
    }

    /// Wakes a blocking caller waiting for events (call after queueing a read's events).
    pub fn flush(&self) {
        if let Some(here) = &self.here {
            here.notify_one();
        } else if self.pool.is_none() {
            let state = self.lock();
            if state.waiting && !state.queue.is_empty() {
                self.ready.notify_one();
            }
        }
    }

    /// After [`Mailbox::flush`]: on the caller's thread, lets the handler take this read's events
    /// now (while they are in cache) rather than after the next reads.
    pub async fn hand_over(&self) {
        if self.here.is_some() {
            tokio::task::yield_now().await;
        }
    }

    /// Queues the result. If the operation is paused, waits (holding the mailbox, so nothing is
    /// lost) until it is resumed, completed, or cancelled; a cancel then delivers the COMPLETE.
    async fn finish(self: &Arc<Self>, result: Result<Response, Error>) {
        {
            let mut state = self.lock();
            state.queue.push_back(Message::Complete(result));
            self.schedule(state, true);
        }
        if self.pool.is_some() {
            Arc::clone(self).hold_while_paused().await;
        }
    }

    /// Keeps a paused mailbox whose COMPLETE is queued alive, and delivers that COMPLETE as soon as
    /// the operation is cancelled or its client freed (a paused consumer may never resume).
    async fn hold_while_paused(self: Arc<Self>) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if !self.lock().paused {
                return;
            }
            let stop = futures_util::future::select_all(self.stop.iter().map(|t| Box::pin(t.cancelled())));
            tokio::select! {
                _ = changed => {}
                _ = stop, if !self.stop.is_empty() => {
                    // A token's waiters wake at its cancel, before the canceller bumps STOP_EPOCH:
                    // `stopped()` could still answer from the old epoch and leave the COMPLETE
                    // undelivered. This task knows a stop token is cancelled: latch it.
                    self.stop_latched.store(true, Ordering::Release);
                    self.schedule(self.lock(), true);
                    return;
                }
            }
        }
    }

    /// After queueing: wakes the blocking caller (if `wake`) or makes sure a drain job runs (unless
    /// the operation is paused and not cancelled).
    fn schedule(self: &Arc<Self>, mut state: MutexGuard<'_, MailboxState>, wake: bool) {
        match &self.pool {
            None => {
                if let (true, Some(here)) = (wake, &self.here) {
                    here.notify_one();
                } else if wake && state.waiting {
                    self.ready.notify_one();
                }
            }
            Some(pool) => {
                if !state.draining && !state.queue.is_empty() && (!state.paused || self.stopped()) {
                    state.draining = true;
                    drop(state);
                    pool.submit(Arc::clone(self));
                }
            }
        }
    }

    /// Undoes a pause: delivery restarts with the kept event. A resume while a callback of this
    /// operation runs undoes the pause that callback returns. Otherwise (not paused, completed)
    /// it does nothing.
    pub fn resume(self: &Arc<Self>) {
        let mut state = self.lock();
        self.resumes.fetch_add(1, Ordering::SeqCst);
        if state.paused {
            state.paused = false;
            self.schedule(state, false);
            self.changed.notify_waiters();
        }
    }

    /// Pool mode: delivers what is queued, until the queue is empty or the handler pauses.
    fn drain(self: &Arc<Self>) {
        let mut handler = self.lock().handler.take();
        let mut batch = VecDeque::new();
        loop {
            {
                let mut state = self.lock();
                if state.queue.is_empty() || (state.paused && !self.stopped()) {
                    state.handler = handler;
                    state.draining = false;
                    return;
                }
                std::mem::swap(&mut state.queue, &mut batch);
            }
            let mut freed = 0;
            while let Some(msg) = batch.pop_front() {
                match msg {
                    Message::Event(mut event) => {
                        let Some(h) = handler.as_mut() else { continue };
                        let seen = self.resumes.load(Ordering::SeqCst);
                        match self.deliver(&mut **h, &mut event) {
                            Flow::Pause => {
                                let mut state = self.lock();
                                if self.resumes.load(Ordering::SeqCst) != seen || self.stopped() {
                                    // Resumed before the callback returned (or cancelled): go on.
                                    drop(state);
                                    batch.push_front(Message::Event(event));
                                    continue;
                                }
                                // Keep the event and the rest, in order, ahead of what came since.
                                state.paused = true;
                                batch.push_front(Message::Event(event));
                                batch.append(&mut state.queue);
                                std::mem::swap(&mut state.queue, &mut batch);
                                let complete_queued = matches!(state.queue.back(), Some(Message::Complete(_)));
                                state.handler = handler;
                                state.draining = false;
                                drop(state);
                                self.free_slots(&mut freed);
                                if complete_queued {
                                    // The task has ended: something must keep the mailbox.
                                    if let Ok(rt) = runtime() {
                                        rt.spawn(Arc::clone(self).hold_while_paused());
                                    }
                                }
                                return;
                            }
                            _ => self.consumed(&event, &mut freed),
                        }
                    }
                    Message::Complete(result) => {
                        if let Some(mut h) = handler.take() {
                            let result = self.final_result(result);
                            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| h(Delivery::Complete(result))));
                            // Nothing may be delivered any more; drop the handler (and with it the
                            // caller's userdata reference) now.
                            drop(h);
                            self.lock().paused = false;
                            self.changed.notify_waiters();
                        }
                    }
                }
            }
            self.free_slots(&mut freed);
        }
    }

    /// Hands one event to the handler unless the operation was cancelled or ended; a panic while
    /// doing so ends the operation with FASTGPT_ERR_PANIC.
    fn deliver(&self, handler: &mut dyn FnMut(Delivery<'_>) -> Flow, event: &mut StreamEvent) -> Flow {
        if self.end() != End::None {
            return Flow::Continue;
        }
        if self.stopped() {
            self.dropped.store(true, Ordering::Relaxed);
            return Flow::Continue;
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| handler(Delivery::Event(event)))) {
            Ok(Flow::Abort) => {
                self.set_end(End::Aborted);
                Flow::Abort
            }
            Ok(flow) => flow,
            Err(_) => {
                self.set_end(End::Panicked);
                Flow::Abort
            }
        }
    }

    /// Counts a handled event's room, given back in batches (waking the stream task per event
    /// would cost a thread wake-up per event when the mailbox is full).
    fn consumed(&self, event: &StreamEvent, freed: &mut usize) {
        *freed += cost(event);
        if *freed >= MAILBOX_BYTES / 4 {
            self.free_slots(freed);
        }
    }

    /// Gives the room of handled events back to the stream in one go.
    fn free_slots(&self, freed: &mut usize) {
        if *freed > 0 {
            self.slots.add_permits(*freed);
            *freed = 0;
        }
    }

    /// The operation's result as its COMPLETE reports it: an early end wins over what the task
    /// returned, and a success whose events were dropped by a cancel is a cancel.
    fn final_result(&self, result: Result<Response, Error>) -> Result<Response, Error> {
        match self.end() {
            End::Aborted => Err(aborted_error()),
            End::Panicked => Err(panic_error()),
            End::PauseInBlocking => Err(Error::new(
                ErrorKind::InvalidArgument,
                "a blocking stream's callback returned FASTGPT_CB_PAUSE: only async operations can pause (the stream was stopped)",
            )),
            End::None if result.is_ok() && self.dropped.load(Ordering::Relaxed) => Err(Error::cancelled()),
            End::None => result,
        }
    }

    /// Blocking mode: runs the handler on this thread until the completion arrives.
    fn run_here(&self, handler: &mut dyn FnMut(Delivery<'_>) -> Flow) {
        let mut batch = VecDeque::new();
        loop {
            {
                let mut state = self.lock();
                while state.queue.is_empty() {
                    state.waiting = true;
                    state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
                    state.waiting = false;
                }
                std::mem::swap(&mut state.queue, &mut batch);
            }
            if self.deliver_blocking(&mut batch, handler) {
                return;
            }
        }
    }

    /// Blocking mode on the caller's thread: the same as [`Mailbox::run_here`] as a future, run
    /// next to the operation on the same thread (no thread wake-up, no lock contention; events are
    /// freed by the thread that made them).
    async fn drain_here(&self, handler: &mut dyn FnMut(Delivery<'_>) -> Flow) {
        let here = self.here.as_ref().expect("a caller's-thread mailbox");
        let mut batch = VecDeque::new();
        loop {
            loop {
                let notified = here.notified();
                {
                    let mut state = self.lock();
                    if !state.queue.is_empty() {
                        std::mem::swap(&mut state.queue, &mut batch);
                        break;
                    }
                }
                notified.await;
            }
            if self.deliver_blocking(&mut batch, handler) {
                return;
            }
        }
    }

    /// Blocking mode: hands `batch` to the handler; true once the COMPLETE was delivered.
    fn deliver_blocking(&self, batch: &mut VecDeque<Message>, handler: &mut dyn FnMut(Delivery<'_>) -> Flow) -> bool {
        let mut freed = 0;
        for msg in batch.drain(..) {
            match msg {
                Message::Event(mut event) => {
                    if self.deliver(handler, &mut event) == Flow::Pause {
                        self.set_end(End::PauseInBlocking);
                    }
                    self.consumed(&event, &mut freed);
                }
                Message::Complete(result) => {
                    let result = self.final_result(result);
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| handler(Delivery::Complete(result))));
                    return true;
                }
            }
        }
        self.free_slots(&mut freed);
        false
    }
}

fn aborted_error() -> Error {
    Error::new(ErrorKind::AbortedByCallback, "the callback returned non-zero and aborted the operation")
}

fn panic_error() -> Error {
    Error::new(ErrorKind::Panic, "internal panic in libfastgpt while delivering an event (please report it)")
}

/// Creates the operation's mailbox and starts `op` on the runtime; the task ends by queueing the
/// result (a panic inside `op` becomes FASTGPT_ERR_PANIC), so the completion always arrives.
fn start<F, Fut>(mailbox: Arc<Mailbox>, op: F) -> Result<Arc<Mailbox>, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    let rt = runtime()?;
    let fut = op(Arc::clone(&mailbox));
    let task_mailbox = Arc::clone(&mailbox);
    rt.spawn(async move {
        let result = catch_panic(fut).await;
        task_mailbox.finish(result).await;
    });
    Ok(mailbox)
}

/// Starts `op` on the runtime and returns at once; the handler made by `handler` (which sees the
/// mailbox first, e.g. to hand out a way to resume it) gets the events and then exactly one
/// `Delivery::Complete`, on a thread of `pool`. `stop`: tokens after whose cancel no event is
/// delivered any more.
pub fn spawn_op<F, Fut>(
    pool: &Arc<CallbackPool>,
    stop: Vec<CancellationToken>,
    op: F,
    handler: impl FnOnce(&Arc<Mailbox>) -> Handler,
) -> Result<Arc<Mailbox>, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    crate::runtime::check_fork()?;
    let mailbox = Mailbox::new(Some(Arc::clone(pool)), stop, None, false);
    let h = handler(&mailbox);
    mailbox.lock().handler = Some(h);
    start(mailbox, op)
}

/// Runs `op` while `handler` gets its events on the calling thread; returns the result. Used by
/// the blocking calls (with a handler that ignores events when there are none). `op` runs on the
/// calling thread too ([`crate::local`]) unless that thread is inside a tokio runtime; then on the
/// I/O runtime. A handler returning [`Flow::Pause`] ends the operation (a blocking call cannot pause).
pub fn run_blocking<F, Fut>(
    stop: Vec<CancellationToken>,
    op: F,
    mut handler: impl FnMut(&mut StreamEvent) -> Flow,
) -> Result<Response, Error>
where
    F: FnOnce(Arc<Mailbox>) -> Fut,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    let mut op = Some(op);
    let here = crate::local::run_here(|| {
        let op = op.take().expect("made once");
        let mailbox = Mailbox::new(None, stop.clone(), None, true);
        let fut = op(Arc::clone(&mailbox));
        let handler = &mut handler;
        async move {
            let produce = async {
                let result = catch_panic(fut).await;
                mailbox.finish(result).await;
            };
            let mut outcome = None;
            futures_util::future::join(produce, mailbox.drain_here(&mut keep_result(handler, &mut outcome))).await;
            result_of(outcome)
        }
    });
    // Not here: the closure (and its borrow of `op`) is given back unused.
    if let Ok(result) = here {
        return result;
    }
    let op = op.take().expect("not run here");
    let mailbox = start(Mailbox::new(None, stop, None, false), op)?;
    let mut outcome = None;
    mailbox.run_here(&mut keep_result(&mut handler, &mut outcome));
    result_of(outcome)
}

/// A blocking call's handler: events to `handler`, the COMPLETE's result into `outcome`.
fn keep_result<'a>(
    handler: &'a mut impl FnMut(&mut StreamEvent) -> Flow,
    outcome: &'a mut Option<Result<Response, Error>>,
) -> impl FnMut(Delivery<'_>) -> Flow + 'a {
    move |d| match d {
        Delivery::Event(ev) => handler(ev),
        Delivery::Complete(r) => {
            *outcome = Some(r);
            Flow::Continue
        }
    }
}

fn result_of(outcome: Option<Result<Response, Error>>) -> Result<Response, Error> {
    outcome.unwrap_or_else(|| Err(Error::new(ErrorKind::Internal, "the operation ended without a result")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A paused operation whose COMPLETE is queued must get that COMPLETE once a stop token is
    /// cancelled, even when it looks in the window between the token's cancel and the epoch bump
    /// that follows it (`fastgpt_cancel_trigger` does the two in that order). Simulated here by
    /// cancelling without any bump: the Go binding's Stream.Close hung on this in CI.
    #[test]
    fn a_paused_operation_completes_when_its_stop_token_is_cancelled_before_the_epoch_moves() {
        let pool = CallbackPool::new(1);
        let stop = CancellationToken::new();
        let (tx, rx) = mpsc::channel();
        let mailbox = spawn_op(
            &pool,
            vec![stop.clone()],
            |mailbox| async move {
                mailbox.send_events(&mut vec![StreamEvent::upload_progress(1, 2)]).await?;
                Err(Error::new(ErrorKind::Http, "the operation's own end"))
            },
            |_| -> Handler {
                Box::new(move |d| match d {
                    Delivery::Event(_) => Flow::Pause,
                    Delivery::Complete(r) => {
                        let _ = tx.send(r.map(drop).map_err(|e| e.kind));
                        Flow::Continue
                    }
                })
            },
        )
        .expect("started");
        // Paused, with the COMPLETE queued behind the kept event.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !(mailbox.lock().paused && matches!(mailbox.lock().queue.back(), Some(Message::Complete(_)))) {
            assert!(std::time::Instant::now() < deadline, "the handler never paused");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(rx.try_recv().is_err(), "a paused operation delivered its COMPLETE");
        stop.cancel(); // no stop_epoch_bump(): the canceller has not reached it yet
        let result = rx.recv_timeout(Duration::from_secs(10)).expect("no COMPLETE after the stop token was cancelled");
        assert_eq!(result, Err(ErrorKind::Http));
    }
}
