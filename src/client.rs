//! The client: one configured transport plus the scope that cancels everything it started.
//! Knows FastGPT's answer shapes (envelope or whole body) and how a stream is read.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Overrides};
use crate::delivery::Mailbox;
use crate::endpoints::{Answer, Prepared};
use crate::error::{classify_failure, looks_like_html, snippet, Envelope, Error, ErrorKind};
use crate::events::StreamInterpreter;
use crate::log::{log_at, Level, Logger};
use crate::response::Response;
use crate::runtime::cancellable;
use crate::sse::SseParser;
use crate::transport::{read_capped, Transport};

pub struct Client {
    transport: Transport,
    /// Cancelled when the client is freed: every operation it started ends with CANCELLED.
    scope: CancellationToken,
}

/// Largest non-SSE body read from a stream request (an early `event: error`, an envelope, a page).
const MAX_NON_SSE_BODY: usize = 1024 * 1024;

impl Client {
    pub fn new(config: Config) -> Result<Client, Error> {
        crate::runtime::check_fork()?;
        let client = Client { transport: Transport::new(config)?, scope: CancellationToken::new() };
        crate::log::config_decisions(&client.transport.log, &client.transport.config);
        Ok(client)
    }

    /// A client on this one's connection pool with `overrides` applied: no I/O, no TLS setup.
    /// Its scope is a child of this client's, so shutting this client down also cancels the
    /// derived client's operations; shutting the derived client down cancels only its own.
    pub fn derive(&self, overrides: &Overrides) -> Result<Client, Error> {
        crate::runtime::check_fork()?;
        let client = Client { transport: self.transport.derive(overrides), scope: self.scope.child_token() };
        log_at!(client.transport.log, Level::Debug, "derived client {}", crate::log::overrides(overrides));
        Ok(client)
    }

    pub fn logger(&self) -> &Logger {
        &self.transport.log
    }

    pub fn config(&self) -> &Config {
        &self.transport.config
    }

    /// Cancels every operation in flight; they complete with CANCELLED.
    pub fn shutdown(&self) {
        self.scope.cancel();
    }

    /// A unary call: sends (with retries) and returns the answer, or the classified error.
    pub async fn call(self: Arc<Self>, req: Prepared, cancel: Option<CancellationToken>) -> Result<Response, Error> {
        self.call_until(req, cancel, None).await
    }

    /// A unary call that also ends when `abort` is cancelled (an upload whose progress callback
    /// aborted).
    pub async fn call_until(
        self: Arc<Self>,
        req: Prepared,
        cancel: Option<CancellationToken>,
        abort: Option<CancellationToken>,
    ) -> Result<Response, Error> {
        let work = async {
            let deadline = Instant::now() + self.transport.config.timeout;
            let mut resp = self.transport.send(&req, deadline).await?;
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            let cap = self.transport.config.max_response_bytes;
            let body = match tokio::time::timeout_at(deadline.into(), read_capped(resp, cap)).await {
                Ok(Ok(body)) => body,
                Ok(Err(e)) => return Err(e.with_headers(headers)),
                Err(_) => return Err(self.transport.timeout_error().with_headers(headers)),
            };
            log_at!(
                self.transport.log,
                Level::Trace,
                "response body method={} path={} {}",
                req.method.as_str(),
                req.path,
                crate::log::body(&body)
            );
            match result_range(req.answer, status, &body) {
                Ok(data) => Ok(Response { status, headers, body, data }),
                Err(e) => Err(e.with_headers(headers)),
            }
        };
        let started = Instant::now();
        let result = self.run(work, cancel, abort.as_ref()).await;
        log_at!(
            self.transport.log,
            Level::Debug,
            "call end method={} path={} duration_ms={} {}",
            req.method.as_str(),
            req.path,
            started.elapsed().as_millis(),
            crate::log::outcome(&result)
        );
        result
    }

