//! Logs through the C ABI: `fastgpt_client_set_log_callback` gets one line per request attempt
//! (with why it is retried or not), stream start/end, the config decisions; levels filter; bodies
//! only at TRACE; `free_userdata` runs exactly once, when the callback can no longer be called;
//! derived clients inherit the callback; `FASTGPT_LOG` logs to stderr (checked in a child process,
//! since the variable is read once per process).

mod common;

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use fastgpt::ffi::log::*;

/// What a log callback received, and how often its userdata was freed.
#[derive(Default)]
struct Lines {
    lines: Mutex<Vec<(i32, String)>>,
    freed: AtomicUsize,
}

impl Lines {
    fn all(&self) -> Vec<(i32, String)> {
        self.lines.lock().unwrap().clone()
    }

    fn matching(&self, prefix: &str) -> Vec<(i32, String)> {
        self.all().into_iter().filter(|(_, l)| l.starts_with(prefix)).collect()
    }
}

unsafe extern "C" fn on_log(userdata: *mut c_void, level: i32, message: *const c_char) {
    let lines = &*(userdata as *const Lines);
    let text = CStr::from_ptr(message).to_str().expect("log lines are UTF-8").to_string();
    assert!(!text.contains('\n'), "one line: {text:?}");
    lines.lines.lock().unwrap().push((level, text));
}

unsafe extern "C" fn free_lines(userdata: *mut c_void) {
    let lines = Arc::from_raw(userdata as *const Lines);
    lines.freed.fetch_add(1, Ordering::SeqCst);
}

/// Installs a collecting callback on `client` at `level`; the library owns one reference.
fn capture(client: *const fastgpt_client, level: i32) -> Arc<Lines> {
    let lines = Arc::new(Lines::default());
    let userdata = Arc::into_raw(Arc::clone(&lines)) as *mut c_void;
    let mut err = std::ptr::null_mut();
    let st = fastgpt_client_set_log_callback(client, level, Some(on_log), userdata, Some(free_lines), &mut err);
    assert_eq!(st, FASTGPT_OK, "{:?}", (!err.is_null()).then(|| Failure::take(st, err)));
    lines
}

fn value(line: &str, key: &str) -> Option<String> {
    let at = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[at..];
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        Some(quoted[..end].to_string())
    } else {
        Some(rest.split(' ').next()?.to_string())
    }
}

fn faulty(mock: &MockServer, fault: &str, id: &str, extra: Value) -> Client {
    let mut config = json!({"headers": {"x-mock-fault": fault, "x-mock-id": id}});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Client::for_mock(mock, config)
}

#[test]
fn a_retried_call_logs_each_attempt_with_why() {
    let mock = mock();
    let client = faulty(&mock, "rate_limit_ms=20;times=2", "log-retry", json!({"max_retries": 2}));
    let lines = capture(client.raw(), FASTGPT_LOG_DEBUG);
    call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).expect("the third attempt succeeds");
    assert_eq!(mock.request_count("log-retry"), 3);

    let attempts = lines.matching("request ");
    assert_eq!(attempts.len(), 3, "one line per attempt: {attempts:#?}");
    for (i, (level, line)) in attempts.iter().enumerate() {
        assert_eq!(value(line, "method").as_deref(), Some("POST"), "{line}");
        assert_eq!(value(line, "path").as_deref(), Some("/api/core/chat/getHistories"), "{line}");
        assert_eq!(value(line, "attempt"), Some((i + 1).to_string()), "{line}");
        let ms: u64 = value(line, "duration_ms").unwrap().parse().expect("a duration");
        assert!(ms < 5000, "{line}");
        if i < 2 {
            assert_eq!(*level, FASTGPT_LOG_WARN, "{line}");
            assert_eq!(value(line, "http_status").as_deref(), Some("429"), "{line}");
            assert_eq!(value(line, "fastgpt_code").as_deref(), Some("429"), "{line}");
            assert_eq!(value(line, "outcome").as_deref(), Some("retry"), "{line}");
            assert_eq!(value(line, "wait_ms").as_deref(), Some("20"), "the server's retry-after-ms: {line}");
            assert!(value(line, "reason").unwrap().contains("not processed"), "{line}");
        } else {
            assert_eq!(*level, FASTGPT_LOG_INFO, "{line}");
            assert_eq!(value(line, "http_status").as_deref(), Some("200"), "{line}");
            assert_eq!(value(line, "fastgpt_code").as_deref(), Some("-"), "{line}");
            assert_eq!(value(line, "outcome").as_deref(), Some("ok"), "{line}");
        }
    }
    let end = lines.matching("call end ");
    assert_eq!(end.len(), 1, "{:#?}", lines.all());
    assert_eq!(end[0].0, FASTGPT_LOG_DEBUG);
    assert_eq!(value(&end[0].1, "result").as_deref(), Some("ok"));
}

