//! How events reach callbacks: a bounded number of callback threads, no wake-ups while idle, no
//! event after a cancel, exactly one COMPLETE even when the library panics while building one, and
//! a failed thread spawn that loses nothing. The C-caller checks are tests/c/delivery.c.

#[path = "common/cc.rs"]
mod cc;
mod common;

use std::ffi::{c_void, CString};
use std::io::{Read, Write};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::*;

/// The tests that start callback threads in this process take turns, so the spawn-failure hook
/// fails the spawns of the test that set it.
static IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_c(mock: &MockServer, args: &[&str]) -> String {
    let exe = cc::compile_c("tests/c/delivery.c");
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", DEFAULT_KEY)
        .env("FASTGPT_APP_ID", APP_ID);
    cc::sanitizer_env(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "delivery {args:?}: {stdout}\n{stderr}");
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    eprintln!("delivery {args:?}:\n{stdout}");
    stdout
}

/// The number after `key ` in `out`.
fn number(out: &str, key: &str) -> i64 {
    let at = out.find(&format!("{key} ")).unwrap_or_else(|| panic!("{key:?} in {out}")) + key.len() + 1;
    out[at..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn slow_callbacks_do_not_add_threads_beyond_the_bound() {
    let mock = mock();
    // 300 async calls whose COMPLETE sleeps 100 ms: once a thread per blocked callback.
    let out = run_c(&mock, &["threads", "300", "100"]);
    assert_eq!(number(&out, "completes"), 300);
    // The documented bound: the main thread, the I/O workers, callback_threads (default 4); no DNS
    // thread runs (the base URL is an IP address).
    let bound = 1 + fastgpt::runtime::io_worker_threads() + 4;
    let max = number(&out, "max") as usize;
    assert!(max <= bound, "threads: {max} > bound {bound}");
}

#[test]
fn nothing_wakes_while_one_callback_blocks_and_nothing_is_queued() {
    let mock = mock();
    let out = run_c(&mock, &["ctxsw"]);
    assert!(out.contains("still blocked: yes"), "{out}");
    assert_eq!(number(&out, "ctxsw"), 0, "context switches of library threads over 2 s:\n{out}");
}

#[test]
fn no_event_is_delivered_after_the_cancel_returns() {
    let mock = mock();
    let out = run_c(&mock, &["cancel"]);
    assert_eq!(number(&out, "async further events"), 0, "{out}");
    assert_eq!(number(&out, "blocking further events"), 0, "{out}");
    for mode in ["async", "blocking"] {
        let line = out.lines().find(|l| l.starts_with(mode)).unwrap();
        assert_eq!(number(line, "status"), FASTGPT_ERR_CANCELLED as i64, "{line}");
    }
}

#[test]
fn callback_threads_is_a_checked_config_key() {
    let _turn = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    for bad in [json!({"callback_threads": 0}), json!({"callback_threads": 257}), json!({"callback_threads": "4"})] {
        let err = Client::new(&bad.to_string()).err().expect("rejected");
        assert_eq!(err.status, FASTGPT_ERR_INVALID_ARGUMENT, "{bad}");
        assert!(err.message.contains("callback_threads"), "{}", err.message);
    }
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"callback_threads": 1}));
    let (events, out) = stream_async(&client, &chat_request("one thread"));
    assert_eq!(out.unwrap().http_status, 200);
    assert_eq!(text_of(&events), "Echo: one thread");
}

