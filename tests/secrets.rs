//! The API key never leaks: a recognisable key goes through every error path (auth, connect,
//! timeout, HTML page, envelopes, decode errors, stream errors, redirects to another origin,
//! servers that echo the Authorization header back) and must appear in no message, no error
//! body, no event, no Debug output and no stderr of a C program. Where a server echoes it, the
//! library keeps "[REDACTED]" instead. A cross-origin redirect must not carry it at all.
//! Logs too, at every level: a log callback at TRACE (bodies included) and `FASTGPT_LOG=trace`
//! on a C program's stderr.

#[path = "common/cc.rs"]
mod cc;
mod common;

use std::ffi::{c_char, c_void, CStr};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::*;
use fastgpt::ffi::log::*;

const KEY: &str = "fastgpt-SECRETsecretSECRET1234567890abcdef";
/// Parts a careless implementation might leak even if the whole key is filtered.
const KEY_CORE: &str = "SECRETsecretSECRET1234567890abcdef";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY_CORE), "{what} leaks the API key: {text}");
}

/// Checks every part of a failure and its Debug form.
fn assert_failure_clean(what: &str, f: &Failure) {
    assert_clean(&format!("{what}: message"), &f.message);
    if let Some(body) = &f.body {
        assert_clean(&format!("{what}: error body"), &String::from_utf8_lossy(body));
    }
    assert_clean(&format!("{what}: Debug"), &format!("{f:?}"));
}

fn events_clean(what: &str, events: &[Event]) {
    for e in events {
        if let Some(err) = &e.error {
            assert_failure_clean(&format!("{what}: event {} error", e.kind), err);
        }
    }
}

/// A client with the secret key, for `base_url`, plus extra config.
fn secret_client(base_url: &str, extra: Value) -> Client {
    let mut config = json!({"base_url": base_url, "api_key": KEY, "max_retries": 0});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Client::new(&config.to_string()).expect("client")
}

/// A one-connection-at-a-time HTTP/1.1 server: records each request's head, answers with
/// `respond(head)` = (status line, content type, body), closes the connection.
struct RawServer {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

fn raw_server(respond: impl Fn(&str) -> (String, String, Vec<u8>) + Send + 'static) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                head.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen.lock().unwrap().push(head.clone());
            let (status, content_type, body) = respond(&head);
            let mut answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(&body);
            let _ = stream.write_all(&answer);
        }
    });
    RawServer { url, heads }
}

/// The Authorization header of a request head, as received.
fn authorization(head: &str) -> String {
    head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")).unwrap_or("").to_string()
}

fn unary_failure(client: &Client) -> Failure {
    let err = call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID})).expect_err("an error");
    let (_, async_out) = call_async(fastgpt_get_chat_histories_async, client, &json!({"appId": APP_ID}));
    let async_err = async_out.expect_err("an error");
    assert_eq!(async_err.message, err.message, "async errors are the same");
    assert_failure_clean("async", &async_err);
    err
}