#[test]
fn calls_that_are_not_retried_say_why() {
    let mock = mock();
    // A FastGPT error envelope is an answer: one attempt, logged as the failure.
    let client = faulty(&mock, "envelope=514", "log-514", json!({}));
    let lines = capture(client.raw(), FASTGPT_LOG_WARN);
    let f = call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_AUTH);
    let attempts = lines.matching("request ");
    assert_eq!(attempts.len(), 1, "{attempts:#?}");
    let (level, line) = &attempts[0];
    assert_eq!(*level, FASTGPT_LOG_ERROR);
    assert_eq!(
        (value(line, "http_status").as_deref(), value(line, "fastgpt_code").as_deref()),
        (Some("500"), Some("514"))
    );
    assert_eq!(value(line, "outcome").as_deref(), Some("fail"), "{line}");
    assert!(value(line, "reason").unwrap().contains("error code 514"), "{line}");
    assert!(value(line, "error").is_some(), "{line}");

    // Retries run out: the last attempt says so.
    let client = faulty(&mock, "status=503", "log-503", json!({"max_retries": 1}));
    let lines = capture(client.raw(), FASTGPT_LOG_WARN);
    call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap_err();
    let attempts = lines.matching("request ");
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    assert_eq!(value(&attempts[0].1, "outcome").as_deref(), Some("retry"));
    assert_eq!(value(&attempts[1].1, "outcome").as_deref(), Some("fail"));
    assert!(value(&attempts[1].1, "reason").unwrap().contains("max_retries=1"), "{}", attempts[1].1);

    // A completion is not re-sent after a 502 (the app may have run).
    let client = faulty(&mock, "status=502", "log-502", json!({}));
    let lines = capture(client.raw(), FASTGPT_LOG_ERROR);
    call(fastgpt_create_chat_completion, &client, &chat_request("hi")).unwrap_err();
    let attempts = lines.matching("request ");
    assert_eq!(attempts.len(), 1, "{attempts:#?}");
    assert!(value(&attempts[0].1, "reason").unwrap().contains("non-idempotent"), "{}", attempts[0].1);
}

#[test]
fn streams_log_start_and_end_with_counts() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let lines = capture(client.raw(), FASTGPT_LOG_DEBUG);
    let (events, out) = stream(&client, &chat_request("hello stream logs"));
    out.expect("stream ok");
    let start = lines.matching("stream start ");
    assert_eq!(start.len(), 1, "{:#?}", lines.all());
    assert_eq!(start[0].0, FASTGPT_LOG_DEBUG);
    assert_eq!(value(&start[0].1, "http_status").as_deref(), Some("200"));
    assert_eq!(value(&start[0].1, "event_stream").as_deref(), Some("true"));
    let end = lines.matching("stream end ");
    assert_eq!(end.len(), 1, "{:#?}", lines.all());
    let (level, line) = &end[0];
    assert_eq!(*level, FASTGPT_LOG_INFO);
    assert_eq!(value(line, "events"), Some(events.len().to_string()), "every event delivered is counted: {line}");
    assert!(value(line, "bytes").unwrap().parse::<u64>().unwrap() > 0, "{line}");
    assert_eq!(value(line, "result").as_deref(), Some("ok"));

    // A failing stream ends at ERROR with its status.
    let client = faulty(&mock, "truncate", "log-trunc", json!({}));
    let lines = capture(client.raw(), FASTGPT_LOG_INFO);
    let (_, out) = stream(&client, &chat_request("cut"));
    assert_eq!(out.unwrap_err().status, FASTGPT_ERR_STREAM_TRUNCATED);
    let end = lines.matching("stream end ");
    assert_eq!(end.len(), 1, "{:#?}", lines.all());
    assert_eq!(end[0].0, FASTGPT_LOG_ERROR);
    assert_eq!(value(&end[0].1, "status"), Some(FASTGPT_ERR_STREAM_TRUNCATED.to_string()));
    assert!(lines.matching("stream start ").is_empty(), "DEBUG is above INFO");
}

#[test]
fn the_config_line_shows_the_normalised_base_url_and_no_secrets() {
    let mock = mock();
    let config = json!({"base_url": format!("{}/api/v1/", mock.base_url()), "api_key": DEFAULT_KEY,
                        "headers": {"x-tenant-token": "tenant-secret-value"}});
    let client = Client::new(&config.to_string()).unwrap();
    let lines = capture(client.raw(), FASTGPT_LOG_INFO);
    let config_lines = lines.matching("client ");
    assert_eq!(config_lines.len(), 1, "delivered when the callback is set: {:#?}", lines.all());
    let (level, line) = &config_lines[0];
    assert_eq!(*level, FASTGPT_LOG_INFO);
    assert_eq!(value(line, "base_url"), Some(mock.base_url()), "{line}");
    assert_eq!(value(line, "api_key").as_deref(), Some("set"));
    assert_eq!(value(line, "headers").as_deref(), Some("[x-tenant-token]"), "names only: {line}");
    assert!(!line.contains("tenant-secret-value") && !line.contains(DEFAULT_KEY), "{line}");
}

