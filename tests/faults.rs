//! Every fault fastgpt-mock can inject gets its documented status, blocking and async.

mod common;
use std::time::{Duration, Instant};

use common::*;

fn faulty(mock: &MockServer, fault: &str, id: &str, extra: Value) -> Client {
    let mut config = json!({"headers": {"x-mock-fault": fault, "x-mock-id": id}});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Client::for_mock(mock, config)
}

fn histories(client: &Client) -> Result<Reply, Failure> {
    call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID}))
}

fn histories_async(client: &Client) -> Result<Reply, Failure> {
    call_async(fastgpt_get_chat_histories_async, client, &json!({"appId": APP_ID})).1
}

#[test]
fn rate_limit_is_retried_after_the_servers_delay() {
    let mock = mock();
    for (fault, min_wait) in [("rate_limit_ms=300;times=1", 300), ("rate_limit_s=1;times=1", 1000)] {
        let id = format!("rl-{fault}");
        let client = faulty(&mock, fault, &id, json!({}));
        let start = Instant::now();
        histories(&client).expect("succeeds after one retry");
        assert!(start.elapsed() >= Duration::from_millis(min_wait), "{fault}: {:?}", start.elapsed());
        assert_eq!(mock.request_count(&id), 2, "{fault}");
    }
    // A chat completion is retried after 429 too: the server did not process it.
    let client = faulty(&mock, "rate_limit_ms=50;times=1", "rl-chat", json!({}));
    call(fastgpt_create_chat_completion, &client, &chat_request("hi")).unwrap();
    assert_eq!(mock.request_count("rl-chat"), 2);
}

#[test]
fn rate_limit_with_http_date_and_exhausted_retries() {
    let mock = mock();
    let client = faulty(&mock, "rate_limit_date=1;times=1", "rl-date", json!({}));
    histories_async(&client).expect("ok after waiting for the date");
    assert_eq!(mock.request_count("rl-date"), 2);

    let client = faulty(&mock, "rate_limit_ms=10", "rl-always", json!({"max_retries": 2}));
    let err = histories(&client).unwrap_err();
    assert_eq!((err.status, err.http_status), (FASTGPT_ERR_RATE_LIMITED, 429));
    assert_eq!(mock.request_count("rl-always"), 3, "1 + max_retries");

    let client = faulty(&mock, "rate_limit_s=3600", "rl-long", json!({"max_retry_delay_ms": 5000}));
    let start = Instant::now();
    let err = histories(&client).unwrap_err();
    assert_eq!(err.status, FASTGPT_ERR_RATE_LIMITED);
    assert!(start.elapsed() < Duration::from_secs(2), "a delay over the cap is not waited for");
    assert_eq!(mock.request_count("rl-long"), 1);
}

#[test]
fn bad_gateway_and_unavailable_then_success() {
    let mock = mock();
    let client = faulty(&mock, "status=503;times=2", "503-read", json!({}));
    histories(&client).expect("ok on the third try");
    assert_eq!(mock.request_count("503-read"), 3);

    let client = faulty(&mock, "status=502;times=1", "502-read", json!({}));
    histories_async(&client).expect("idempotent read retried after 502");
    assert_eq!(mock.request_count("502-read"), 2);

    // A chat completion is not re-sent after a 502: the server may have run it.
    let client = faulty(&mock, "status=502;times=1", "502-chat", json!({}));
    let err = call(fastgpt_create_chat_completion, &client, &chat_request("once")).unwrap_err();
    assert_eq!((err.status, err.http_status), (FASTGPT_ERR_HTTP, 502));
    assert_eq!(mock.request_count("502-chat"), 1);
    // ...but it is after a 503 (not processed).
    let client = faulty(&mock, "status=503;times=1", "503-chat", json!({}));
    call(fastgpt_create_chat_completion, &client, &chat_request("twice")).unwrap();
    assert_eq!(mock.request_count("503-chat"), 2);
}