#[test]
fn the_key_appears_in_no_error_of_any_kind() {
    let mock = mock();
    let mut checked = 0;

    // Auth: the mock does not know this key (514), also on a stream (HTTP 200 event: error).
    let client = secret_client(&mock.base_url(), json!({}));
    let f = unary_failure(&client);
    assert_eq!((f.status, f.api_code), (FASTGPT_ERR_AUTH, 514));
    assert_failure_clean("auth", &f);
    let (events, out) = stream(&client, &chat_request("hi"));
    let f = out.unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_AUTH);
    assert_failure_clean("auth stream", &f);
    events_clean("auth stream", &events);
    checked += 3;

    // Faults of the mock, with a valid key so that the key is really sent (the mock takes it).
    let mock_with_key = mock_with(MockConfig { keys: vec![KEY.to_string()], ..MockConfig::default() });
    for (fault, status) in [
        ("html_404", FASTGPT_ERR_HTTP),
        ("status=502", FASTGPT_ERR_HTTP),
        ("status=401", FASTGPT_ERR_AUTH),
        ("envelope=514", FASTGPT_ERR_AUTH),
        ("envelope=500004", FASTGPT_ERR_QUOTA),
        ("envelope=400", FASTGPT_ERR_INVALID_ARGUMENT), // a zod validation error
        ("envelope_200=403", FASTGPT_ERR_AUTH),
        ("rate_limit_ms=10", FASTGPT_ERR_RATE_LIMITED),
        ("malformed_json", FASTGPT_ERR_DECODE),
        ("huge_body=100000", FASTGPT_ERR_DECODE),
        ("reset_before_headers", FASTGPT_ERR_CONNECT),
    ] {
        let client = secret_client(
            &mock_with_key.base_url(),
            json!({"headers": {"x-mock-fault": fault}, "max_response_bytes": 50000}),
        );
        let f = unary_failure(&client);
        assert_eq!(f.status, status, "{fault}: {f:?}");
        assert_failure_clean(fault, &f);
        checked += 2;
    }
    for (fault, status) in [
        ("error_200", FASTGPT_ERR_AUTH),
        ("error_mid_stream", FASTGPT_ERR_API),
        ("truncate", FASTGPT_ERR_STREAM_TRUNCATED),
        ("reset_mid_stream", FASTGPT_ERR_STREAM_TRUNCATED),
        ("huge_event=100000", FASTGPT_ERR_DECODE),
        ("malformed_json", FASTGPT_ERR_DECODE),
        ("html_404", FASTGPT_ERR_HTTP),
        // A stream request answered with a JSON echo of the request headers.
        ("echo_headers", FASTGPT_ERR_DECODE),
    ] {
        let client = secret_client(
            &mock_with_key.base_url(),
            json!({"headers": {"x-mock-fault": fault}, "max_event_bytes": 50000}),
        );
        let (events, out) = stream(&client, &chat_request("hi"));
        let f = out.unwrap_err();
        assert_eq!(f.status, status, "{fault}: {f:?}");
        assert_failure_clean(fault, &f);
        events_clean(fault, &events);
        let (events, out) = stream_async(&client, &chat_request("hi"));
        assert_failure_clean(fault, &out.unwrap_err());
        events_clean(fault, &events);
        checked += 2;
        if fault == "echo_headers" {
            let body = String::from_utf8_lossy(f.body.as_deref().unwrap()).into_owned();
            assert!(body.contains("Bearer [REDACTED]"), "the echoed header is kept redacted: {body}");
        }
    }

    // Connect error (closed port) and timeout.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = secret_client(&format!("http://127.0.0.1:{port}"), json!({}));
    let f = unary_failure(&client);
    assert_eq!(f.status, FASTGPT_ERR_CONNECT);
    assert_failure_clean("connect", &f);
    let client = secret_client(
        &mock_with_key.base_url(),
        json!({"timeout_ms": 200, "headers": {"x-mock-fault": "slow_first_byte=2000"}}),
    );
    let f = unary_failure(&client);
    assert_eq!(f.status, FASTGPT_ERR_TIMEOUT);
    assert_failure_clean("timeout", &f);
    let client = secret_client(
        &mock_with_key.base_url(),
        json!({"stream_idle_timeout_ms": 200, "headers": {"x-mock-fault": "stall_mid_stream=2000"}}),
    );
    let (events, out) = stream(&client, &chat_request("hi"));
    let f = out.unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_TIMEOUT);
    assert_failure_clean("idle timeout", &f);
    events_clean("idle timeout", &events);
    checked += 5;
    eprintln!("{checked} error paths checked");
}

#[test]
fn a_server_echoing_the_key_gets_it_redacted_in_every_error() {
    // HTTP 500 with a FastGPT envelope whose message quotes the Authorization header, and the
    // same as plain text and as an HTML page.
    let envelope = raw_server(|head| {
        let auth = authorization(head);
        let body = json!({"code": 500, "statusText": "error", "message": format!("rejected {auth}"), "data": null});
        ("500 Internal Server Error".into(), "application/json".into(), body.to_string().into_bytes())
    });
    let plain = raw_server(|head| {
        ("502 Bad Gateway".into(), "text/plain".into(), format!("upstream said: {}", authorization(head)).into_bytes())
    });
    let page = raw_server(|head| {
        ("200 OK".into(), "text/html".into(), format!("<html>{}</html>", authorization(head)).into_bytes())
    });
    // A stream answered with an `event: error` frame quoting it (as FastGPT does for early errors).
    let sse_error = raw_server(|head| {
        let data = json!({"message": format!("bad {}", authorization(head))});
        ("200 OK".into(), "text/event-stream".into(), format!("event: error\ndata: {data}\n\n").into_bytes())
    });
    for (name, server, status) in [
        ("envelope", &envelope, FASTGPT_ERR_API),
        ("plain", &plain, FASTGPT_ERR_HTTP),
        ("page", &page, FASTGPT_ERR_DECODE),
        ("sse error", &sse_error, FASTGPT_ERR_DECODE),
    ] {
        let client = secret_client(&server.url, json!({}));
        let f = unary_failure(&client);
        assert_eq!(f.status, status, "{name}: {f:?}");
        assert_failure_clean(name, &f);
        let body = String::from_utf8_lossy(f.body.as_deref().expect("the body is kept")).into_owned();
        assert!(body.contains("Bearer [REDACTED]"), "{name}: {body}");
        if name != "page" {
            assert!(f.message.contains("[REDACTED]"), "{name}: the message quotes the body: {}", f.message);
        }
        assert!(authorization(&server.heads.lock().unwrap()[0]).contains(KEY), "{name}: the key was sent");
    }
    // Streams: the ERROR event's error and the final error.
    for client in [secret_client(&sse_error.url, json!({})), secret_client(&envelope.url, json!({}))] {
        let (events, out) = stream(&client, &chat_request("hi"));
        let f = out.unwrap_err();
        assert_failure_clean("stream", &f);
        assert!(f.message.contains("[REDACTED]"), "{}", f.message);
        events_clean("stream", &events);
        let (events, out) = stream_async(&client, &chat_request("hi"));
        assert_failure_clean("async stream", &out.unwrap_err());
        events_clean("async stream", &events);
    }
}