#[test]
fn levels_filter_and_bodies_appear_only_at_trace() {
    let mock = mock();
    let request = json!({"appId": APP_ID, "pageSize": 7, "marker": "body-marker-123"});
    for (level, want_info, want_body) in [
        (FASTGPT_LOG_OFF, false, false),
        (FASTGPT_LOG_ERROR, false, false),
        (FASTGPT_LOG_INFO, true, false),
        (FASTGPT_LOG_DEBUG, true, false),
        (FASTGPT_LOG_TRACE, true, true),
    ] {
        let client = Client::for_mock(&mock, json!({}));
        let lines = capture(client.raw(), level);
        call(fastgpt_get_chat_histories, &client, &request).unwrap();
        let all = lines.all();
        assert!(all.iter().all(|(l, _)| *l <= level && *l >= FASTGPT_LOG_ERROR), "level {level}: {all:#?}");
        assert_eq!(!lines.matching("request ").is_empty(), want_info, "level {level}: {all:#?}");
        let bodies: Vec<_> = all.iter().filter(|(_, l)| l.contains("body-marker-123")).collect();
        assert_eq!(!bodies.is_empty(), want_body, "level {level}: {all:#?}");
        if want_body {
            assert!(all.iter().any(|(l, m)| *l == FASTGPT_LOG_TRACE && m.starts_with("request body ")), "{all:#?}");
            assert!(all.iter().any(|(l, m)| *l == FASTGPT_LOG_TRACE && m.starts_with("response body ")), "{all:#?}");
        }
    }
}

#[test]
fn free_userdata_runs_once_when_the_callback_can_no_longer_be_called() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let first = capture(client.raw(), FASTGPT_LOG_INFO);
    // Replaced: the first userdata is released at once (nothing in flight uses it).
    let second = capture(client.raw(), FASTGPT_LOG_INFO);
    assert_eq!(first.freed.load(Ordering::SeqCst), 1);
    let before = first.all().len();
    call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap();
    assert_eq!(first.all().len(), before, "a replaced callback is not called again");
    assert!(!second.matching("request ").is_empty());

    // A derived client copies the callback: it is released only when both clients are gone.
    let mut derived = std::ptr::null_mut();
    assert_eq!(fastgpt_client_with(client.raw(), std::ptr::null(), &mut derived, std::ptr::null_mut()), FASTGPT_OK);
    let derived = Client(derived);
    drop(client);
    assert_eq!(second.freed.load(Ordering::SeqCst), 0, "the derived client still logs to it");
    let n = second.matching("request ").len();
    call(fastgpt_get_chat_histories, &derived, &json!({"appId": APP_ID})).unwrap_err();
    assert_eq!(second.matching("request ").len(), n, "the parent was freed: the derived call is cancelled before I/O");
    assert!(second.matching("call end ").is_empty(), "INFO level hides DEBUG");
    drop(derived);
    assert_eq!(second.freed.load(Ordering::SeqCst), 1);

    // cb NULL: back to stderr; the previous userdata is released.
    let client = Client::for_mock(&mock, json!({}));
    let third = capture(client.raw(), FASTGPT_LOG_INFO);
    let st = fastgpt_client_set_log_callback(client.raw(), 0, None, std::ptr::null_mut(), None, std::ptr::null_mut());
    assert_eq!(st, FASTGPT_OK);
    assert_eq!(third.freed.load(Ordering::SeqCst), 1);
    drop(client);
    assert_eq!(third.freed.load(Ordering::SeqCst), 1, "exactly once");
}

