//! HTTP: the reqwest client, auth, retries with backoff and Retry-After, and timeouts.
//!
//! Retry rules (the contract's "FastGPT semantics the library owns"): connect failures, rate
//! limiting (HTTP 429, FastGPT code 429 or `tooManyRequest`) and 503 are retried for every request,
//! because the server cannot have acted on it; a chat that is still generating (`chatIsGenerating`,
//! FASTGPT_ERR_BUSY), 502, 504, other 5xx without an envelope, resets and timeouts only for
//! idempotent requests. Any other FastGPT error envelope (HTTP 500 with code 514 and so on) is an
//! answer, never retried.
//!
//! Route fallbacks: an endpoint whose path moved between FastGPT versions has a fallback route in
//! the endpoint table. When the first route answers 404 or 405 without a FastGPT envelope (the
//! server has no such route), the fallback is sent, and the client remembers to use it first. Waits honour `retry-after-ms` and `Retry-After` (seconds or HTTP date) up to
//! `max_retry_delay`; a longer requested delay returns the error at once.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};

use crate::config::{Config, Overrides};
use crate::endpoints::{Method, Prepared};
use crate::error::{classify_failure, Envelope, Error, ErrorKind};
use crate::log::{log_at, quote, Level, Logger};

pub struct Transport {
    /// Shared by derived clients: one connection pool (for async calls, streams, uploads and
    /// blocking calls made inside a tokio runtime).
    http: reqwest::Client,
    /// The configuration `http` was built from, also the key of each thread's own pool for
    /// blocking calls ([`crate::local`]); shared by derived clients.
    pool: crate::local::PoolKey,
    pub config: Config,
    /// `config.base_url`, parsed once: each request only sets its path (parsing the whole URL per
    /// request, host and IDNA included, was 3% of a call's CPU).
    base: reqwest::Url,
    /// A derived client's header overrides; they replace `http`'s default headers of the same name.
    extra_headers: HeaderMap,
    pub log: Logger,
    /// Endpoints whose first route this server does not have: their fallback is sent first.
    fallback_first: RwLock<HashSet<&'static str>>,
}

/// Why an attempt failed, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection was never established: the server saw nothing.
    Connect,
    /// The request may have reached the server (reset, timeout, truncated answer).
    AfterSend,
    /// The server answered with this HTTP status, and (when the body was a FastGPT error envelope)
    /// its code; `kind` is what the answer means.
    Answer { http_status: u16, api_code: Option<i64>, kind: ErrorKind },
}

/// Whether `failure` may be retried for a request that is (or is not) idempotent.
pub fn is_retryable(failure: Failure, idempotent: bool) -> bool {
    match failure {
        Failure::Connect => true,
        Failure::AfterSend => idempotent,
        Failure::Answer { kind: ErrorKind::RateLimited, .. } => true,
        // The chat's previous answer is still being generated: the server did nothing with this one.
        Failure::Answer { kind: ErrorKind::Busy, .. } => idempotent,
        Failure::Answer { api_code: Some(_), .. } => false,
        Failure::Answer { http_status, .. } => match http_status {
            503 => true,
            500..=599 => idempotent, // 502, 504 and the rest: the server may have acted
            _ => false,
        },
    }
}

/// Why a retryable failure is retried, for the log.
fn retry_reason(failure: Failure) -> String {
    match failure {
        Failure::Connect => "connect failed: the server saw nothing".into(),
        Failure::AfterSend => "no complete answer (reset or timeout) to an idempotent request".into(),
        Failure::Answer { kind: ErrorKind::RateLimited, http_status, .. } => {
            format!("rate limited (HTTP {http_status}): the request was not processed")
        }
        Failure::Answer { kind: ErrorKind::Busy, .. } => {
            "the chat is still generating: the request was not processed".into()
        }
        Failure::Answer { http_status: 503, .. } => "HTTP 503: the request was not processed".into(),
        Failure::Answer { http_status, .. } => format!("HTTP {http_status} to an idempotent request"),
    }
}

