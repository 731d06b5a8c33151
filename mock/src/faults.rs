//! `x-mock-fault: <name>[=<arg>][;times=N]`: parsing, the `times` budget, and the faults that
//! replace the whole response. Stream faults are carried into `chat` and applied there.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use hyper::{Response, StatusCode};

use crate::body::Body;
use crate::envelope::{self, ApiError};
use crate::routes::{Req, Reset};
use crate::Shared;

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    RateLimitMs(u64),
    RateLimitS(u64),
    RateLimitDate(u64),
    RateLimitEnvelope,
    Status(u16),
    Envelope(String),
    Envelope200(String),
    ResetBeforeHeaders,
    ResetMidStream,
    StallMidStream(u64),
    SlowFirstByte(u64),
    Truncate,
    ErrorMidStream,
    Error200,
    Html404,
    HugeEvent(usize),
    HugeBody(usize),
    SlowStream(u64),
    HeartbeatOnly(u64),
    MalformedJson,
    InvalidUtf8,
    Redirect(String),
    EchoHeaders,
    /// A literal body from `fixtures/errors/`.
    Error(String),
}

impl Fault {
    /// Parses `name[=arg]` (without the `;times=` part).
    pub fn parse(spec: &str) -> Option<Fault> {
        let (name, arg) = match spec.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (spec.trim(), None),
        };
        let num = || arg.and_then(|a| a.parse::<u64>().ok());
        let code = || arg.filter(|a| !a.is_empty()).map(str::to_string);
        Some(match name {
            "rate_limit_ms" => Fault::RateLimitMs(num()?),
            "rate_limit_s" => Fault::RateLimitS(num()?),
            "rate_limit_date" => Fault::RateLimitDate(num()?),
            "rate_limit_envelope" => Fault::RateLimitEnvelope,
            "status" => Fault::Status(u16::try_from(num()?).ok().filter(|n| (100..1000).contains(n))?),
            "envelope" => Fault::Envelope(code()?),
            "envelope_200" => Fault::Envelope200(code()?),
            "reset_before_headers" => Fault::ResetBeforeHeaders,
            "reset_mid_stream" => Fault::ResetMidStream,
            "stall_mid_stream" => Fault::StallMidStream(num()?),
            "slow_first_byte" => Fault::SlowFirstByte(num()?),
            "truncate" => Fault::Truncate,
            "error_mid_stream" => Fault::ErrorMidStream,
            "error_200" => Fault::Error200,
            "html_404" => Fault::Html404,
            "huge_event" => Fault::HugeEvent(num()? as usize),
            "huge_body" => Fault::HugeBody(num()? as usize),
            "slow_stream" => Fault::SlowStream(num()?),
            "heartbeat_only" => Fault::HeartbeatOnly(num()?),
            "malformed_json" => Fault::MalformedJson,
            "invalid_utf8" => Fault::InvalidUtf8,
            "redirect" => Fault::Redirect(code()?),
            "echo_headers" => Fault::EchoHeaders,
            "error" => Fault::Error(crate::fixtures::error(arg?).map(|_| arg.unwrap_or_default().to_string())?),
            _ => return None,
        })
    }
}

fn text(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Body::full(body))
        .expect("valid response")
}

/// Counts the request for `/mock/stats` and decides whether its fault applies now. An unparsable
/// fault is a bug in the test, so it gets a loud HTTP 400 instead of a silent normal answer.
pub fn decide(shared: &Shared, req: &Req) -> Result<Option<Fault>, Box<Response<Body>>> {
    let mut st = shared.state();
    let id = req.header("x-mock-id");
    let seen = id.map(|id| st.record_request(id, req.raw.clone(), req.headers_json()));
    let Some(header) = req.header("x-mock-fault").map(str::trim) else {
        return Ok(None);
    };
    let (spec, times) = match header.rfind(";times=") {
        Some(i) => match header[i + 7..].trim().parse::<u64>() {
            Ok(n) => (&header[..i], Some(n)),
            Err(_) => (header, None),
        },
        None => (header, None),
    };
    let Some(fault) = Fault::parse(spec) else {
        return Err(Box::new(text(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            format!("fastgpt-mock: unknown fault {header:?}\n"),
        )));
    };
    if let Some(times) = times {
        let n = match seen {
            Some(n) => n,
            None => {
                let n = st.fault_uses.entry(header.to_string()).or_default();
                *n += 1;
                *n
            }
        };
        if n > times {
            return Ok(None);
        }
    }
    Ok(Some(fault))
}

