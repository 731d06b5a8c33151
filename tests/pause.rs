//! Flow control: a callback returns FASTGPT_CB_PAUSE, the operation holds no thread and stops
//! reading its stream, `fastgpt_operation_resume` delivers the kept event again. The 1,000-stream
//! check is a C program (tests/c/pause.c); the edge cases are driven from Rust through the C ABI.

#[path = "common/cc.rs"]
mod cc;
mod common;

use std::ffi::{c_void, CString};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use common::*;

fn run_c(mock: &MockServer, args: &[&str]) -> String {
    let exe = cc::compile_c("tests/c/pause.c");
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", DEFAULT_KEY)
        .env("FASTGPT_APP_ID", APP_ID);
    cc::sanitizer_env(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("pause {args:?}:\n{stdout}");
    assert!(out.status.success(), "pause {args:?}: {stdout}\n{stderr}");
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    stdout
}

fn sanitized() -> bool {
    std::env::var("FASTGPT_SANITIZE").is_ok_and(|s| !s.is_empty())
}

fn number(out: &str, key: &str) -> i64 {
    let at = out.find(&format!("{key} ")).unwrap_or_else(|| panic!("{key:?} in {out}")) + key.len() + 1;
    out[at..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn a_thousand_paused_streams_hold_no_threads_and_all_complete_when_resumed() {
    let mock = mock();
    let out = run_c(&mock, &["many", "1000"]);
    assert_eq!(number(&out, "paused"), 1000, "{out}");
    assert_eq!(number(&out, "completes_while_paused"), 0, "nothing completes while paused");
    let bound = (1 + fastgpt::runtime::io_worker_threads() + 4) as i64;
    assert!(number(&out, "threads") <= bound, "threads while 1000 streams are paused, bound {bound}: {out}");
    // (A sanitizer's shadow memory is not the library's.)
    let rss = number(&out, "rss_per_stream_kb");
    assert!(rss <= 50 || sanitized(), "RSS per paused stream: {rss} KB");
    assert_eq!(number(&out, "completes"), 1000, "{out}");
    assert_eq!(number(&out, "right"), 1000, "every stream has its whole answer: {out}");
}

#[test]
fn a_paused_stream_is_no_longer_read() {
    let mock = mock();
    let out = run_c(&mock, &["big"]);
    // 200,000 events (28 MB on the wire, far more as events) are not read while paused: the growth
    // is the 1 MiB buffer, socket buffers and the runtime's first start, not the stream.
    let growth = number(&out, "rss_growth_kb");
    assert!(growth < 8192 || sanitized(), "RSS grew {growth} KB while paused");
    assert_eq!(number(&out, "events"), 200_000, "{out}");
    assert_eq!(number(&out, "status"), FASTGPT_OK as i64);
}

/// A callback that pauses at the first event, keeping the operation.
#[derive(Default)]
struct Pauser {
    collector: Collector,
    paused_once: AtomicBool,
    /// Resume from inside the callback, before it returns FASTGPT_CB_PAUSE.
    resume_inside: bool,
    op: Mutex<usize>,
    operation_was_null: AtomicBool,
}

impl Pauser {
    fn op(&self) -> *mut fastgpt_operation {
        *self.op.lock().unwrap() as *mut fastgpt_operation
    }

    fn wait_paused(&self) {
        for _ in 0..2000 {
            if self.paused_once.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("never paused");
    }
}

unsafe extern "C" fn pausing(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    let p = &*(userdata as *const Pauser);
    let ev = &*event;
    if ev.operation.is_null() {
        p.operation_was_null.store(true, Ordering::SeqCst);
    }
    if ev.kind != FASTGPT_EVENT_COMPLETE && !p.paused_once.load(Ordering::SeqCst) {
        let op = fastgpt_operation_retain(ev.operation);
        *p.op.lock().unwrap() = op as usize;
        if p.resume_inside {
            assert_eq!(fastgpt_operation_resume(op, std::ptr::null_mut()), FASTGPT_OK);
        }
        p.paused_once.store(true, Ordering::SeqCst);
        return FASTGPT_CB_PAUSE;
    }
    collect(&p.collector as *const Collector as *mut c_void, event)
}

fn keep(p: Pauser) -> &'static Pauser {
    // The library's userdata: kept for the whole test process (as common::userdata does).
    Box::leak(Box::new(p))
}

fn start(client: &Client, question: &str, cancel: *const fastgpt_cancel, p: &'static Pauser) {
    let req = CString::new(chat_request(question).to_string()).unwrap();
    let st = unsafe {
        fastgpt_stream_chat_completion_async(
            client.raw(),
            req.as_ptr(),
            cancel,
            Some(pausing),
            p as *const Pauser as *mut c_void,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
}

#[test]
fn a_resume_before_the_callback_returns_undoes_its_pause() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let p = keep(Pauser { resume_inside: true, ..Default::default() });
    start(&client, "resumed at once", std::ptr::null(), p);
    let events = p.collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.last().unwrap().status, FASTGPT_OK);
    assert_eq!(text_of(&events), "Echo: resumed at once", "the kept event came again");
    // The handle outlives the operation: resuming it now does nothing.
    assert_eq!(fastgpt_operation_resume(p.op(), std::ptr::null_mut()), FASTGPT_OK);
    fastgpt_operation_free(p.op());
    assert!(!p.operation_was_null.load(Ordering::SeqCst), "async events carry their operation");
}

#[test]
fn resume_delivers_the_kept_event_then_the_rest() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let p = keep(Pauser::default());
    start(&client, "paused then resumed", std::ptr::null(), p);
    p.wait_paused();
    std::thread::sleep(Duration::from_millis(200));
    assert!(p.collector.events.lock().unwrap().is_empty(), "nothing is delivered while paused");
    assert_eq!(fastgpt_operation_resume(p.op(), std::ptr::null_mut()), FASTGPT_OK);
    let events = p.collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.last().unwrap().status, FASTGPT_OK);
    assert_eq!(text_of(&events), "Echo: paused then resumed");
    fastgpt_operation_free(p.op());
}

#[test]
fn a_cancel_or_client_free_ends_a_paused_operation() {
    let mock = mock();
    // The stream still running (50,000 events: it waits for room) or already read to its end.
    for (long, end) in [(true, "cancel"), (false, "cancel"), (true, "free"), (false, "free")] {
        let extra = if long { json!({"headers": {"x-mock-stream-events": "50000"}}) } else { json!({}) };
        let client = Client::for_mock(&mock, extra);
        let cancel = fastgpt_cancel_new();
        let p = keep(Pauser::default());
        start(&client, "never resumed", cancel, p);
        p.wait_paused();
        std::thread::sleep(Duration::from_millis(300));
        if end == "cancel" {
            fastgpt_cancel_trigger(cancel);
        } else {
            drop(client);
        }
        let events = p.collector.wait_complete(Duration::from_secs(10));
        assert_eq!(events.len(), 1, "long {long}, {end}: only the COMPLETE, not the kept event");
        assert_eq!(events[0].status, FASTGPT_ERR_CANCELLED, "long {long}, {end}");
        fastgpt_operation_free(p.op());
        fastgpt_cancel_free(cancel);
    }
}

#[test]
fn a_blocking_stream_cannot_pause() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let p = keep(Pauser::default());
    let req = CString::new(chat_request("blocking pause").to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let st = unsafe {
        fastgpt_stream_chat_completion(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(pausing),
            p as *const Pauser as *mut c_void,
            std::ptr::null_mut(),
            &mut err,
        )
    };
    let failure = Failure::take(st, err);
    assert_eq!(failure.status, FASTGPT_ERR_INVALID_ARGUMENT);
    assert!(failure.message.contains("FASTGPT_CB_PAUSE"), "{}", failure.message);
    assert!(p.op().is_null() && p.operation_was_null.load(Ordering::SeqCst), "blocking events carry no operation");
    assert!(p.collector.events.lock().unwrap().is_empty(), "nothing after the pause");
}

#[test]
fn pausing_many_streams_on_one_callback_thread_still_delivers_the_others() {
    // With a single callback thread, a paused operation must not hold it.
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"callback_threads": 1}));
    let paused: Vec<_> = (0..20).map(|_| keep(Pauser::default())).collect();
    for (i, p) in paused.iter().enumerate() {
        start(&client, &format!("held {i}"), std::ptr::null(), p);
    }
    for p in &paused {
        p.wait_paused();
    }
    let (events, out) = stream_async(&client, &chat_request("not paused"));
    assert_eq!(out.unwrap().http_status, 200);
    assert_eq!(text_of(&events), "Echo: not paused");
    for p in &paused {
        assert_eq!(fastgpt_operation_resume(p.op(), std::ptr::null_mut()), FASTGPT_OK);
    }
    for (i, p) in paused.iter().enumerate() {
        let events = p.collector.wait_complete(Duration::from_secs(10));
        assert_eq!(text_of(&events), format!("Echo: held {i}"));
        fastgpt_operation_free(p.op());
    }
}