#[test]
fn an_async_call_in_flight_keeps_the_callback_until_it_completes() {
    let mock = mock();
    let client = faulty(&mock, "slow_first_byte=300", "log-async", json!({}));
    let lines = capture(client.raw(), FASTGPT_LOG_DEBUG);
    let collector = Arc::new(Collector::default());
    let request = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
    let st = unsafe {
        fastgpt_get_chat_histories_async(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    std::thread::sleep(Duration::from_millis(50));
    drop(client);
    let events = collector.wait_complete(Duration::from_secs(10));
    assert_eq!(outcome(&events).unwrap_err().status, FASTGPT_ERR_CANCELLED);
    // The operation may log its end after COMPLETE was queued; the release follows its last line.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while lines.freed.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "free_userdata after the operation is gone");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(lines.freed.load(Ordering::SeqCst), 1);
    let end = lines.matching("call end ");
    assert_eq!(end.len(), 1, "{:#?}", lines.all());
    assert_eq!(value(&end[0].1, "status"), Some(FASTGPT_ERR_CANCELLED.to_string()));
}

#[test]
fn bad_levels_are_rejected_and_nothing_is_kept() {
    let client = Client::new("{}").unwrap();
    for level in [-1, 6, 100, i32::MIN, i32::MAX] {
        let lines = Arc::new(Lines::default());
        let userdata = Arc::into_raw(Arc::clone(&lines)) as *mut c_void;
        let mut err = std::ptr::null_mut();
        let st =
            fastgpt_client_set_log_callback(client.raw(), level, Some(on_log), userdata, Some(free_lines), &mut err);
        let f = Failure::take(st, err);
        assert_eq!(f.status, FASTGPT_ERR_INVALID_ARGUMENT, "{level}");
        assert!(f.message.contains("level"), "{}", f.message);
        assert_eq!(lines.freed.load(Ordering::SeqCst), 0, "a failed call does not take userdata");
        drop(unsafe { Arc::from_raw(userdata as *const Lines) });
    }
    let st = fastgpt_client_set_log_callback(
        std::ptr::null(),
        3,
        Some(on_log),
        std::ptr::null_mut(),
        None,
        std::ptr::null_mut(),
    );
    assert_eq!(st, FASTGPT_ERR_NULL_ARGUMENT);
}

/// The child half of `fastgpt_log_writes_to_stderr`: runs only when the parent sets the marker.
#[test]
fn stderr_child() {
    let Ok(base) = std::env::var("FASTGPT_LOG_TEST_BASE") else { return };
    let id = std::env::var("FASTGPT_LOG_TEST_ID").unwrap();
    let client = Client::new(
        &json!({"base_url": base, "api_key": DEFAULT_KEY,
        "headers": {"x-mock-fault": "rate_limit_ms=5;times=1", "x-mock-id": id}})
        .to_string(),
    )
    .unwrap();
    call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap();
    // A client with a callback writes nothing to stderr.
    let quiet = Client::new(&json!({"base_url": base, "api_key": DEFAULT_KEY}).to_string()).unwrap();
    let _lines = capture(quiet.raw(), FASTGPT_LOG_TRACE);
    call(fastgpt_get_chat_histories, &quiet, &json!({"appId": APP_ID, "marker": "quiet-client"})).unwrap();
}

fn run_child(mock: &MockServer, log: Option<&str>) -> String {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "stderr_child", "--nocapture", "--test-threads=1"])
        .env("FASTGPT_LOG_TEST_BASE", mock.base_url())
        .env("FASTGPT_LOG_TEST_ID", format!("stderr-{log:?}"));
    match log {
        Some(l) => cmd.env("FASTGPT_LOG", l),
        None => cmd.env_remove("FASTGPT_LOG"),
    };
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn fastgpt_log_writes_to_stderr() {
    let mock = mock();
    let stderr = run_child(&mock, Some("debug"));
    let ours: Vec<&str> = stderr.lines().filter(|l| l.contains(" libfastgpt ")).collect();
    // `2026-11-30T09:12:47.123Z libfastgpt WARN  request ...`
    assert!(ours.iter().all(|l| l.len() > 24 && l.as_bytes()[10] == b'T' && l[..24].ends_with('Z')), "{stderr}");
    assert!(ours.iter().any(|l| l.contains(" INFO  client base_url=")), "{stderr}");
    assert!(ours.iter().any(|l| l.contains(" WARN  request ") && l.contains("outcome=retry")), "{stderr}");
    assert!(
        ours.iter().any(|l| l.contains(" INFO  request ") && l.contains("attempt=2") && l.contains("outcome=ok")),
        "{stderr}"
    );
    assert!(ours.iter().any(|l| l.contains(" DEBUG call end ")), "{stderr}");
    assert!(!stderr.contains("quiet-client") && !stderr.contains(" TRACE "), "a callback replaces stderr: {stderr}");
    assert!(!stderr.contains(DEFAULT_KEY));

    let stderr = run_child(&mock, Some("warn"));
    assert!(stderr.lines().any(|l| l.contains(" WARN  request ")), "{stderr}");
    assert!(!stderr.contains(" INFO "), "{stderr}");

    for off in [None, Some("off")] {
        let stderr = run_child(&mock, off);
        assert!(!stderr.contains("libfastgpt"), "{off:?}: {stderr}");
    }
    let stderr = run_child(&mock, Some("loud"));
    assert!(stderr.contains("FASTGPT_LOG=\"loud\" is not one of"), "a typo is reported once: {stderr}");
    assert_eq!(stderr.matches("libfastgpt").count(), 1, "{stderr}");
}
