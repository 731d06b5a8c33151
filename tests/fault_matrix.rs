//! The fault matrix: one table of server faults (fastgpt-mock's `x-mock-fault`), each run through
//! the C ABI twice — blocking and async — with the documented status asserted, the attempt count
//! the retry rules imply, exactly one COMPLETE for the async run (Collector::wait_complete), the
//! API key absent from every error, and at the end no connection, stream producer or descriptor
//! left behind. Library heap leaks are the job of the ASan and valgrind runs of the C examples.
//!
//! One #[test] on purpose: the cases run one after another, so the process-wide measurements
//! (peak RSS around the 100 MB body, open descriptors at the end) are this matrix's own.

mod common;
use std::time::{Duration, Instant};

use common::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `fastgpt_get_chat_histories`: a unary, idempotent read.
    Read,
    /// `fastgpt_create_chat_completion`: unary, not idempotent.
    Chat,
    /// `fastgpt_stream_chat_completion`: SSE.
    Stream,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Blocking,
    Async,
}

/// What one run of one case produced.
struct Run {
    mode: Mode,
    id: String,
    result: Result<Reply, Failure>,
    events: Vec<Event>,
    elapsed: Duration,
    /// Peak RSS growth of the whole process during the run (VmHWM delta), bytes.
    peak_growth: u64,
}

impl Run {
    fn err(&self) -> &Failure {
        self.result.as_ref().expect_err("failed")
    }
}

/// Shared by every case: the mock, a second mock on another origin, a refused address.
struct Fx {
    mock: MockServer,
    other: MockServer,
    refused: String,
}

impl Fx {
    /// `{other}` and `{refused}` in table strings.
    fn subst(&self, s: &str) -> String {
        s.replace("{other}", &self.other.base_url()).replace("{refused}", &self.refused)
    }
}

struct Case {
    name: &'static str,
    /// `x-mock-fault` ("" for none).
    fault: &'static str,
    /// Extra config keys (a JSON object; may override base_url).
    config: &'static str,
    op: Op,
    /// FASTGPT_OK or the FASTGPT_ERR_* the header documents for this fault.
    expect: fastgpt_status,
    /// Requests the mock saw for this run (the retry rules made visible).
    attempts: u64,
    /// Everything else this case promises.
    check: fn(&Fx, &Run),
    /// Runs before the call, with the run's x-mock-id and fault.
    setup: Option<fn(&Fx, &str, &str)>,
}

const NO_CHECK: fn(&Fx, &Run) = |_, _| {};
const MIB: u64 = 1 << 20;