#[test]
fn envelopes_are_classified_by_fastgpt_code() {
    let mock = mock();
    for (code, status) in [
        ("403", FASTGPT_ERR_AUTH),
        ("514", FASTGPT_ERR_AUTH),
        ("510", FASTGPT_ERR_QUOTA),
        ("500004", FASTGPT_ERR_QUOTA),
        ("502000", FASTGPT_ERR_API),
        ("error", FASTGPT_ERR_API),
    ] {
        let id = format!("env-{code}");
        let client = faulty(&mock, &format!("envelope={code}"), &id, json!({}));
        let err = histories(&client).unwrap_err();
        assert_eq!((err.status, err.http_status), (status, 500), "code {code}: {err:?}");
        if code != "error" {
            assert_eq!(err.api_code.to_string(), code);
        }
        assert!(err.body.is_some());
        assert_eq!(mock.request_count(&id), 1, "FastGPT errors are answers: never retried");
        assert_eq!(histories_async(&client).unwrap_err().status, status);
    }
    let client = faulty(&mock, "envelope_200=514", "env200", json!({}));
    assert_eq!(histories(&client).unwrap_err().status, FASTGPT_ERR_AUTH, "old servers: HTTP 200 envelope");
}

#[test]
fn auth_errors_from_the_server() {
    let mock = mock();
    let no_key = Client::new(&json!({"base_url": mock.base_url()}).to_string()).unwrap();
    let err = histories(&no_key).unwrap_err();
    assert_eq!((err.status, err.api_code), (FASTGPT_ERR_AUTH, 403));
    let wrong = Client::new(&json!({"base_url": mock.base_url(), "api_key": "fastgpt-wrong"}).to_string()).unwrap();
    let err = histories(&wrong).unwrap_err();
    assert_eq!((err.status, err.api_code, err.http_status), (FASTGPT_ERR_AUTH, 514, 500));
    // The stream variant: HTTP 200, no event-stream type, an event: error body.
    let (events, result) = stream(&wrong, &chat_request("hi"));
    let err = result.unwrap_err();
    assert_eq!((err.status, err.api_code), (FASTGPT_ERR_AUTH, 514));
    assert_eq!(events.last().unwrap().kind, FASTGPT_EVENT_ERROR);
}