/// The response for a fault that replaces the whole response, `None` to serve normally
/// (after any `slow_first_byte` delay) and `Some(Err)` to cut the connection.
pub async fn respond(fault: &Fault, req: &Req) -> Option<Result<Response<Body>, Reset>> {
    let too_many = || envelope::error_with(StatusCode::TOO_MANY_REQUESTS, &ApiError::Known("tooManyRequest"));
    let with = |mut r: Response<Body>, name: &'static str, value: String| {
        r.headers_mut().insert(name, value.parse().expect("header value"));
        r
    };
    let res = match fault {
        Fault::RateLimitMs(ms) => with(too_many(), "retry-after-ms", ms.to_string()),
        Fault::RateLimitS(s) => with(too_many(), "retry-after", s.to_string()),
        Fault::RateLimitDate(s) => {
            let when = SystemTime::now() + Duration::from_secs(*s);
            with(too_many(), "retry-after", httpdate::fmt_http_date(when))
        }
        Fault::RateLimitEnvelope => envelope::error(&ApiError::Coded(
            429,
            "Rate limit exceeded. Maximum 60 requests per 60 seconds for this team. \
             Please try again in 1 seconds."
                .into(),
        )),
        Fault::Status(code) => {
            let status = StatusCode::from_u16(*code).expect("checked when parsed");
            let reason = status.canonical_reason().unwrap_or("Error");
            text(status, "text/plain; charset=utf-8", reason)
        }
        Fault::Envelope(code) => envelope::error(&fault_error(code)),
        Fault::Envelope200(code) => envelope::error_with(StatusCode::OK, &fault_error(code)),
        Fault::ResetBeforeHeaders => return Some(Err(Reset)),
        Fault::SlowFirstByte(ms) => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            return None;
        }
        Fault::Error200 => {
            let payload = envelope::to_text(&ApiError::Known("unAuthApiKey").to_json());
            text(StatusCode::OK, "text/plain", format!("event: error\ndata: {payload}\n\n"))
        }
        Fault::Html404 => crate::routes::html_404(),
        Fault::HugeBody(n) => {
            let head = Bytes::from_static(br#"{"code":200,"statusText":"","message":"","data":""#);
            let tail = Bytes::from_static(br#""}"#);
            let fill = n.saturating_sub(head.len() + tail.len());
            Response::builder()
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::filler(head, fill, tail))
                .expect("valid response")
        }
        Fault::MalformedJson if !is_stream_request(req) => {
            text(StatusCode::OK, "application/json", r#"{"code":200,"data":"#)
        }
        Fault::Redirect(url) => Response::builder()
            .status(StatusCode::TEMPORARY_REDIRECT)
            .header("location", url.as_str())
            .body(Body::empty())
            .expect("valid response"),
        Fault::EchoHeaders => envelope::success(req.headers_json()),
        Fault::Error(name) => fixture_error(name, req),
        _ => return None,
    };
    Some(Ok(res))
}

/// A fixture body, literal in the legacy generation; `x-mock-errors: typed` re-issues a legacy
/// (HTTP 500) one with the typed status and `errorType`.
fn fixture_error(name: &str, req: &Req) -> Response<Body> {
    let (status, body) = crate::fixtures::error(name).expect("checked when parsed");
    let status = StatusCode::from_u16(status).expect("valid fixture status");
    let parsed: serde_json::Value = serde_json::from_str(body).expect("fixtures are JSON");
    let mut res = if req.err_gen() == envelope::ErrGen::Typed && status == StatusCode::INTERNAL_SERVER_ERROR {
        envelope::error_body(envelope::ErrGen::Typed, status, &parsed)
    } else {
        text(status, "application/json; charset=utf-8", body.to_string())
    };
    if parsed["statusText"] == "unAuthorization" {
        res.headers_mut().insert("set-cookie", "fastgpt_token=; Path=/; Max-Age=0".parse().expect("header"));
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        res.headers_mut().insert("allow", "POST".parse().expect("header"));
    }
    res
}

/// A completion request asking for a stream: the requests stream faults apply to.
pub fn is_stream_request(req: &Req) -> bool {
    req.path.ends_with("/chat/completions") && req.body.get("stream").and_then(|v| v.as_bool()) == Some(true)
}

/// The envelope for `envelope=<code>`.
fn fault_error(code: &str) -> ApiError {
    match code {
        "error" => ApiError::plain("mock plain error"),
        "400" => ApiError::Zod(vec![serde_json::json!({"origin": "string", "code": "invalid_format",
            "format": "regex", "pattern": "/^[0-9a-fA-F]{24}$/", "path": ["appId"],
            "message": "Invalid string: must match pattern /^[0-9a-fA-F]{24}$/"})]),
        c => match c.parse::<u32>() {
            Ok(n) => ApiError::by_code(n).unwrap_or_else(|| ApiError::Coded(n, format!("mock error {n}"))),
            Err(_) => ApiError::plain(c),
        },
    }
}