fn cases() -> Vec<Case> {
    use Op::*;
    let c = |name, fault, config, op, expect, attempts, check| Case {
        name,
        fault,
        config,
        op,
        expect,
        attempts,
        check,
        setup: None,
    };
    vec![
        // ---- connection ----
        c("refused_read", "", r#"{"base_url":"{refused}","max_retries":1}"#, Read, FASTGPT_ERR_CONNECT, 0, |_, r| {
            assert!(r.err().message.contains("cannot connect"), "{}", r.err().message);
            assert!(r.elapsed < Duration::from_secs(5), "one backoff of <= 0.5 s: {:?}", r.elapsed);
        }),
        c(
            "refused_stream",
            "",
            r#"{"base_url":"{refused}","max_retries":0}"#,
            Stream,
            FASTGPT_ERR_CONNECT,
            0,
            |_, r| {
                assert!(r.events.iter().all(|e| e.kind == FASTGPT_EVENT_COMPLETE), "no stream event before COMPLETE");
            },
        ),
        c(
            "reset_before_headers_read",
            "reset_before_headers",
            r#"{"max_retries":1}"#,
            Read,
            FASTGPT_ERR_CONNECT,
            2,
            |_, r| assert!(r.err().headers.is_empty(), "no answer, no headers: {:?}", r.err().headers),
        ),
        // A chat whose body reached the server is never re-sent: it may have run.
        c(
            "reset_before_headers_chat",
            "reset_before_headers",
            r#"{"max_retries":2}"#,
            Chat,
            FASTGPT_ERR_CONNECT,
            1,
            NO_CHECK,
        ),
        c(
            "reset_before_headers_stream",
            "reset_before_headers",
            r#"{"max_retries":2}"#,
            Stream,
            FASTGPT_ERR_CONNECT,
            1,
            NO_CHECK,
        ),
        c(
            "reset_mid_stream",
            "reset_mid_stream",
            r#"{"max_retries":2}"#,
            Stream,
            FASTGPT_ERR_STREAM_TRUNCATED,
            1,
            |_, r| {
                assert!(!text_of(&r.events).is_empty(), "the partial answer was delivered before the cut");
                // The stream's own answer caused the failure: its headers stay readable.
                assert!(r.err().header("content-type").is_some_and(|v| v.starts_with("text/event-stream")));
            },
        ),
        // ---- time ----
        // Idle timeout fires; the large total timeout plays no part.
        c(
            "stall_mid_stream",
            "stall_mid_stream=5000",
            r#"{"stream_idle_timeout_ms":300,"timeout_ms":60000}"#,
            Stream,
            FASTGPT_ERR_TIMEOUT,
            1,
            |_, r| {
                assert!(r.err().message.contains("stream_idle_timeout_ms"), "{}", r.err().message);
                assert!(!text_of(&r.events).is_empty(), "text before the stall was delivered");
                assert!(r.err().header("content-type").is_some(), "the stalled stream's headers");
                assert!(
                    r.elapsed >= Duration::from_millis(300) && r.elapsed < Duration::from_secs(3),
                    "{:?}",
                    r.elapsed
                );
            },
        ),
        // A stream far longer than timeout_ms succeeds: only silence counts, not total time.
        c(
            "slow_stream_over_total_timeout",
            "slow_stream=60",
            r#"{"timeout_ms":300,"stream_idle_timeout_ms":2000}"#,
            Stream,
            FASTGPT_OK,
            1,
            |_, r| {
                assert!(r.elapsed > Duration::from_millis(300), "the stream outlived timeout_ms: {:?}", r.elapsed);
                assert_eq!(text_of(&r.events), "Echo: a question long enough for many chunks");
            },
        ),
        c(
            "slow_first_byte_read",
            "slow_first_byte=3000",
            r#"{"timeout_ms":300,"max_retries":0}"#,
            Read,
            FASTGPT_ERR_TIMEOUT,
            1,
            |_, r| assert!(r.elapsed < Duration::from_secs(2), "{:?}", r.elapsed),
        ),
        c(
            "slow_first_byte_stream",
            "slow_first_byte=3000",
            r#"{"timeout_ms":300,"max_retries":0}"#,
            Stream,
            FASTGPT_ERR_TIMEOUT,
            1,
            |_, r| assert!(r.elapsed < Duration::from_secs(2), "{:?}", r.elapsed),
        ),
        c(
            "slow_first_byte_within_timeout",
            "slow_first_byte=200",
            r#"{"timeout_ms":5000}"#,
            Read,
            FASTGPT_OK,
            1,
            |_, r| assert!(r.elapsed >= Duration::from_millis(200)),
        ),
        // ---- 429 ----
        c("429_retry_after_ms", "rate_limit_ms=300;times=1", "{}", Read, FASTGPT_OK, 2, |_, r| {
            assert!(r.elapsed >= Duration::from_millis(300), "{:?}", r.elapsed)
        }),
        c("429_retry_after_seconds", "rate_limit_s=1;times=1", "{}", Read, FASTGPT_OK, 2, |_, r| {
            assert!(r.elapsed >= Duration::from_secs(1), "{:?}", r.elapsed)
        }),
        // An HTTP date has whole seconds: the wait is in (0, 1] s, never the 0.5 s backoff's 3 s cap.
        c("429_retry_after_http_date", "rate_limit_date=1;times=1", "{}", Read, FASTGPT_OK, 2, |_, r| {
            assert!(r.elapsed < Duration::from_secs(3), "{:?}", r.elapsed)
        }),
        c(
            "429_over_max_retry_delay",
            "rate_limit_s=3600",
            r#"{"max_retry_delay_ms":5000}"#,
            Read,
            FASTGPT_ERR_RATE_LIMITED,
            1,
            |_, r| {
                assert!(r.elapsed < Duration::from_secs(2), "a delay over the cap is not waited for: {:?}", r.elapsed);
                assert_eq!(r.err().http_status, 429);
                assert!(r.err().message.contains("max_retry_delay_ms"), "{}", r.err().message);
                // The caller can schedule its own retry from the server's answer.
                assert_eq!(r.err().header("retry-after"), Some("3600"));
                assert!(r.err().header("content-type").is_some_and(|v| v.starts_with("application/json")));
            },
        ),
        c(
            "429_retries_exhausted",
            "rate_limit_ms=10",
            r#"{"max_retries":2}"#,
            Read,
            FASTGPT_ERR_RATE_LIMITED,
            3,
            |_, r| {
                assert_eq!(r.err().http_status, 429);
                assert_eq!(r.err().header("retry-after-ms"), Some("10"), "the last answer's headers");
            },
        ),
        // 429 means "not processed": even a chat completion is retried.
        c("429_chat", "rate_limit_ms=50;times=1", "{}", Chat, FASTGPT_OK, 2, NO_CHECK),
        c("429_stream", "rate_limit_ms=50;times=1", "{}", Stream, FASTGPT_OK, 2, |_, r| {
            assert_eq!(text_of(&r.events), "Echo: a question long enough for many chunks")
        }),
        c("429_envelope_code", "rate_limit_envelope;times=1", "{}", Read, FASTGPT_OK, 2, NO_CHECK),
        // ---- 502 / 503 ----
        c("503_then_ok_read", "status=503;times=2", "{}", Read, FASTGPT_OK, 3, NO_CHECK),
        c("502_then_ok_read", "status=502;times=1", "{}", Read, FASTGPT_OK, 2, NO_CHECK),
        c("503_then_ok_chat", "status=503;times=1", "{}", Chat, FASTGPT_OK, 2, NO_CHECK),
        c("503_then_ok_stream", "status=503;times=1", "{}", Stream, FASTGPT_OK, 2, NO_CHECK),
        // 502: the chat may have run upstream, so its body is not sent again.
        c("502_chat_not_resent", "status=502;times=1", "{}", Chat, FASTGPT_ERR_HTTP, 1, |_, r| {
            assert_eq!(r.err().http_status, 502)
        }),
        c("502_stream_not_resent", "status=502;times=1", "{}", Stream, FASTGPT_ERR_HTTP, 1, |_, r| {
            assert_eq!(r.err().http_status, 502)
        }),
        // ---- FastGPT envelopes: answers, never retried ----
        c("envelope_403", "envelope=403", "{}", Read, FASTGPT_ERR_AUTH, 1, |_, r| envelope(r, 403)),
        c("envelope_514", "envelope=514", "{}", Read, FASTGPT_ERR_AUTH, 1, |_, r| envelope(r, 514)),
        c("envelope_510", "envelope=510", "{}", Read, FASTGPT_ERR_QUOTA, 1, |_, r| envelope(r, 510)),
        c("envelope_500004", "envelope=500004", "{}", Read, FASTGPT_ERR_QUOTA, 1, |_, r| envelope(r, 500004)),
        c("envelope_plain_error", "envelope=error", "{}", Read, FASTGPT_ERR_API, 1, |_, r| {
            envelope(r, 500);
            assert!(r.err().message.contains("mock plain error"), "{}", r.err().message);
        }),
        c("envelope_514_chat", "envelope=514", "{}", Chat, FASTGPT_ERR_AUTH, 1, |_, r| envelope(r, 514)),
        c("envelope_510_stream", "envelope=510", "{}", Stream, FASTGPT_ERR_QUOTA, 1, |_, r| envelope(r, 510)),
        c("envelope_200_514", "envelope_200=514", "{}", Read, FASTGPT_ERR_AUTH, 1, |_, r| {
            assert_eq!(r.err().api_code, 514);
        }),
        // ---- stream bodies ----
        // HTTP 200, text/plain, `event: error` body: FastGPT's early stream error.
        c("error_200_stream", "error_200", "{}", Stream, FASTGPT_ERR_AUTH, 1, |_, r| {
            assert_eq!(r.err().api_code, 514);
            assert!(r.events.iter().any(|e| e.kind == FASTGPT_EVENT_ERROR), "the error frame is delivered as an event");
        }),
        c("error_mid_stream", "error_mid_stream", "{}", Stream, FASTGPT_ERR_API, 1, |_, r| {
            assert!(!text_of(&r.events).is_empty(), "partial text arrived first");
            let error = r.events.iter().find(|e| e.kind == FASTGPT_EVENT_ERROR).expect("an ERROR event");
            assert!(error.error.as_ref().unwrap().message.contains("mock stream failure"));
            assert!(r.err().message.contains("mock stream failure"), "{}", r.err().message);
            assert!(r.err().header("content-type").is_some_and(|v| v.starts_with("text/event-stream")));
        }),
        c("stream_without_done", "truncate", "{}", Stream, FASTGPT_ERR_STREAM_TRUNCATED, 1, |_, r| {
            assert!(r.err().message.contains("[DONE]"), "{}", r.err().message);
            assert!(!text_of(&r.events).is_empty());
        }),
        c("malformed_json_unary", "malformed_json", "{}", Read, FASTGPT_ERR_DECODE, 1, NO_CHECK),
        c("malformed_json_sse_frame", "malformed_json", "{}", Stream, FASTGPT_ERR_DECODE, 1, |_, r| {
            assert!(r.err().message.contains("not valid JSON"), "{}", r.err().message)
        }),
        c("html_page_read", "html_404", "{}", Read, FASTGPT_ERR_HTTP, 1, |_, r| {
            assert_eq!(r.err().http_status, 404);
            assert!(r.err().message.contains("HTML") && r.err().message.contains("base_url"), "{}", r.err().message);
        }),
        c("html_page_stream", "html_404", "{}", Stream, FASTGPT_ERR_HTTP, 1, |_, r| {
            assert!(r.err().message.contains("base_url"), "{}", r.err().message);
        }),
        // Invalid UTF-8 is replaced in text, kept byte-exact in data; the stream succeeds.
        c("invalid_utf8_sse", "invalid_utf8", "{}", Stream, FASTGPT_OK, 1, |_, r| {
            assert!(text_of(&r.events).contains('\u{fffd}'));
            assert!(r.events.iter().any(|e| e.data.windows(2).any(|w| w == [0xff, 0xfe])), "raw data kept");
        }),
        // ---- sizes: their own error, memory bounded by the cap ----
        // First, while the process peak is still low: 100 MB announced by Content-Length.
        c("huge_body_100mb", "huge_body=104857600", "{}", Read, FASTGPT_ERR_DECODE, 1, |_, r| {
            assert!(r.err().message.contains("max_response_bytes"), "{}", r.err().message);
            assert!(
                r.peak_growth < 24 * MIB,
                "a 100 MB body must not be buffered: peak grew {} MiB",
                r.peak_growth / MIB
            );
        }),
        c(
            "huge_event_over_configured_cap",
            "huge_event=16777216",
            r#"{"max_event_bytes":8388608}"#,
            Stream,
            FASTGPT_ERR_DECODE,
            1,
            |_, r| {
                assert!(r.err().message.contains("max_event_bytes"), "{}", r.err().message);
                assert!(r.peak_growth < 40 * MIB, "bounded by the 8 MiB cap: peak grew {} MiB", r.peak_growth / MIB);
            },
        ),
        c("huge_event_over_default_cap", "huge_event=16777217", "{}", Stream, FASTGPT_ERR_DECODE, 1, |_, r| {
            assert!(r.err().message.contains("max_event_bytes"), "{}", r.err().message)
        }),
        // ---- redirect to another origin ----
        // One hop A -> B. The fault header travels along (custom headers are forwarded), so B's
        // own `times=1` is used up first by `prime_other`; B then answers 403 "no key": the
        // Authorization header was dropped at the origin change.
        Case {
            setup: Some(prime_other),
            ..c(
                "redirect_cross_origin",
                "redirect={other}/api/core/chat/getHistories;times=1",
                "{}",
                Read,
                FASTGPT_ERR_AUTH,
                1,
                |fx, r| {
                    assert_eq!(r.err().api_code, 403, "{:?}", r.err());
                    assert_eq!(fx.other.request_count(&r.id), 2, "primed once, then the redirected request");
                    let stats = other_stats(fx, &r.id);
                    let headers = stats["headers"].as_object().expect("headers");
                    assert!(headers.get("authorization").is_none(), "Authorization crossed origins: {headers:?}");
                    assert_eq!(headers["x-mock-id"], r.id.as_str(), "custom headers are forwarded");
                },
            )
        },
        // A -> B -> B: reqwest would re-send the key on the B -> B hop (it rebuilds each hop from
        // the first request's headers); the library refuses to follow such a chain.
        c(
            "redirect_chain_in_other_origin",
            "redirect={other}/api/core/chat/getHistories;times=1",
            "{}",
            Read,
            FASTGPT_ERR_HTTP,
            1,
            |fx, r| {
                assert!(r.err().message.contains("redirect not followed"), "{}", r.err().message);
                assert_eq!(fx.other.request_count(&r.id), 1, "only the first hop reached the other origin");
                let stats = other_stats(fx, &r.id);
                assert!(stats["headers"].get("authorization").is_none(), "{stats}");
            },
        ),
    ]
}