    /// A streamed chat completion: frames go to `mailbox` as events, the result is the answer
    /// accumulated in the non-stream shape.
    pub async fn stream(
        self: Arc<Self>,
        req: Prepared,
        request: StreamOptions,
        cancel: Option<CancellationToken>,
        mailbox: Arc<Mailbox>,
    ) -> Result<Response, Error> {
        let abort = mailbox.abort.clone();
        let log = &self.transport.log;
        // For the stream end line (atomics: the future moves between threads).
        let (events, bytes) = (AtomicU64::new(0), AtomicU64::new(0));
        let started = Instant::now();
        let work = async {
            let deadline = Instant::now() + self.transport.config.timeout;
            // Boxed: the request's state is freed once the headers are in, so an open stream holds
            // only what reading needs.
            let mut resp = Box::pin(self.transport.send(&req, deadline)).await?;
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            // Every failure from here on came with this answer: its error keeps the headers
            // (copied only then; the stream holds one set).
            let answered = |e: Error| e.with_headers(headers.clone());
            let is_sse = headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("text/event-stream"));
            log_at!(
                log,
                Level::Debug,
                "stream start method={} path={} http_status={status} event_stream={is_sse} duration_ms={}",
                req.method.as_str(),
                req.path,
                started.elapsed().as_millis()
            );
            let mut interpreter = StreamInterpreter::new(request.chat_id);
            let mut parser = SseParser::new(self.transport.config.max_event_bytes);
            let mut frames = Vec::new();
            let mut batch = Vec::new();
            if !is_sse {
                // FastGPT reports errors found before the workflow starts as HTTP 200 without the
                // event-stream type and an `event: error` body; anything else is not a stream.
                let body = match tokio::time::timeout_at(deadline.into(), read_capped(resp, MAX_NON_SSE_BODY)).await {
                    Ok(body) => body.map_err(&answered)?,
                    Err(_) => return Err(answered(self.transport.timeout_error())),
                };
                bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                log_at!(log, Level::Trace, "stream data {}", crate::log::body(&body));
                let trimmed = body.trim_ascii_start();
                if !(trimmed.starts_with(b"event:") || trimmed.starts_with(b"data:")) {
                    return Err(answered(not_a_stream(status, &body)));
                }
                parser.feed(&body, &mut frames).map_err(|e| answered(too_large(e, &self.transport.config)))?;
                parser.feed(b"\n\n", &mut frames).map_err(|e| answered(too_large(e, &self.transport.config)))?;
                let (_, failure) = self.interpret(&mut interpreter, &mut frames, &mut batch);
                events.fetch_add(batch.len() as u64, Ordering::Relaxed);
                mailbox.send_events(&mut batch).await?;
                return match failure {
                    Some(e) => Err(answered(e)),
                    None => interpreter.finish(status, headers),
                };
            }
            let idle = self.transport.config.stream_idle_timeout;
            'read: loop {
                let chunk = match tokio::time::timeout(idle, resp.chunk()).await {
                    Ok(Ok(Some(chunk))) => chunk,
                    Ok(Ok(None)) => break,
                    // After [DONE] the answer is complete; a server that then stalls or drops the
                    // connection only costs the trailing flowResponses.
                    _ if interpreter.saw_done() => break,
                    Err(_) => return Err(answered(idle_timeout(idle))),
                    Ok(Err(e)) => {
                        return Err(answered(Error::new(
                            ErrorKind::StreamTruncated,
                            format!(
                                "the connection broke mid-stream before [DONE]: {}",
                                crate::transport::error_chain(&e)
                            ),
                        )))
                    }
                };
                bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                log_at!(log, Level::Trace, "stream data {}", crate::log::body(&chunk));
                parser.feed(&chunk, &mut frames).map_err(|e| answered(too_large(e, &self.transport.config)))?;
                let (finished, failure) = self.interpret(&mut interpreter, &mut frames, &mut batch);
                events.fetch_add(batch.len() as u64, Ordering::Relaxed);
                mailbox.send_events(&mut batch).await?;
                if let Some(e) = failure {
                    return Err(answered(e));
                }
                if finished {
                    break 'read;
                }
                // One wake-up of a blocking caller per network read, not per event.
                mailbox.flush();
                mailbox.hand_over().await;
            }
            interpreter.finish(status, headers)
        };
        let result = self.run(work, cancel, Some(&abort)).await;
        log_at!(
            log,
            crate::log::end_level(&result, Level::Info),
            "stream end method={} path={} events={} bytes={} duration_ms={} {}",
            req.method.as_str(),
            req.path,
            events.load(Ordering::Relaxed),
            bytes.load(Ordering::Relaxed),
            started.elapsed().as_millis(),
            crate::log::outcome(&result)
        );
        result
    }

    /// Interprets the frames of one read into `batch`, up to the end of the stream (true) or a bad
    /// frame, whose error is returned so the events before it are still delivered first.
    fn interpret(
        &self,
        interpreter: &mut StreamInterpreter,
        frames: &mut Vec<crate::sse::SseEvent>,
        batch: &mut Vec<crate::events::StreamEvent>,
    ) -> (bool, Option<Error>) {
        for frame in frames.drain(..) {
            match interpreter.on_frame(frame) {
                Ok(event) => batch.push(self.redact_event(event)),
                Err(e) => return (false, Some(e)),
            }
            if interpreter.finished() {
                return (true, None);
            }
        }
        (false, None)
    }

    /// An `event: error` frame's error is handed to the callback as it arrives: hide the key in it
    /// like in the operation's final error (a server may quote the Authorization header).
    fn redact_event(&self, mut event: crate::events::StreamEvent) -> crate::events::StreamEvent {
        if let Some(key) = &self.transport.config.api_key {
            event.error = event.error.map(|e| Box::new(e.redact(key)));
        }
        event
    }

    /// Bounds `work` by the client's scope, the caller's token and (streams) the callback's abort,
    /// and hides the key in errors.
    async fn run(
        &self,
        work: impl std::future::Future<Output = Result<Response, Error>>,
        cancel: Option<CancellationToken>,
        abort: Option<&CancellationToken>,
    ) -> Result<Response, Error> {
        let mut tokens = vec![&self.scope];
        tokens.extend(cancel.as_ref());
        tokens.extend(abort);
        // A callback abort also ends here as CANCELLED; the mailbox reports it as ABORTED_BY_CALLBACK.
        let result = cancellable(work, &tokens).await;
        match (&self.transport.config.api_key, result) {
            (Some(key), Err(e)) => Err(e.redact(key)),
            (_, r) => r,
        }
    }
}