/// An HTTP server that answers every request with `body` (JSON), for answers the mock never gives.
fn fixed_server(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut buf = [0u8; 8192];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn response_data_is_null_when_the_envelope_has_no_data() {
    let base = fixed_server(r#"{"code":200,"statusText":"","message":""}"#);
    let client = Client::new(&json!({"base_url": base, "api_key": "k", "max_retries": 0}).to_string()).unwrap();
    let reply = call(fastgpt_delete_chat_history, &client, &json!({"appId": APP_ID, "chatId": "c1"})).unwrap();
    assert_eq!(reply.data, "null", "the data of an envelope without `data` is JSON null");
    assert_eq!(reply.json(), Value::Null);
}

fn start_histories(client: &Client, collector: &Arc<Collector>) -> *mut c_void {
    let req = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
    let ud = userdata(collector);
    let st = unsafe {
        fastgpt_get_chat_histories_async(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(collect),
            ud,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    ud
}

#[test]
fn a_panic_while_building_an_event_or_the_complete_ends_in_one_complete_with_panic() {
    let _turn = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    use fastgpt::ffi::event::test_hooks::{PANIC_BUILDING_COMPLETE, PANIC_BUILDING_EVENT};
    use std::sync::atomic::Ordering;
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));

    // An event: the operation ends, its COMPLETE says PANIC (not ABORTED_BY_CALLBACK).
    let collector = Arc::new(Collector::default());
    let ud = userdata(&collector);
    PANIC_BUILDING_EVENT.store(ud as usize, Ordering::SeqCst);
    let req = CString::new(chat_request("panic in an event").to_string()).unwrap();
    let st = unsafe {
        fastgpt_stream_chat_completion_async(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(collect),
            ud,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    let events = collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.len(), 1, "the panicking event is not delivered, nor any after it: {events:?}");
    assert_eq!(events[0].status, FASTGPT_ERR_PANIC, "{:?}", events[0].error);

    // The same in a blocking stream.
    let collector = Arc::new(Collector::default());
    PANIC_BUILDING_EVENT.store(Arc::as_ptr(&collector) as usize, Ordering::SeqCst);
    let (events, out) = stream_with(&client, &chat_request("panic in a blocking event"), collector, std::ptr::null());
    assert!(events.is_empty());
    assert_eq!(out.unwrap_err().status, FASTGPT_ERR_PANIC);

    // The COMPLETE itself, of a unary call and of a stream: still exactly one, with PANIC.
    for stream in [false, true] {
        let collector = Arc::new(Collector::default());
        PANIC_BUILDING_COMPLETE.store(Arc::as_ptr(&collector) as usize, Ordering::SeqCst);
        if stream {
            start_stream_async(&client, &chat_request("panic in the complete"), &collector);
        } else {
            start_histories(&client, &collector);
        }
        let events = collector.wait_complete(Duration::from_secs(10));
        let last = events.last().unwrap();
        assert_eq!(last.status, FASTGPT_ERR_PANIC, "stream {stream}");
        assert_eq!(last.error.as_ref().unwrap().code, FASTGPT_ERR_PANIC);
        assert!(last.reply.is_none());
    }
}

#[test]
fn a_failed_thread_spawn_delays_the_complete_but_never_loses_it() {
    use std::sync::atomic::Ordering;
    let _turn = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let mock = mock();
    // A new client starts with no callback thread: its first COMPLETE needs a spawn. The first
    // attempt and four retries fail (10 + 20 + 40 + 80 ms), the fifth retry starts the thread.
    let client = Client::for_mock(&mock, json!({}));
    fastgpt::delivery::FAIL_NEXT_SPAWNS.store(5, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let collector = Arc::new(Collector::default());
    start_histories(&client, &collector);
    let events = collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.last().unwrap().status, FASTGPT_OK);
    assert_eq!(fastgpt::delivery::FAIL_NEXT_SPAWNS.load(Ordering::SeqCst), 0, "the spawns failed and were retried");
    assert!(started.elapsed() >= Duration::from_millis(150), "delivered after the retries: {:?}", started.elapsed());

    // Many operations queued while spawning fails: all delivered once a spawn succeeds.
    let client = Client::for_mock(&mock, json!({"callback_threads": 2}));
    fastgpt::delivery::FAIL_NEXT_SPAWNS.store(3, Ordering::SeqCst);
    let collectors: Vec<_> = (0..50).map(|_| Arc::new(Collector::default())).collect();
    for c in &collectors {
        start_histories(&client, c);
    }
    for c in &collectors {
        assert_eq!(c.wait_complete(Duration::from_secs(10)).last().unwrap().status, FASTGPT_OK);
    }
}
