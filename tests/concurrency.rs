//! Concurrency through the C ABI: one client shared by many threads, hundreds of concurrent
//! streams, and cancellation racing completion. Every async call must get exactly one COMPLETE.

mod common;

use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

fn threads_now() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).unwrap().trim().parse().unwrap()
}

/// Waits until every collector has its COMPLETE, then a moment more, and checks each has exactly
/// one, last.
fn wait_all(collectors: &[Arc<Collector>], limit: Duration) -> Vec<Vec<Event>> {
    let deadline = Instant::now() + limit;
    for (i, c) in collectors.iter().enumerate() {
        let guard = c.events.lock().unwrap();
        let left = deadline.saturating_duration_since(Instant::now());
        let (guard, timeout) = c
            .done
            .wait_timeout_while(guard, left, |evs| !evs.iter().any(|e| e.kind == FASTGPT_EVENT_COMPLETE))
            .unwrap();
        assert!(!timeout.timed_out(), "operation {i}: no COMPLETE within {limit:?}");
        drop(guard);
    }
    std::thread::sleep(Duration::from_millis(100));
    collectors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let events = c.events.lock().unwrap().clone();
            let completes = events.iter().filter(|e| e.kind == FASTGPT_EVENT_COMPLETE).count();
            assert_eq!(completes, 1, "operation {i}: exactly one COMPLETE");
            assert_eq!(events.last().unwrap().kind, FASTGPT_EVENT_COMPLETE, "operation {i}: COMPLETE is last");
            events
        })
        .collect()
}