#[test]
fn a_redirect_to_another_origin_does_not_carry_the_key() {
    let elsewhere = raw_server(|head| {
        // Echo everything received, so a leaked key would also show up in the error body.
        ("500 Internal Server Error".into(), "text/plain".into(), head.as_bytes().to_vec())
    });
    let mock = mock_with(MockConfig { keys: vec![KEY.to_string()], ..MockConfig::default() });
    let target = format!("{}/api/core/chat/getHistories", elsewhere.url);
    let client = secret_client(
        &mock.base_url(),
        json!({"headers": {"x-mock-fault": format!("redirect={target}"), "x-mock-id": "redir"}}),
    );
    let f = call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_HTTP, "{f:?}");
    assert_failure_clean("redirect", &f);
    let heads = elsewhere.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "the redirect was followed");
    assert_eq!(authorization(&heads[0]), "", "no Authorization header crosses origins: {}", heads[0]);
    assert_clean("the other origin's request", &heads[0]);
    // The first hop did carry it (so the test is meaningful).
    let stats: Value =
        serde_json::from_str(&reqwest_free_get(&format!("{}/mock/stats?id=redir", mock.base_url()))).unwrap();
    assert_eq!(stats["headers"]["authorization"], format!("Bearer {KEY}"), "{stats}");

    // Same host, other port: also another origin.
    let streams =
        raw_server(|head| ("500 Internal Server Error".into(), "text/plain".into(), head.as_bytes().to_vec()));
    let client = secret_client(
        &mock.base_url(),
        json!({"headers": {"x-mock-fault": format!("redirect={}/api/v1/chat/completions", streams.url)}}),
    );
    let (_, out) = stream(&client, &chat_request("hi"));
    assert_failure_clean("stream redirect", &out.unwrap_err());
    assert_eq!(authorization(&streams.heads.lock().unwrap()[0]), "");
}

