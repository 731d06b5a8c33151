//! Benchmark contender: the same HTTP requests as libfastgpt's benchmark, made with plain
//! reqwest/tokio (the same versions the library uses). This is the floor for the library's stack:
//! no C ABI, no mailbox, no parsing beyond checking the status (streams are counted in bytes).
//!
//! reqwest-baseline BASE_URL unary N | concurrent N INFLIGHT | stream N | open_streams N | cold
//! One JSON line per run on stdout; any failed request exits non-zero.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};

const KEY: &str = "fastgpt-mockkey";
const APP: &str = "66e29b870b24ce35330c0f08";
const STREAM_BODY: &str = r#"{"messages":[{"role":"user","content":"bench"}],"detail":true,"stream":true}"#;
const OPEN_BODY: &str = r#"{"messages":[{"role":"user","content":"open"}],"stream":true}"#;

fn histories_body() -> String {
    format!(r#"{{"appId":"{APP}","offset":0,"pageSize":10}}"#)
}

/// A client configured like libfastgpt's: Bearer key and user agent as default headers,
/// TCP_NODELAY, no proxy, rustls with ring.
fn client(extra: &[(&'static str, String)]) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap();
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    headers.insert(USER_AGENT, HeaderValue::from_static("reqwest-baseline/0.1.0"));
    for (name, value) in extra {
        headers.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(50))
        .no_proxy()
        .build()
        .expect("client")
}

fn fail(what: &str) -> ! {
    eprintln!("reqwest-baseline: {what}");
    std::process::exit(3)
}

async fn histories_once(http: &reqwest::Client, url: &str, body: &str) {
    let resp = http
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("request: {e}")));
    if resp.status() != 200 {
        fail(&format!("HTTP {}", resp.status()));
    }
    let bytes = resp.bytes().await.unwrap_or_else(|e| fail(&format!("body: {e}")));
    if !bytes.starts_with(b"{") {
        fail("unexpected body");
    }
}

fn rss_kb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn runtime() -> tokio::runtime::Runtime {
    // The library's runtime: multi-threaded, one worker per core (2..=8).
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build().unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        fail("usage: reqwest-baseline BASE_URL unary|concurrent|stream|open_streams|cold [N [INFLIGHT]]");
    }
    let base = args[1].trim_end_matches('/').to_owned();
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
    let histories_url = format!("{base}/api/core/chat/getHistories");
    let completions_url = format!("{base}/api/v1/chat/completions");
    match args[2].as_str() {
        "cold" => {
            let t0 = Instant::now();
            let rt = runtime();
            let http = client(&[]);
            let new_ms = t0.elapsed().as_secs_f64() * 1e3;
            rt.block_on(histories_once(&http, &histories_url, &histories_body()));
            let secs = t0.elapsed().as_secs_f64();
            println!(r#"{{"contender":"reqwest","workload":"cold","n":1,"new_ms":{new_ms:.3},"secs":{secs:.6}}}"#);
        }
        "unary" => runtime().block_on(async {
            let http = client(&[]);
            let body = histories_body();
            histories_once(&http, &histories_url, &body).await;
            let t0 = Instant::now();
            for _ in 0..n {
                histories_once(&http, &histories_url, &body).await;
            }
            let secs = t0.elapsed().as_secs_f64();
            println!(r#"{{"contender":"reqwest","workload":"unary","n":{n},"secs":{secs:.6}}}"#);
        }),
        "concurrent" => {
            let inflight: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(64);
            runtime().block_on(async {
                let http = client(&[]);
                let body = histories_body();
                histories_once(&http, &histories_url, &body).await;
                let t0 = Instant::now();
                // Each call is its own task, as the library's async calls are.
                let mut calls = futures_util::stream::iter(0..n)
                    .map(|_| {
                        let (http, url, body) = (http.clone(), histories_url.clone(), body.clone());
                        tokio::spawn(async move { histories_once(&http, &url, &body).await })
                    })
                    .buffer_unordered(inflight);
                while let Some(r) = calls.next().await {
                    r.unwrap_or_else(|e| fail(&format!("task: {e}")));
                }
                let secs = t0.elapsed().as_secs_f64();
                println!(
                    r#"{{"contender":"reqwest","workload":"concurrent","n":{n},"inflight":{inflight},"secs":{secs:.6}}}"#
                );
            })
        }
        "stream" => runtime().block_on(async {
            let http = client(&[
                ("x-mock-stream-events", n.to_string()),
                ("x-mock-stream-content", "realistic".to_owned()),
            ]);
            histories_once(&http, &histories_url, &histories_body()).await;
            let t0 = Instant::now();
            let mut resp = http
                .post(&completions_url)
                .header(CONTENT_TYPE, "application/json")
                .body(STREAM_BODY)
                .send()
                .await
                .unwrap_or_else(|e| fail(&format!("request: {e}")));
            if resp.status() != 200 {
                fail(&format!("HTTP {}", resp.status()));
            }
            let mut bytes = 0usize;
            let mut first = None;
            while let Some(chunk) = resp.chunk().await.unwrap_or_else(|e| fail(&format!("body: {e}"))) {
                first.get_or_insert_with(|| t0.elapsed());
                bytes += chunk.len();
            }
            let secs = t0.elapsed().as_secs_f64();
            // Each answer event (at least 6 bytes of text) is well over 16 bytes on the wire.
            if bytes < n * 16 {
                fail(&format!("stream: only {bytes} bytes"));
            }
            let ttfe = first.unwrap_or_default().as_secs_f64() * 1e3;
            println!(
                r#"{{"contender":"reqwest","workload":"stream","n":{n},"secs":{secs:.6},"ttfe_ms":{ttfe:.3},"bytes":{bytes}}}"#
            );
        }),
        "open_streams" => runtime().block_on(async {
            let http = client(&[("x-mock-fault", "heartbeat_only=1000".to_owned())]);
            histories_once(&http, &histories_url, &histories_body()).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            let before = rss_kb();
            let live = Arc::new(AtomicUsize::new(0));
            let stop = tokio_util_like::Stop::new();
            let t0 = Instant::now();
            let mut tasks = Vec::with_capacity(n);
            for _ in 0..n {
                let (http, url, live, stop) = (http.clone(), completions_url.clone(), live.clone(), stop.clone());
                tasks.push(tokio::spawn(async move {
                    let mut resp = http
                        .post(&url)
                        .header(CONTENT_TYPE, "application/json")
                        .body(OPEN_BODY)
                        .send()
                        .await
                        .unwrap_or_else(|e| fail(&format!("request: {e}")));
                    let mut seen = false;
                    loop {
                        tokio::select! {
                            _ = stop.wait() => return,
                            chunk = resp.chunk() => match chunk {
                                Ok(Some(_)) if !seen => { seen = true; live.fetch_add(1, Ordering::SeqCst); }
                                Ok(Some(_)) => {}
                                _ => fail("an open stream ended"),
                            },
                        }
                    }
                }));
            }
            while live.load(Ordering::SeqCst) < n {
                if t0.elapsed() > Duration::from_secs(60) {
                    fail("open streams: not all streams got an event");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let open_secs = t0.elapsed().as_secs_f64();
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let after = rss_kb();
            stop.trigger();
            for t in tasks {
                t.await.unwrap_or_else(|e| fail(&format!("task: {e}")));
            }
            let per = (after - before) as f64 / n as f64;
            println!(
                r#"{{"contender":"reqwest","workload":"open_streams","n":{n},"rss_before_kb":{before},"rss_after_kb":{after},"kb_per_stream":{per:.2},"open_secs":{open_secs:.3}}}"#
            );
        }),
        other => fail(&format!("unknown workload {other}")),
    }
}

/// A one-shot broadcast stop signal (tokio's watch channel), to end the open streams.
mod tokio_util_like {
    use tokio::sync::watch;

    #[derive(Clone)]
    pub struct Stop(watch::Sender<bool>, watch::Receiver<bool>);

    impl Stop {
        pub fn new() -> Stop {
            let (tx, rx) = watch::channel(false);
            Stop(tx, rx)
        }
        pub fn trigger(&self) {
            let _ = self.0.send(true);
        }
        pub async fn wait(&self) {
            let mut rx = self.1.clone();
            let _ = rx.wait_for(|v| *v).await;
        }
    }
}