/// Why a failure is not retried, for the log.
fn not_retryable_reason(failure: Failure) -> String {
    match failure {
        Failure::Connect => "not retryable".into(),
        Failure::AfterSend => "not retried: the request may have reached the server and is not idempotent".into(),
        Failure::Answer { kind: ErrorKind::Busy, .. } => {
            "not retried: the chat is busy and the request is not idempotent".into()
        }
        Failure::Answer { api_code: Some(code), .. } => format!("not retried: FastGPT answered with error code {code}"),
        Failure::Answer { http_status: status @ 500..=599, .. } => {
            format!("not retried: HTTP {status} and the server may have acted on a non-idempotent request")
        }
        Failure::Answer { http_status, .. } => format!("not retried: HTTP {http_status} is an answer"),
    }
}

/// The server has no such route (as opposed to an answer from the route, like a FastGPT 404
/// envelope for a missing record).
fn route_missing(e: &Error) -> bool {
    (e.http_status == 404 && e.api_code == 0) || e.http_status == 405 || e.api_code == 405
}

/// Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... capped at 8 s, each scaled by 0.75..1.0
/// so that many clients failing together do not retry together.
pub fn backoff(retry: u32) -> Duration {
    let base = 0.5 * 2f64.powi(retry.min(10) as i32);
    Duration::from_secs_f64(base.min(8.0) * (1.0 - 0.25 * jitter_unit()))
}

fn jitter_unit() -> f64 {
    // SplitMix64 over a time seed and a counter: no dependency for a few random bits.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let mut z = seed ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay the server asked for: `retry-after-ms` (FastGPT / OpenAI style), else
/// `Retry-After` as seconds or as an HTTP date (relative to `now`).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = headers.get("retry-after-ms").and_then(|v| v.to_str().ok()) {
        if let Ok(ms) = ms.trim().parse::<f64>() {
            if ms.is_finite() && ms >= 0.0 {
                return Some(Duration::from_secs_f64(ms / 1000.0));
            }
        }
    }
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// rustls needs a process-wide crypto provider; ours is ring (small, quick to build).
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Up to 5 redirects. A hop to another origin drops Authorization (reqwest removes sensitive
/// headers when a hop changes origin), but reqwest rebuilds every hop from the original request's
/// headers and compares only with the previous hop, so in a chain A -> B -> B the key would be
/// sent to B again on the second hop. Such a chain is refused instead.
fn redirect_policy() -> reqwest::redirect::Policy {
    fn origin(u: &reqwest::Url) -> (&str, Option<&str>, Option<u16>) {
        (u.scheme(), u.host_str(), u.port_or_known_default())
    }
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let (first, last) = (previous.first().map(origin), previous.last().map(origin));
        let next = origin(attempt.url());
        if previous.len() > 5 {
            attempt.error("too many redirects (more than 5)")
        } else if first.is_some_and(|f| f != next) && last == Some(next) {
            attempt.error("a redirect chain went on within another origin (not followed: the API key would be re-sent)")
        } else {
            attempt.follow()
        }
    })
}

/// The HTTP client (and its connection pool) for `config`; checks the proxy and CA settings.
fn build_http(config: &Config) -> Result<reqwest::Client, Error> {
    install_crypto_provider();
    let mut headers = HeaderMap::new();
    for (name, value) in &config.headers {
        // Config::from_json has already checked both, naming the offending header.
        let name = HeaderName::from_bytes(name.as_bytes()).expect("checked by Config");
        let value = HeaderValue::from_str(value).expect("checked by Config");
        headers.insert(name, value);
    }
    if let Some(key) = &config.api_key {
        let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| Error::invalid_argument("api_key is not a valid header value"))?;
        // Sensitive: never printed by the http crate's Debug, and hpack never indexes it.
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| Error::invalid_argument("user_agent is not a valid header value"))?;
    headers.insert(USER_AGENT, user_agent);

    let mut builder = reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(config.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(50))
        .redirect(redirect_policy());
    builder = match &config.proxy {
        Some(url) => builder.proxy(
            reqwest::Proxy::all(url.as_str())
                .map_err(|e| Error::invalid_argument(format!("proxy is not a valid proxy URL: {e}")))?,
        ),
        None => builder.no_proxy(),
    };
    // Our rustls configuration: the system's roots are read at the first https handshake.
    builder = builder.tls_backend_preconfigured(crate::tls::client_config(config)?);
    builder
        .build()
        .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot build the HTTP client: {}", error_chain(&e))))
}