fn envelope(r: &Run, code: i64) {
    let e = r.err();
    assert_eq!((e.http_status, e.api_code), (500, code), "{e:?}");
    assert!(e.body.as_ref().is_some_and(|b| !b.is_empty()), "the envelope is kept as the error body");
}

/// Uses up the other mock's `times=1` for this id (one request with the same headers).
fn prime_other(fx: &Fx, id: &str, fault: &str) {
    let text = raw_get(
        fx.other.addr(),
        "/api/core/chat/getHistories",
        &format!("x-mock-id: {id}\r\nx-mock-fault: {fault}\r\n"),
    );
    assert!(text.starts_with("HTTP/1.1 307"), "{text}");
}

fn raw_get(addr: std::net::SocketAddr, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

fn other_stats(fx: &Fx, id: &str) -> Value {
    // The mock's test endpoint, over a plain TCP request (no client needed).
    let text = raw_get(fx.other.addr(), &format!("/mock/stats?id={id}"), "");
    let body = &text[text.find("\r\n\r\n").expect("headers end") + 4..];
    let body =
        if text.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.into() };
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("stats JSON ({e}): {body}"))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").unwrap();
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

fn vm_hwm() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// Resets the peak-RSS mark so each run measures its own peak (Linux: write 5 to clear_refs).
fn reset_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Open sockets of this process. (Not every descriptor: a thread's first blocking call creates
/// its runtime, whose epoll and eventfd descriptors live as long as the thread.)
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

const QUESTION: &str = "a question long enough for many chunks";

fn run_case(fx: &Fx, case: &Case, mode: Mode) -> Run {
    let id = format!("{}-{:?}", case.name, mode);
    let mut config: Value = serde_json::from_str(&fx.subst(case.config)).expect("case config is JSON");
    let mut headers = json!({"x-mock-id": id});
    if !case.fault.is_empty() {
        headers["x-mock-fault"] = fx.subst(case.fault).into();
    }
    config["headers"] = headers;
    if config.get("base_url").is_none() {
        config["base_url"] = fx.mock.base_url().into();
    }
    config["api_key"] = DEFAULT_KEY.into();
    let client = Client::new(&config.to_string()).expect("client");
    if let Some(setup) = case.setup {
        setup(fx, &id, &fx.subst(case.fault));
    }
    let read = json!({"appId": APP_ID});
    let chat = chat_request(QUESTION);
    reset_hwm();
    let before = vm_hwm();
    let start = Instant::now();
    let (events, result) = match (case.op, mode) {
        (Op::Read, Mode::Blocking) => (Vec::new(), call(fastgpt_get_chat_histories, &client, &read)),
        (Op::Read, Mode::Async) => call_async(fastgpt_get_chat_histories_async, &client, &read),
        (Op::Chat, Mode::Blocking) => (Vec::new(), call(fastgpt_create_chat_completion, &client, &chat)),
        (Op::Chat, Mode::Async) => call_async(fastgpt_create_chat_completion_async, &client, &chat),
        (Op::Stream, Mode::Blocking) => stream(&client, &chat),
        (Op::Stream, Mode::Async) => stream_async(&client, &chat),
    };
    let elapsed = start.elapsed();
    let peak_growth = vm_hwm().saturating_sub(before);
    drop(client);
    Run { mode, id, result, events, elapsed, peak_growth }
}

#[test]
fn fault_matrix() {
    let fx = Fx {
        mock: mock(),
        other: mock(),
        refused: {
            // A port that was just free: nothing listens there.
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        },
    };
    // Warm up (runtime threads, first connection) before counting descriptors.
    drop(run_case(
        &fx,
        &Case {
            name: "warmup",
            fault: "",
            config: "{}",
            op: Op::Stream,
            expect: 0,
            attempts: 1,
            check: NO_CHECK,
            setup: None,
        },
        Mode::Async,
    ));
    let fds_before = open_fds();

    let cases = cases();
    let mut runs = 0;
    for case in &cases {
        for mode in [Mode::Blocking, Mode::Async] {
            let run = run_case(&fx, case, mode);
            let what = format!("{} ({mode:?}, fault {:?})", case.name, case.fault);
            match &run.result {
                Ok(_) => {
                    assert_eq!(case.expect, FASTGPT_OK, "{what}: succeeded, expected status {}", case.expect)
                }
                Err(f) => {
                    assert_eq!(f.status, case.expect, "{what}: {f:?}");
                    assert!(!f.message.is_empty(), "{what}: an error says why");
                    assert!(!f.message.contains(DEFAULT_KEY), "{what}: the API key leaked into the message");
                    assert!(
                        f.body.as_ref().is_none_or(|b| !String::from_utf8_lossy(b).contains(DEFAULT_KEY)),
                        "{what}: the API key leaked into the body"
                    );
                }
            }
            if run.mode == Mode::Async {
                // call_async / stream_async already waited for exactly one COMPLETE, last.
                assert_eq!(run.events.iter().filter(|e| e.kind == FASTGPT_EVENT_COMPLETE).count(), 1, "{what}");
            }
            assert_eq!(fx.mock.request_count(&run.id), case.attempts, "{what}: attempts");
            (case.check)(&fx, &run);
            runs += 1;
        }
    }

    // Nothing left behind: the mock's stream producers end once clients are gone, and the
    // process holds no more descriptors (sockets) than before the matrix.
    let deadline = Instant::now() + Duration::from_secs(10);
    while (fx.mock.active_streams() > 0 || fx.other.active_streams() > 0 || open_fds() > fds_before)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(fx.mock.active_streams(), 0, "stream producers still running: a connection was never closed");
    assert_eq!(fx.other.active_streams(), 0);
    assert!(open_fds() <= fds_before, "descriptors leaked: {} before, {} after", fds_before, open_fds());
    println!("fault matrix: {} cases x 2 (blocking, async) = {runs} runs passed", cases.len());
}