/// What the stream reader needs from the request (detail mode is read from the stream itself).
#[derive(Debug, Clone, Default)]
pub struct StreamOptions {
    pub chat_id: Option<String>,
}

impl StreamOptions {
    pub fn from_request(request: &serde_json::Map<String, Value>) -> StreamOptions {
        StreamOptions { chat_id: request.get("chatId").and_then(Value::as_str).map(str::to_owned) }
    }
}

/// Where the result is in a 2xx body, or the error the body carries.
fn result_range(answer: Answer, status: u16, body: &[u8]) -> Result<std::ops::Range<usize>, Error> {
    let envelope = Envelope::parse(body);
    match (&envelope, answer) {
        (Some(env), Answer::Envelope | Answer::Auto) => {
            if env.code_number() != Some(200) {
                return Err(classify_failure(status, body));
            }
            Ok(match env.data {
                Some(raw) => {
                    let start = raw.get().as_ptr() as usize - body.as_ptr() as usize;
                    start..start + raw.get().len()
                }
                None => 0..0,
            })
        }
        // An error envelope instead of a completion (older servers answer errors with HTTP 200).
        (Some(env), Answer::Whole) if env.code_number() != Some(200) => Err(classify_failure(status, body)),
        (_, Answer::Envelope) => Err(not_json(status, body, "a FastGPT envelope")),
        (_, Answer::Whole | Answer::Auto) => {
            if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
                return Err(not_json(status, body, "JSON"));
            }
            Ok(0..body.len())
        }
    }
}

fn not_json(status: u16, body: &[u8], expected: &str) -> Error {
    let message = if looks_like_html(body) {
        format!("HTTP {status} with an HTML page instead of {expected}: check that base_url points at a FastGPT server")
    } else {
        format!("HTTP {status} with a body that is not {expected}: {}", snippet(body))
    };
    let mut err = Error::new(ErrorKind::Decode, message).with_body(body);
    err.http_status = status;
    err
}

fn not_a_stream(status: u16, body: &[u8]) -> Error {
    match Envelope::parse(body) {
        Some(env) if env.code_number() != Some(200) => classify_failure(status, body),
        _ => not_json(status, body, "an event stream"),
    }
}

fn too_large(_: crate::sse::SseError, config: &Config) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("a stream event is larger than max_event_bytes ({} bytes)", config.max_event_bytes),
    )
}

fn idle_timeout(idle: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("the stream sent nothing for {} ms (stream_idle_timeout_ms)", idle.as_millis()),
    )
}