impl Transport {
    pub fn new(config: Config) -> Result<Transport, Error> {
        let http = build_http(&config)?;
        let log = Logger::new(config.api_key.clone());
        Ok(Transport {
            http,
            pool: std::sync::Arc::new(config.clone()),
            base: reqwest::Url::parse(&config.base_url).expect("base_url was validated"),
            config,
            fallback_first: RwLock::new(HashSet::new()),
            extra_headers: HeaderMap::new(),
            log,
        })
    }

    /// A transport on the same connection pool with `overrides` applied (no I/O, no TLS setup).
    /// It starts with what the parent learned about moved routes.
    pub fn derive(&self, overrides: &Overrides) -> Transport {
        let mut config = self.config.clone();
        overrides.apply(&mut config);
        let mut extra_headers = self.extra_headers.clone();
        for (name, value) in &overrides.headers {
            // Overrides::from_json has checked both.
            let name = HeaderName::from_bytes(name.as_bytes()).expect("checked by Overrides");
            extra_headers.insert(name, HeaderValue::from_str(value).expect("checked by Overrides"));
        }
        let learned = self.fallback_first.read().unwrap_or_else(|p| p.into_inner()).clone();
        Transport {
            http: self.http.clone(),
            pool: std::sync::Arc::clone(&self.pool),
            base: self.base.clone(), // overrides never change base_url
            config,
            fallback_first: RwLock::new(learned),
            extra_headers,
            log: self.log.derive(),
        }
    }

    /// This thread's own pool inside a caller's-thread call, else the shared one.
    fn http(&self) -> Result<reqwest::Client, Error> {
        crate::local::thread_http(&self.pool, build_http).unwrap_or_else(|| Ok(self.http.clone()))
    }