/// A plain GET without the library (the mock's test endpoints need no auth).
fn reqwest_free_get(url: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let (host, path) = addr.split_at(addr.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let body = &out[out.find("\r\n\r\n").unwrap() + 4..];
    // The mock answers with a content-length body (no chunked encoding for small JSON).
    body.to_string()
}

#[test]
fn debug_output_and_config_errors_never_show_the_key() {
    let config = fastgpt::config::Config::from_json(&json!({"api_key": KEY}), |_| None).unwrap();
    assert_clean("Config Debug", &format!("{config:?}"));
    assert_clean("Config Debug (pretty)", &format!("{config:#?}"));
    let err = fastgpt::Error::new(fastgpt::ErrorKind::Api, format!("said {KEY}")).with_body(KEY.as_bytes()).redact(KEY);
    assert_clean("Error Debug", &format!("{err:?}"));
    assert_clean("Error Display", &format!("{err}"));

    // Bad configs that contain the key: the error never quotes it.
    for config in [
        json!({"api_key": format!("{KEY}\n")}),
        json!({"api_key": format!("{KEY} x")}),
        json!({"api_key": format!("{KEY}\u{e9}")}),
        json!({"base_url": format!("http://user:{KEY}@127.0.0.1:1")}),
        json!({"base_url": format!("http://127.0.0.1:1/?key={KEY}")}),
        json!({"headers": {"Authorization": format!("Bearer {KEY}")}}),
        json!({"headers": {"x-api-key": format!("{KEY}\n")}}),
        json!({"proxy": format!("not a url {KEY}")}),
        json!({"api_key": KEY, "timeout_ms": "x"}),
        json!({"api_key": KEY, "unknown": 1}),
    ] {
        if let Err(f) = Client::new(&config.to_string()) {
            assert_failure_clean(&format!("config {config}"), &f);
        }
    }
}

#[test]
fn c_program_stderr_never_shows_the_key() {
    let mock = mock();
    let exe = cc::compile_c("examples/chat.c");
    let stream_exe = cc::compile_c("examples/stream_chat.c");
    // A server quoting the Authorization header in its error message.
    let echo = raw_server(|head| {
        let body = json!({"code": 500, "statusText": "error", "message": format!("rejected {}", authorization(head)), "data": null});
        ("500 Internal Server Error".into(), "application/json".into(), body.to_string().into_bytes())
    });
    // The key comes from FASTGPT_API_KEY (the examples put none in their config).
    for case in [
        (&exe, mock.base_url(), None),
        (&exe, mock.base_url(), Some(r#"{"headers": {"x-mock-fault": "html_404"}}"#)),
        (&exe, echo.url.clone(), None),
        (&stream_exe, mock.base_url(), None),
        (&stream_exe, mock.base_url(), Some(r#"{"headers": {"x-mock-fault": "error_200"}}"#)),
        (&stream_exe, echo.url.clone(), None),
    ]
    .into_iter()
    .flat_map(|case| [(case.clone(), None), (case, Some("trace"))])
    {
        let ((exe, base, config), log) = case;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("hello").env("FASTGPT_BASE_URL", &base).env("FASTGPT_API_KEY", KEY);
        match log {
            Some(level) => cmd.env("FASTGPT_LOG", level),
            None => cmd.env_remove("FASTGPT_LOG"),
        };
        cc::sanitizer_env(&mut cmd);
        if let Some(c) = config {
            cmd.env("FASTGPT_CONFIG", c);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.is_empty());
        assert_clean(&format!("{} output (FASTGPT_LOG={log:?})", exe.display()), &all);
        if base == echo.url {
            assert!(all.contains("rejected authorization: Bearer [REDACTED]"), "{all}");
        }
        if log.is_some() {
            assert!(all.contains(" libfastgpt TRACE request body "), "the trace log is on stderr: {all}");
        }
    }
}

unsafe extern "C" fn keep_line(userdata: *mut c_void, _level: i32, message: *const c_char) {
    let lines = &*(userdata as *const Mutex<Vec<String>>);
    lines.lock().unwrap().push(CStr::from_ptr(message).to_string_lossy().into_owned());
}

#[test]
fn log_lines_never_show_the_key_at_any_level() {
    // The key is really sent (the mock accepts it), and servers echo it back: in a JSON body
    // (echo_headers, logged at TRACE), in an error message, in a stream.
    let mock_with_key = mock_with(MockConfig { keys: vec![KEY.to_string()], ..MockConfig::default() });
    let echo = raw_server(|head| {
        let body = json!({"code": 500, "statusText": "error", "message": format!("rejected {}", authorization(head)), "data": null});
        ("500 Internal Server Error".into(), "application/json".into(), body.to_string().into_bytes())
    });
    let lines: &'static Mutex<Vec<String>> = Box::leak(Box::new(Mutex::new(Vec::new())));
    let mut redacted_echo = false;
    for level in [FASTGPT_LOG_ERROR, FASTGPT_LOG_WARN, FASTGPT_LOG_INFO, FASTGPT_LOG_DEBUG, FASTGPT_LOG_TRACE] {
        for (base, fault) in [
            (mock_with_key.base_url(), None),
            (mock_with_key.base_url(), Some("echo_headers")),
            (mock_with_key.base_url(), Some("rate_limit_ms=5;times=1")),
            (mock_with_key.base_url(), Some("envelope=514")),
            (mock_with_key.base_url(), Some("error_mid_stream")),
            (echo.url.clone(), None),
        ] {
            let headers = fault.map_or(json!({}), |f| json!({"x-mock-fault": f, "x-mock-id": format!("{level}-{f}")}));
            // A derived client logs through its parent's callback too.
            let parent = secret_client(&base, json!({"headers": headers, "max_retries": 1}));
            let st = fastgpt_client_set_log_callback(
                parent.raw(),
                level,
                Some(keep_line),
                lines as *const _ as *mut c_void,
                None,
                std::ptr::null_mut(),
            );
            assert_eq!(st, FASTGPT_OK);
            let mut derived = std::ptr::null_mut();
            let overrides = c"{\"headers\": {\"x-per-call\": \"1\"}}";
            assert_eq!(
                fastgpt_client_with(parent.raw(), overrides.as_ptr(), &mut derived, std::ptr::null_mut()),
                FASTGPT_OK
            );
            let derived = Client(derived);
            for client in [&parent, &derived] {
                let _ = call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID}));
                let (events, _) = stream(client, &chat_request("hi"));
                events_clean("logging", &events);
            }
        }
        let all = std::mem::take(&mut *lines.lock().unwrap());
        assert!(!all.is_empty(), "level {level} logged something");
        for line in &all {
            assert_clean(&format!("log line at level {level}"), line);
            redacted_echo |= line.contains("Bearer [REDACTED]");
        }
    }
    assert!(redacted_echo, "the echoed Authorization header is logged (TRACE bodies, error messages) redacted");
}