#[test]
fn sixteen_threads_share_one_client_for_a_thousand_calls_each() {
    let mock = mock();
    let client = Arc::new(Client::for_mock(&mock, json!({"headers": {"x-mock-id": "shared"}})));
    let request = json!({"appId": APP_ID, "pageSize": 5}).to_string();
    let started = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|t| {
            let client = Arc::clone(&client);
            let request = request.clone();
            std::thread::spawn(move || {
                for i in 0..1000 {
                    let reply = call_with(fastgpt_get_chat_histories, &client, &request, std::ptr::null())
                        .unwrap_or_else(|f| panic!("thread {t} call {i}: {f:?}"));
                    assert_eq!(reply.http_status, 200);
                    assert!(reply.json()["list"].is_array(), "thread {t} call {i}: {}", reply.data);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no thread failed");
    }
    assert_eq!(mock.request_count("shared"), 16_000, "every call reached the server exactly once");
    eprintln!("16 x 1000 calls on one client: {:?}", started.elapsed());
}

unsafe fn start_stream(client: &Client, question: &str, cancel: *const fastgpt_cancel) -> Arc<Collector> {
    let collector = Arc::new(Collector::default());
    let request = CString::new(chat_request(question).to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let status = fastgpt_stream_chat_completion_async(
        client.raw(),
        request.as_ptr(),
        cancel,
        Some(collect),
        userdata(&collector),
        &mut err,
    );
    assert_eq!(status, FASTGPT_OK, "start: {:?}", (!err.is_null()).then(|| Failure::take(status, err)));
    collector
}

#[test]
fn two_hundred_concurrent_streams_each_get_their_whole_answer() {
    let mock = mock();
    // slow_stream keeps all of them open at once.
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_stream=50"}}));
    let threads_before = threads_now();
    let questions: Vec<String> = (0..200)
        .map(|i| format!("concurrent stream number {i} of two hundred, long enough to keep it open for a while"))
        .collect();
    let collectors: Vec<_> = questions.iter().map(|q| unsafe { start_stream(&client, q, std::ptr::null()) }).collect();
    // While they run: all open at once, and the library does not hold a thread per stream.
    let deadline = Instant::now() + Duration::from_secs(10);
    while mock.active_streams() < 150 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let peak = mock.active_streams();
    assert!(peak >= 150, "the streams run concurrently (peak {peak})");
    let threads_during = threads_now();
    assert!(threads_during < threads_before + 100, "no thread per stream: {threads_before} -> {threads_during}");

    let all = wait_all(&collectors, Duration::from_secs(60));
    for (q, events) in questions.iter().zip(&all) {
        let reply = outcome(events).unwrap_or_else(|f| panic!("{q}: {f:?}"));
        assert_eq!(text_of(events), format!("Echo: {q}"), "the streamed text");
        let body: Value = serde_json::from_str(&reply.data).unwrap();
        assert_eq!(body["choices"][0]["message"]["content"], format!("Echo: {q}"), "the accumulated answer");
        assert!(events.iter().any(|e| e.kind == FASTGPT_EVENT_DONE), "{q}: [DONE] seen");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.active_streams() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(mock.active_streams(), 0, "every stream finished on the server");
}

/// Spins for about `micros` microseconds (sleep is too coarse for this race).
fn spin(micros: u64) {
    let until = Instant::now() + Duration::from_micros(micros);
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

struct SendPtr(*mut fastgpt_cancel);
unsafe impl Send for SendPtr {}

#[test]
fn cancel_racing_completion_gives_exactly_one_complete_every_time() {
    let mock = mock();
    let client = Arc::new(Client::for_mock(&mock, json!({})));
    let ok = Arc::new(AtomicUsize::new(0));
    let cancelled = Arc::new(AtomicUsize::new(0));
    const WORKERS: usize = 4;
    const PER_WORKER: usize = 800;
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let client = Arc::clone(&client);
            let (ok, cancelled) = (Arc::clone(&ok), Arc::clone(&cancelled));
            std::thread::spawn(move || {
                let request = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
                let stream_request = CString::new(chat_request("race").to_string()).unwrap();
                let mut collectors = Vec::with_capacity(PER_WORKER);
                for i in 0..PER_WORKER {
                    let cancel = fastgpt_cancel_new();
                    let collector = Arc::new(Collector::default());
                    let mut err = std::ptr::null_mut();
                    // Alternate unary calls and streams; delays from 0 to ~6 ms cover "cancelled
                    // before start", "mid-request" and "after completion".
                    let status = unsafe {
                        if i % 2 == 0 {
                            fastgpt_get_chat_histories_async(
                                client.raw(),
                                request.as_ptr(),
                                cancel,
                                Some(collect),
                                userdata(&collector),
                                &mut err,
                            )
                        } else {
                            fastgpt_stream_chat_completion_async(
                                client.raw(),
                                stream_request.as_ptr(),
                                cancel,
                                Some(collect),
                                userdata(&collector),
                                &mut err,
                            )
                        }
                    };
                    assert_eq!(status, FASTGPT_OK);
                    let delay = ((i * 7 + w * 13) % 64) as u64 * 100;
                    let token = SendPtr(cancel);
                    let canceller = std::thread::spawn(move || {
                        let token = token;
                        spin(delay);
                        fastgpt_cancel_trigger(token.0);
                        // Freeing the token while the call may still use it is allowed.
                        fastgpt_cancel_free(token.0);
                    });
                    canceller.join().unwrap();
                    collectors.push(collector);
                }
                for (i, events) in wait_all(&collectors, Duration::from_secs(60)).iter().enumerate() {
                    let last = events.last().unwrap();
                    match last.status {
                        FASTGPT_OK => {
                            assert!(last.reply.is_some(), "worker {w} try {i}: OK carries the response");
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        FASTGPT_ERR_CANCELLED => {
                            assert!(last.error.is_some(), "worker {w} try {i}: CANCELLED carries the error");
                            cancelled.fetch_add(1, Ordering::Relaxed);
                        }
                        other => panic!("worker {w} try {i}: status {other}: {:?}", last.error),
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no worker failed");
    }
    let (ok, cancelled) = (ok.load(Ordering::Relaxed), cancelled.load(Ordering::Relaxed));
    eprintln!("cancel race: {ok} completed, {cancelled} cancelled");
    assert_eq!(ok + cancelled, WORKERS * PER_WORKER);
    assert!(cancelled > 0 && ok > 0, "both sides of the race were exercised");
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.active_streams() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(mock.active_streams(), 0, "cancelled streams closed their connections");
}