    fn request(&self, req: &Prepared) -> Result<reqwest::RequestBuilder, Error> {
        let mut url = self.base.clone();
        // The base's own path (a prefix, or "/") and the endpoint's: paths hold no '?' or '#'
        // (prepare_custom checks), so this is the URL `base_url + path` parses to.
        url.set_path(&format!("{}{}", self.base.path().trim_end_matches('/'), req.path));
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&req.query);
        }
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.http()?.request(method, url);
        if !self.extra_headers.is_empty() {
            builder = builder.headers(self.extra_headers.clone());
        }
        if let Some(upload) = &req.upload {
            builder = builder
                .header(CONTENT_TYPE, upload.content_type())
                .header(CONTENT_LENGTH, upload.total_len())
                .body(upload.body());
        } else if let Some(body) = &req.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body.clone());
        }
        Ok(builder)
    }

    fn redact(&self, err: Error) -> Error {
        match &self.config.api_key {
            Some(key) => err.redact(key),
            None => err,
        }
    }

    /// Sends `req` (on its fallback route when the server lacks the first, see the module docs)
    /// until it gets an answer, retrying per the rules above, and returns the response with its
    /// headers read. `deadline` bounds everything including the waits. A non-success answer is
    /// returned as an error with its (capped) body.
    pub async fn send(&self, req: &Prepared, deadline: Instant) -> Result<reqwest::Response, Error> {
        let Some(fallback) = &req.fallback else { return self.send_route(req, deadline).await };
        let learned = self.fallback_first.read().unwrap_or_else(|p| p.into_inner()).contains(req.endpoint);
        let (first, second) = if learned { (&**fallback, req) } else { (req, &**fallback) };
        match self.send_route(first, deadline).await {
            Err(e) if route_missing(&e) => {
                let result = self.send_route(second, deadline).await;
                match &result {
                    Err(e2) if route_missing(e2) => {
                        let mut e = e;
                        e.message.push_str(&format!(
                            " (and {} {} answered HTTP {} too)",
                            second.method.as_str(),
                            second.path,
                            e2.http_status
                        ));
                        return Err(e);
                    }
                    _ => {
                        let mut set = self.fallback_first.write().unwrap_or_else(|p| p.into_inner());
                        if learned {
                            set.remove(req.endpoint);
                        } else {
                            set.insert(req.endpoint);
                        }
                    }
                }
                result
            }
            other => other,
        }
    }

    /// [`Transport::send`] on one route.
    async fn send_route(&self, req: &Prepared, deadline: Instant) -> Result<reqwest::Response, Error> {
        let mut retry = 0;
        if let Some(body) = req.body.as_ref().filter(|_| self.log.enabled(Level::Trace)) {
            log_at!(
                self.log,
                Level::Trace,
                "request body method={} path={} {}",
                req.method.as_str(),
                req.path,
                crate::log::body(body)
            );
        }
        loop {
            let started = Instant::now();
            let attempt = tokio::time::timeout_at(deadline.into(), self.request(req)?.send()).await;
            let (failure, error, server_delay) = match attempt {
                Err(_) => (Failure::AfterSend, self.timeout_error(), None),
                // The redirect policy's decision: the same request would get the same answer.
                Ok(Err(e)) if e.is_redirect() => {
                    let error = self.transport_error(&e);
                    self.log_attempt(req, retry, started, None, Some(&error), "fail reason=\"redirect not followed\"");
                    return Err(error);
                }
                Ok(Err(e)) => {
                    let failure = if e.is_connect() { Failure::Connect } else { Failure::AfterSend };
                    (failure, self.transport_error(&e), None)
                }
                Ok(Ok(resp)) if resp.status().is_success() || resp.status().is_redirection() => {
                    self.log_attempt(req, retry, started, Some((resp.status().as_u16(), None)), None, "ok");
                    return Ok(resp);
                }
                Ok(Ok(mut resp)) => {
                    let status = resp.status().as_u16();
                    let headers = std::mem::take(resp.headers_mut());
                    let delay = retry_after(&headers, SystemTime::now());
                    let body =
                        match tokio::time::timeout_at(deadline.into(), read_capped(resp, crate::error::MAX_ERROR_BODY))
                            .await
                        {
                            Ok(Ok(b)) => b,
                            Ok(Err(_)) | Err(_) => Vec::new(),
                        };
                    let api_code = Envelope::parse(&body).and_then(|e| e.code_number());
                    let mut error = classify_failure(status, &body).with_headers(headers);
                    if status == 405 || error.api_code == 405 {
                        error.message.push_str(&format!(
                            " (the server does not accept {} on {})",
                            req.method.as_str(),
                            req.path
                        ));
                    }
                    (Failure::Answer { http_status: status, api_code, kind: error.kind }, error, delay)
                }
            };
            let error = self.redact(error);
            let answer = match failure {
                Failure::Answer { http_status, api_code, .. } => Some((http_status, api_code)),
                _ => None,
            };
            // The reason is only built when the line is logged.
            let fail = |why: &dyn Fn() -> String| {
                if self.log.enabled(Level::Error) {
                    let outcome = format!("fail reason={}", quote(&why()));
                    self.log_attempt(req, retry, started, answer, Some(&error), &outcome);
                }
            };
            if !is_retryable(failure, req.idempotent) {
                fail(&|| not_retryable_reason(failure));
                return Err(error);
            }
            if retry >= self.config.max_retries {
                fail(&|| {
                    format!("{}; no retries left (max_retries={})", retry_reason(failure), self.config.max_retries)
                });
                return Err(error);
            }
            let wait = match server_delay {
                Some(d) if d > self.config.max_retry_delay => {
                    fail(&|| format!("the server asked to retry after {} ms, over max_retry_delay_ms", d.as_millis()));
                    let mut error = error;
                    error.message.push_str(&format!(
                        " (the server asked to retry after {} ms, over max_retry_delay_ms)",
                        d.as_millis()
                    ));
                    return Err(error);
                }
                Some(d) => d,
                None => backoff(retry),
            };
            if Instant::now() + wait >= deadline {
                fail(&|| {
                    format!("{}; the wait of {} ms would pass timeout_ms", retry_reason(failure), wait.as_millis())
                });
                return Err(error);
            }
            if self.log.enabled(Level::Warn) {
                let why = format!("retry wait_ms={} reason={}", wait.as_millis(), quote(&retry_reason(failure)));
                self.log_attempt(req, retry, started, answer, Some(&error), &why);
            }
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// The one line per attempt: `request method= path= attempt= http_status= fastgpt_code=
    /// duration_ms= outcome=ok|retry|fail [wait_ms=] [reason=] [error=]` (INFO when ok, WARN when
    /// retried, ERROR when it ends the call). `answer` is the HTTP status and envelope code.
    fn log_attempt(
        &self,
        req: &Prepared,
        retry: u32,
        started: Instant,
        answer: Option<(u16, Option<i64>)>,
        error: Option<&Error>,
        outcome: &str,
    ) {
        let level = match (error, outcome.starts_with("retry")) {
            (None, _) => Level::Info,
            (Some(_), true) => Level::Warn,
            (Some(_), false) => Level::Error,
        };
        if !self.log.enabled(level) {
            return;
        }
        let (http, code) = match answer {
            Some((status, code)) => (status.to_string(), code.map_or("-".to_string(), |c| c.to_string())),
            None => ("-".to_string(), "-".to_string()),
        };
        let error = error.map(|e| format!(" error={}", quote(&e.message))).unwrap_or_default();
        self.log.write(
            level,
            format_args!(
                "request method={} path={} attempt={} http_status={http} fastgpt_code={code} duration_ms={} outcome={outcome}{error}",
                req.method.as_str(),
                req.path,
                retry + 1,
                started.elapsed().as_millis(),
            ),
        );
    }

    pub fn timeout_error(&self) -> Error {
        Error::new(ErrorKind::Timeout, format!("no answer within timeout_ms ({} ms)", self.config.timeout.as_millis()))
    }

    pub fn transport_error(&self, e: &reqwest::Error) -> Error {
        let detail = error_chain(e);
        let err = if e.is_timeout() {
            Error::new(ErrorKind::Timeout, format!("timed out: {detail}"))
        } else if e.is_connect() {
            Error::new(ErrorKind::Connect, format!("cannot connect to {}: {detail}", self.config.base_url))
        } else if e.is_redirect() {
            Error::new(ErrorKind::Http, format!("redirect not followed: {detail}"))
        } else {
            Error::new(
                ErrorKind::Connect,
                format!("connection to {} failed before an answer: {detail}", self.config.base_url),
            )
        };
        self.redact(err)
    }
}

/// Reads a body up to `cap` bytes; more is an error (a hostile or misdirected server).
pub async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, Error> {
    // A body announced as too large fails before any of it is read or buffered.
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large(cap));
    }
    // One spare byte: the C layer NUL-terminates the body in place.
    let mut body = Vec::with_capacity(resp.content_length().map_or(8192, |n| (n as usize).min(cap) + 1));
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| Error::new(ErrorKind::StreamTruncated, format!("the answer was cut off: {}", error_chain(&e))))?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_large(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(cap: usize) -> Error {
    Error::new(ErrorKind::Decode, format!("the answer is larger than max_response_bytes ({cap} bytes)"))
}

/// "a: b: c" from an error and its sources, without repeating reqwest's URL-bearing prefix twice.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls_are_the_base_url_and_the_path_with_its_query() {
        let mut query = serde_json::Map::new();
        query.insert("appId".into(), serde_json::Value::from("a b&c"));
        let req = crate::endpoints::prepare_custom("GET", "/api/core/chat/init", query).unwrap();
        for (base, want) in [
            ("http://localhost:3000", "http://localhost:3000/api/core/chat/init?appId=a+b%26c"),
            ("https://proxy.example/fastgpt/api", "https://proxy.example/fastgpt/api/core/chat/init?appId=a+b%26c"),
            ("http://[::1]:3000/api/v1/", "http://[::1]:3000/api/core/chat/init?appId=a+b%26c"),
        ] {
            let config = Config::from_json(&serde_json::json!({"base_url": base}), |_| None).unwrap();
            let transport = Transport::new(config).unwrap();
            let built = transport.request(&req).unwrap().build().unwrap();
            assert_eq!(built.url().as_str(), want, "{base}");
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "250")]), now), Some(Duration::from_millis(250)));
        assert_eq!(retry_after(&headers(&[("retry-after", "3")]), now), Some(Duration::from_secs(3)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&[("retry-after", &date)]), now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&[("retry-after", &past)]), now), Some(Duration::ZERO));
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "100"), ("retry-after", "9")]), now),
            Some(Duration::from_millis(100)),
            "the ms header wins"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "-5")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn retry_decisions() {
        use Failure::*;
        // What classification makes of the answer, as the send loop builds it.
        let answer = |http_status: u16, body: &str| {
            let kind = classify_failure(http_status, body.as_bytes()).kind;
            Answer { http_status, api_code: Envelope::parse(body.as_bytes()).and_then(|e| e.code_number()), kind }
        };
        let env = |code: i64, status_text: &str| {
            format!(r#"{{"code":{code},"statusText":"{status_text}","message":"m","data":null}}"#)
        };
        // Safe for everything: the server did not act.
        for f in [
            Connect,
            answer(429, ""),
            answer(503, ""),
            answer(500, &env(429, "tooManyRequest")),
            answer(429, &env(429, "error")),
        ] {
            assert!(is_retryable(f, false) && is_retryable(f, true), "{f:?}");
        }
        // Only for idempotent requests: the server may have acted, or a chat is still generating.
        for f in [
            AfterSend,
            answer(502, ""),
            answer(504, ""),
            answer(500, ""),
            answer(500, &env(507000, "chatIsGenerating")),
            answer(409, &env(409, "chatIsGenerating")),
        ] {
            assert!(!is_retryable(f, false) && is_retryable(f, true), "{f:?}");
        }
        // Never: FastGPT answered with an error.
        for f in [
            answer(500, &env(514, "unAuthApiKey")),
            answer(500, &env(403, "unAuthorization")),
            answer(500, &env(500, "error")),
            answer(400, &env(400, "error")),
            answer(400, ""),
            answer(404, ""),
            answer(401, ""),
        ] {
            assert!(!is_retryable(f, true), "{f:?}");
        }
    }

    #[test]
    fn a_missing_route_is_told_apart_from_an_answer() {
        assert!(route_missing(&classify_failure(404, b"<!DOCTYPE html><html>404</html>")));
        assert!(route_missing(&classify_failure(404, b"")));
        assert!(route_missing(&classify_failure(405, b"")));
        assert!(route_missing(&classify_failure(
            500,
            br#"{"code":405,"statusText":"error","message":"Method not allowed","data":null}"#
        )));
        assert!(!route_missing(&classify_failure(
            500,
            br#"{"code":404,"statusText":"error","message":"record not found","data":null}"#
        )));
        assert!(!route_missing(&classify_failure(
            500,
            br#"{"code":500,"statusText":"error","message":"x","data":null}"#
        )));
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        for retry in 0..20 {
            let d = backoff(retry).as_secs_f64();
            let base = (0.5 * 2f64.powi(retry.min(10) as i32)).min(8.0);
            assert!(d <= base && d >= base * 0.75, "retry {retry}: {d}");
        }
    }
}