#[test]
fn connection_faults() {
    let mock = mock();
    let client = faulty(&mock, "reset_before_headers", "reset-read", json!({"max_retries": 1}));
    let err = histories(&client).unwrap_err();
    assert_eq!(err.status, FASTGPT_ERR_CONNECT, "{err:?}");
    assert_eq!(mock.request_count("reset-read"), 2, "an idempotent read is retried after a reset");
    let client = faulty(&mock, "reset_before_headers", "reset-chat", json!({"max_retries": 2}));
    let err = call(fastgpt_create_chat_completion, &client, &chat_request("x")).unwrap_err();
    assert_eq!(err.status, FASTGPT_ERR_CONNECT);
    assert_eq!(mock.request_count("reset-chat"), 1, "a chat whose body was sent is never re-sent");

    let refused = Client::new(r#"{"base_url": "http://127.0.0.1:9", "max_retries": 1}"#).unwrap();
    assert_eq!(histories(&refused).unwrap_err().status, FASTGPT_ERR_CONNECT);
    assert_eq!(histories_async(&refused).unwrap_err().status, FASTGPT_ERR_CONNECT);
}

#[test]
fn stream_faults() {
    let mock = mock();
    let cases = [
        ("reset_mid_stream", FASTGPT_ERR_STREAM_TRUNCATED),
        ("truncate", FASTGPT_ERR_STREAM_TRUNCATED),
        ("error_mid_stream", FASTGPT_ERR_API),
        ("error_200", FASTGPT_ERR_AUTH),
        ("html_404", FASTGPT_ERR_HTTP),
        ("malformed_json", FASTGPT_ERR_DECODE),
    ];
    for (fault, status) in cases {
        let client = faulty(&mock, fault, fault, json!({}));
        let (events, result) = stream(&client, &chat_request("hello world"));
        let err = result.unwrap_err();
        assert_eq!(err.status, status, "{fault}: {err:?}");
        let (async_events, async_result) = stream_async(&client, &chat_request("hello world"));
        assert_eq!(async_result.unwrap_err().status, status, "{fault} async");
        if fault == "error_mid_stream" {
            assert!(!text_of(&events).is_empty(), "partial text arrived first");
            assert_eq!(events.last().unwrap().kind, FASTGPT_EVENT_ERROR);
            assert!(async_events.iter().any(|e| e.kind == FASTGPT_EVENT_ERROR && e.error.is_some()));
        }
    }
}

#[test]
fn stall_hits_the_idle_timeout_not_a_total_one() {
    let mock = mock();
    let client = faulty(&mock, "stall_mid_stream=5000", "stall", json!({"stream_idle_timeout_ms": 300}));
    let start = Instant::now();
    let (events, result) = stream(&client, &chat_request("stall"));
    assert_eq!(result.unwrap_err().status, FASTGPT_ERR_TIMEOUT);
    assert!(!events.is_empty());
    assert!(start.elapsed() < Duration::from_secs(3));

    // A slow stream whose total time is far over timeout_ms still succeeds: only silence counts.
    let client = faulty(&mock, "slow_stream=100", "slow", json!({"timeout_ms": 300, "stream_idle_timeout_ms": 1000}));
    let (_, result) = stream(&client, &chat_request("a question long enough for many chunks"));
    result.expect("total stream time is not limited");

    // A slow first byte past timeout_ms is a timeout.
    let client = faulty(&mock, "slow_first_byte=2000", "sfb", json!({"timeout_ms": 300, "max_retries": 0}));
    assert_eq!(histories(&client).unwrap_err().status, FASTGPT_ERR_TIMEOUT);
}

#[test]
fn heartbeats_feed_the_idle_timer_and_are_not_text() {
    let mock = mock_with(MockConfig { heartbeat_ms: 100, ..MockConfig::default() });
    let client = faulty(&mock, "slow_stream=250", "hb", json!({"stream_idle_timeout_ms": 200}));
    let (events, result) = stream(&client, &chat_request("slow but alive"));
    result.expect("heartbeats keep the stream alive");
    assert_eq!(text_of(&events), "Echo: slow but alive");

    let collector = std::sync::Arc::new(Collector { abort_after: Some(5), ..Default::default() });
    let client = faulty(&mock, "heartbeat_only=20", "hb-only", json!({}));
    let (events, result) = stream_with(&client, &chat_request("x"), collector, std::ptr::null());
    assert_eq!(result.unwrap_err().status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
    assert!(events.iter().all(|e| e.kind == FASTGPT_EVENT_ANSWER && e.text.is_none()), "heartbeats are never text");
}

#[test]
fn oversized_events_and_bodies_are_decode_errors() {
    let mock = mock();
    let client = faulty(&mock, "huge_event=2000000", "huge", json!({"max_event_bytes": 1048576}));
    let (_, result) = stream(&client, &chat_request("x"));
    let err = result.unwrap_err();
    assert_eq!(err.status, FASTGPT_ERR_DECODE);
    assert!(err.message.contains("max_event_bytes"), "{}", err.message);

    let client = faulty(&mock, "huge_body=3000000", "huge-body", json!({"max_response_bytes": 1048576}));
    let err = histories(&client).unwrap_err();
    assert_eq!(err.status, FASTGPT_ERR_DECODE);
    let client = faulty(&mock, "huge_body=3000000", "huge-body-ok", json!({}));
    assert!(histories(&client).unwrap().data.len() > 2_900_000);
}

#[test]
fn html_page_from_a_wrong_base_url_says_so() {
    let mock = mock();
    let client = faulty(&mock, "html_404", "html", json!({}));
    let err = histories(&client).unwrap_err();
    assert_eq!((err.status, err.http_status), (FASTGPT_ERR_HTTP, 404));
    assert!(err.message.contains("HTML") && err.message.contains("base_url"), "{}", err.message);
    let client = faulty(&mock, "malformed_json", "badjson", json!({}));
    assert_eq!(histories(&client).unwrap_err().status, FASTGPT_ERR_DECODE);
}

#[test]
fn invalid_utf8_in_a_stream_is_replaced() {
    let mock = mock();
    let client = faulty(&mock, "invalid_utf8", "utf8", json!({}));
    let (events, result) = stream(&client, &chat_request("x"));
    result.expect("invalid UTF-8 does not fail the stream");
    assert!(text_of(&events).contains('\u{fffd}'));
    assert!(events.iter().any(|e| e.data.windows(2).any(|w| w == [0xff, 0xfe])), "raw data kept byte-exact");
}
