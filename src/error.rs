//! Errors: what went wrong, classified by FastGPT's own envelope code rather than by HTTP status.
//!
//! FastGPT answers almost every error with HTTP 500 (older servers: 200) and the real code in a
//! `{code, statusText, message, data}` envelope, so the body decides the kind: 403/514 are auth
//! errors, 510/500004 quota, 429 rate limiting, anything else an API error.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue};

/// The stable status numbers of the C ABI (`FASTGPT_ERR_*`). Append-only: never renumber.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NullArgument = 1,
    InvalidUtf8 = 2,
    InvalidJson = 3,
    InvalidArgument = 4,
    Connect = 10,
    Timeout = 11,
    Http = 12,
    Auth = 13,
    RateLimited = 14,
    Quota = 15,
    Api = 16,
    Decode = 17,
    StreamTruncated = 18,
    Busy = 19,
    Cancelled = 20,
    AbortedByCallback = 21,
    Forked = 30,
    Panic = 98,
    Internal = 99,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 19] = [
        ErrorKind::NullArgument,
        ErrorKind::InvalidUtf8,
        ErrorKind::InvalidJson,
        ErrorKind::InvalidArgument,
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Http,
        ErrorKind::Auth,
        ErrorKind::RateLimited,
        ErrorKind::Quota,
        ErrorKind::Api,
        ErrorKind::Decode,
        ErrorKind::StreamTruncated,
        ErrorKind::Busy,
        ErrorKind::Cancelled,
        ErrorKind::AbortedByCallback,
        ErrorKind::Forked,
        ErrorKind::Panic,
        ErrorKind::Internal,
    ];

    pub fn from_status(status: i32) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| *k as i32 == status)
    }

    /// Short static description, used by `fastgpt_status_str`.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorKind::NullArgument => "a required pointer argument was NULL",
            ErrorKind::InvalidUtf8 => "a string argument is not valid UTF-8",
            ErrorKind::InvalidJson => "the request is not a JSON object",
            ErrorKind::InvalidArgument => "a request field is missing, of the wrong type or out of range",
            ErrorKind::Connect => "could not connect to the server (DNS, refused, TLS, proxy)",
            ErrorKind::Timeout => "the request timed out",
            ErrorKind::Http => "the server answered with an HTTP error and no FastGPT envelope",
            ErrorKind::Auth => "authentication failed (invalid or expired API key, or no access)",
            ErrorKind::RateLimited => "rate limited (HTTP or FastGPT 429), retries exhausted",
            ErrorKind::Quota => "quota exhausted (AI points, balance, API key limit or plan limits)",
            ErrorKind::Api => "the FastGPT API returned an error",
            ErrorKind::Decode => "the server's answer is not what the endpoint returns",
            ErrorKind::StreamTruncated => "the stream ended without its end marker",
            ErrorKind::Busy => "the chat is still generating an answer; try again later",
            ErrorKind::Cancelled => "the operation was cancelled",
            ErrorKind::AbortedByCallback => "the callback aborted the operation",
            ErrorKind::Forked => "libfastgpt cannot be used in a forked child process",
            ErrorKind::Panic => "internal panic in libfastgpt (a bug)",
            ErrorKind::Internal => "internal error in libfastgpt",
        }
    }
}

/// Raw server bodies kept in an error are capped so a hostile server cannot grow them.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// An error with everything a caller needs to act on it.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// HTTP status of the answer that caused it, 0 if none.
    pub http_status: u16,
    /// FastGPT envelope `code` (e.g. 514), 0 if none.
    pub api_code: i64,
    /// The server's raw body (capped at [`MAX_ERROR_BODY`]), if there was one.
    pub body: Option<Vec<u8>>,
    /// The headers of the answer that caused it (`Retry-After`, request ids), if there was one.
    /// Boxed: most errors have none, and errors travel by value.
    pub headers: Option<Box<HeaderMap>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), http_status: 0, api_code: 0, body: None, headers: None }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub fn cancelled() -> Error {
        Error::new(ErrorKind::Cancelled, "the operation was cancelled")
    }

    pub fn with_body(mut self, body: &[u8]) -> Error {
        self.body = Some(body[..body.len().min(MAX_ERROR_BODY)].to_vec());
        self
    }

    pub fn with_headers(mut self, headers: HeaderMap) -> Error {
        self.headers = Some(Box::new(headers));
        self
    }

    /// Replaces every occurrence of `secret` in the message, body and header values, so that a
    /// server (or a proxy) that echoes the request back cannot make the API key appear in an error.
    pub fn redact(mut self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        if let Some(headers) = &mut self.headers {
            for value in headers.values_mut() {
                if let Some(clean) = redact_bytes(value.as_bytes(), secret.as_bytes()) {
                    *value = HeaderValue::from_bytes(&clean).unwrap_or(HeaderValue::from_static("[REDACTED]"));
                }
            }
        }
        if self.message.contains(secret) {
            self.message = self.message.replace(secret, "[REDACTED]");
        }
        if let Some(body) = &mut self.body {
            if let Some(clean) = redact_bytes(body, secret.as_bytes()) {
                *body = clean;
            }
        }
        self
    }
}

/// `bytes` with every `needle` replaced by `[REDACTED]`, or None when it holds none.
fn redact_bytes(bytes: &[u8], needle: &[u8]) -> Option<Vec<u8>> {
    if !bytes.windows(needle.len()).any(|w| w == needle) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(i) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(b"[REDACTED]");
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    Some(out)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("api_code", &self.api_code)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("headers", &self.headers.as_ref().map(|h| h.len()))
            .finish()
    }
}

impl std::error::Error for Error {}

/// The parts of FastGPT's `{code, statusText, message, data}` envelope the client reads.
/// `data` stays raw so a success hands the caller the server's bytes unchanged. Newer servers add
/// `errorType`; validation failures add `zodError` (the zod issues).
#[derive(serde::Deserialize)]
pub struct Envelope<'a> {
    pub code: Option<serde_json::Value>,
    #[serde(rename = "statusText", default)]
    pub status_text: Option<String>,
    #[serde(default)]
    pub message: Option<serde_json::Value>,
    #[serde(default, borrow, deserialize_with = "present_raw")]
    pub data: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "errorType", default)]
    pub error_type: Option<serde_json::Value>,
    #[serde(rename = "zodError", default)]
    pub zod_error: Option<serde_json::Value>,
}

/// Keeps `"data": null` as the raw text `null` (serde would otherwise turn it into `None`).
fn present_raw<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de serde_json::value::RawValue>, D::Error> {
    <&serde_json::value::RawValue as serde::Deserialize>::deserialize(d).map(Some)
}

impl Envelope<'_> {
    /// Parses `body` as an envelope: a JSON object with a numeric (or numeric-string) `code`.
    pub fn parse(body: &[u8]) -> Option<Envelope<'_>> {
        // serde would also read a struct from an array; an envelope is always an object.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return None;
        }
        let env: Envelope = serde_json::from_slice(body).ok()?;
        env.code_number()?;
        Some(env)
    }

    pub fn code_number(&self) -> Option<i64> {
        match self.code.as_ref()? {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// `errorType` when it is a string (newest servers).
    pub fn error_type(&self) -> &str {
        self.error_type.as_ref().and_then(|v| v.as_str()).unwrap_or("")
    }

    pub fn message_text(&self) -> String {
        let message = match &self.message {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(v) if !v.is_null() && !v.is_string() => v.to_string(),
            _ => String::new(),
        };
        let mut text = match (&self.status_text, message.is_empty()) {
            (Some(st), false) if !st.is_empty() && st != "error" => format!("{st}: {message}"),
            (_, false) => message,
            (Some(st), true) if !st.is_empty() => st.clone(),
            _ => "no message".to_string(),
        };
        if let Some(issues) = self.zod_issues() {
            text.push_str(": ");
            text.push_str(&issues);
        }
        text
    }

    /// The zod issues as `field.path: message; ...`, so the caller sees which field failed.
    fn zod_issues(&self) -> Option<String> {
        let issues = self.zod_error.as_ref()?;
        let list = match issues {
            serde_json::Value::Array(a) => a.as_slice(),
            // `{issues:[...]}` (a serialized ZodError) is seen too.
            serde_json::Value::Object(o) => o.get("issues").and_then(|i| i.as_array()).map(Vec::as_slice)?,
            _ => return None,
        };
        let parts: Vec<String> = list
            .iter()
            .take(5)
            .map(|issue| {
                let path = issue["path"]
                    .as_array()
                    .map(|p| {
                        p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
                    .join(".");
                let message = issue["message"].as_str().unwrap_or("invalid");
                if path.is_empty() {
                    message.to_string()
                } else {
                    format!("{path}: {message}")
                }
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// What the server means by this envelope, see [`kind_for_envelope`].
    pub fn kind(&self, http_status: u16) -> ErrorKind {
        let message = self.message.as_ref().and_then(|m| m.as_str()).unwrap_or("");
        kind_for_envelope(
            http_status,
            self.code_number().unwrap_or(0),
            self.status_text.as_deref().unwrap_or(""),
            self.error_type(),
            message,
            self.zod_error.is_some(),
        )
    }
}

/// Names (`statusText`, or `errorType` on the newest servers) meaning the key or the account may
/// not do this: the key is unknown, expired or lacks access to the app, chat, team or dataset.
const AUTH_NAMES: &[&str] = &[
    "unAuthorization",
    "unAuthApiKey",
    "unAuthModel",
    "unAuthFile",
    "openapiUnAuth",
    "openapiUnExist",
    "unAuthTeam",
    "unAuthApp",
    "unAuthChat",
    "unAuthDataset",
    "unAuthDatasetCollection",
    "unAuthDatasetData",
    "unAuthDatasetFile",
];

/// Names meaning a balance or a plan limit ran out (AI points, the key's own limit, dataset size).
const QUOTA_NAMES: &[&str] = &[
    "insufficientQuota",
    "aiPointsNotEnough",
    "openapiExceedLimit",
    "datasetSizeNotEnough",
    "datasetAmountNotEnough",
    "appAmountNotEnough",
    "pluginAmountNotEnough",
];

/// What FastGPT means by an error. Codes move between versions (team codes are positions in a list:
/// `aiPointsNotEnough` was 500002 and is 500004), so the name decides first (`statusText`, or
/// `errorType`), then the code, then the HTTP status (the newest servers send real ones).
pub fn kind_for_envelope(
    http_status: u16,
    code: i64,
    status_text: &str,
    error_type: &str,
    message: &str,
    zod: bool,
) -> ErrorKind {
    for name in [status_text, error_type] {
        if AUTH_NAMES.contains(&name) {
            return ErrorKind::Auth;
        }
        if QUOTA_NAMES.contains(&name) {
            return ErrorKind::Quota;
        }
        match name {
            "chatIsGenerating" => return ErrorKind::Busy,
            "tooManyRequest" | "tooManyRequests" => return ErrorKind::RateLimited,
            "missingParams" => return ErrorKind::InvalidArgument,
            _ => {}
        }
    }
    if zod {
        return ErrorKind::InvalidArgument;
    }
    // An expired key is a plain code 500 with only its message to tell it apart.
    let lower = message.to_ascii_lowercase();
    if (lower.contains("api key") || lower.contains("apikey")) && lower.contains("expired") {
        return ErrorKind::Auth;
    }
    match code {
        403 | 511 | 513 | 514 | 504000 => return ErrorKind::Auth,
        510 | 500002 | 500004 | 506002 => return ErrorKind::Quota,
        429 => return ErrorKind::RateLimited,
        405 => return ErrorKind::Http,
        _ => {}
    }
    match http_status {
        401 | 403 => ErrorKind::Auth,
        402 => ErrorKind::Quota,
        409 => ErrorKind::Busy,
        429 => ErrorKind::RateLimited,
        405 => ErrorKind::Http,
        400 | 422 => ErrorKind::InvalidArgument,
        _ => ErrorKind::Api,
    }
}

/// Builds the error for an answer that is not a success: by the envelope when there is one, else
/// by the HTTP status, with a hint when the body is an HTML page (usually a wrong base URL).
pub fn classify_failure(http_status: u16, body: &[u8]) -> Error {
    if let Some(env) = Envelope::parse(body) {
        let code = env.code_number().unwrap_or(0);
        let kind = env.kind(http_status);
        let mut err = Error::new(kind, format!("FastGPT error {code}: {}", env.message_text()));
        err.http_status = http_status;
        err.api_code = code;
        return err.with_body(body);
    }
    let kind = match http_status {
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::RateLimited,
        200..=299 => ErrorKind::Decode,
        _ => ErrorKind::Http,
    };
    let what = if looks_like_html(body) {
        "an HTML page, not FastGPT JSON: check that base_url points at a FastGPT server".to_string()
    } else if body.is_empty() {
        "an empty body".to_string()
    } else {
        format!("a body that is not a FastGPT envelope: {}", snippet(body))
    };
    let mut err = Error::new(kind, format!("HTTP {http_status} with {what}"));
    err.http_status = http_status;
    err.with_body(body)
}

/// A body that starts with markup (`<!DOCTYPE`, `<html>`, ...) is a web page, not an API answer.
pub fn looks_like_html(body: &[u8]) -> bool {
    body.trim_ascii_start().first() == Some(&b'<')
}

/// The first 200 characters of a body, for messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let mut s: String = text.chars().filter(|c| !c.is_control()).collect();
    if body.len() > 200 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_the_key_in_message_body_and_header_values() {
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_static("Bearer fastgpt-secret-key; more"));
        headers.insert("retry-after", HeaderValue::from_static("3"));
        let e = Error::new(ErrorKind::Api, "bad key fastgpt-secret-key")
            .with_body(b"{\"auth\":\"fastgpt-secret-key\"}")
            .with_headers(headers)
            .redact("fastgpt-secret-key");
        assert_eq!(e.message, "bad key [REDACTED]");
        assert_eq!(e.body.as_deref(), Some(&b"{\"auth\":\"[REDACTED]\"}"[..]));
        let headers = e.headers.as_deref().unwrap();
        assert_eq!(headers["x-echo"], "Bearer [REDACTED]; more");
        assert_eq!(headers["retry-after"], "3");
        assert!(!format!("{e:?}").contains("secret"));
    }

    #[test]
    fn envelope_codes_decide_the_kind_not_the_http_status() {
        let body =
            br#"{"code":514,"statusText":"unAuthApiKey","message":"common:code_error.error_message.514","data":null}"#;
        let e = classify_failure(500, body);
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!((e.http_status, e.api_code), (500, 514));
        assert!(e.message.contains("514") && e.message.contains("unAuthApiKey"), "{}", e.message);
        assert_eq!(e.body.as_deref(), Some(&body[..]));

        for (code, kind) in [
            (403, ErrorKind::Auth),
            (510, ErrorKind::Quota),
            (500004, ErrorKind::Quota),
            (429, ErrorKind::RateLimited),
            (400, ErrorKind::Api),
            (500, ErrorKind::Api),
            (500002, ErrorKind::Quota),
            (504000, ErrorKind::Auth), // unAuthChat
            (503000, ErrorKind::Api),
        ] {
            let body = format!(r#"{{"code":{code},"statusText":"error","message":"m","data":null}}"#);
            assert_eq!(classify_failure(500, body.as_bytes()).kind, kind, "code {code}");
            assert_eq!(classify_failure(200, body.as_bytes()).kind, kind, "code {code} on HTTP 200");
        }
    }

    /// Bodies as FastGPT writes them (`packages/global/common/error/errorCode.ts`, `code/team.ts`,
    /// `code/openapi.ts`, `code/chat.ts`; `packages/service/common/response/index.ts` sends them
    /// with HTTP 500), across the versions in which the codes moved.
    #[test]
    fn the_server_meaning_decides_across_versions() {
        let cases: &[(u16, &str, ErrorKind)] = &[
            (
                500,
                r#"{"code":514,"statusText":"unAuthApiKey","message":"Api Key 不合法","data":null}"#,
                ErrorKind::Auth,
            ),
            (500, r#"{"code":403,"statusText":"unAuthorization","message":"凭证错误","data":null}"#, ErrorKind::Auth),
            (
                500,
                r#"{"code":506001,"statusText":"openapiUnAuth","message":"common:code_error.openapi_error.un_auth","data":null}"#,
                ErrorKind::Auth,
            ),
            (
                500,
                r#"{"code":500001,"statusText":"unAuthTeam","message":"无权操作该团队","data":null}"#,
                ErrorKind::Auth,
            ),
            (
                500,
                r#"{"code":502000,"statusText":"unAuthApp","message":"无权操作该应用","data":null}"#,
                ErrorKind::Auth,
            ),
            (
                500,
                r#"{"code":504000,"statusText":"unAuthChat","message":"无权操作该对话记录","data":null}"#,
                ErrorKind::Auth,
            ),
            (500, r#"{"code":500,"statusText":"error","message":"API key has expired","data":null}"#, ErrorKind::Auth),
            (
                500,
                r#"{"code":510,"statusText":"insufficientQuota","message":"账号余额不足","data":null}"#,
                ErrorKind::Quota,
            ),
            (
                500,
                r#"{"code":500002,"statusText":"aiPointsNotEnough","message":"AI积分已用完~","data":null}"#,
                ErrorKind::Quota,
            ),
            (
                500,
                r#"{"code":500004,"statusText":"aiPointsNotEnough","message":"AI积分已用完~","data":null}"#,
                ErrorKind::Quota,
            ),
            (
                500,
                r#"{"code":506002,"statusText":"openapiExceedLimit","message":"common:code_error.openapi_error.exceed_limit","data":null}"#,
                ErrorKind::Quota,
            ),
            // The same code means another thing on another version: the name wins.
            (500, r#"{"code":500002,"statusText":"unAuthTeam","message":"x","data":null}"#, ErrorKind::Auth),
            (
                500,
                r#"{"code":507000,"statusText":"chatIsGenerating","message":"chat is generating","data":null}"#,
                ErrorKind::Busy,
            ),
            (
                500,
                r#"{"code":400,"statusText":"error","message":"Data validation error","data":null,"zodError":[{"code":"invalid_type","expected":"string","received":"undefined","path":["appId"],"message":"Required"}]}"#,
                ErrorKind::InvalidArgument,
            ),
            // The newest servers: real HTTP statuses and errorType.
            (
                400,
                r#"{"code":400,"statusText":"error","errorType":"zodError","message":"Data validation error","data":null,"zodError":[{"path":["messages"],"message":"Required"}]}"#,
                ErrorKind::InvalidArgument,
            ),
            (
                409,
                r#"{"code":409,"statusText":"chatIsGenerating","errorType":"chatIsGenerating","message":"chat is generating","data":null}"#,
                ErrorKind::Busy,
            ),
            (409, r#"{"code":409,"statusText":"error","message":"conflict","data":null}"#, ErrorKind::Busy),
            (
                429,
                r#"{"code":429,"statusText":"tooManyRequest","message":"common:error.too_many_request","data":null}"#,
                ErrorKind::RateLimited,
            ),
            (
                401,
                r#"{"code":401,"statusText":"error","errorType":"unAuthApiKey","message":"x","data":null}"#,
                ErrorKind::Auth,
            ),
            (405, r#"{"code":405,"statusText":"error","message":"Method not allowed","data":null}"#, ErrorKind::Http),
        ];
        for (http, body, kind) in cases {
            let e = classify_failure(*http, body.as_bytes());
            assert_eq!(e.kind, *kind, "HTTP {http} {body}");
            assert_eq!(e.http_status, *http);
        }
        let zod = classify_failure(500, cases[13].1.as_bytes());
        assert!(zod.message.contains("appId: Required"), "the failing field is named: {}", zod.message);
    }

    #[test]
    fn without_envelope_the_http_status_decides() {
        assert_eq!(classify_failure(401, b"nope").kind, ErrorKind::Auth);
        assert_eq!(classify_failure(429, b"slow down").kind, ErrorKind::RateLimited);
        assert_eq!(classify_failure(502, b"Bad Gateway").kind, ErrorKind::Http);
        let html = classify_failure(404, b"<!DOCTYPE html><html><body>404</body></html>");
        assert_eq!(html.kind, ErrorKind::Http);
        assert!(html.message.contains("base_url"), "{}", html.message);
        assert_eq!(classify_failure(200, b"<html></html>").kind, ErrorKind::Decode);
    }

    #[test]
    fn plain_error_message_is_kept() {
        let e = classify_failure(500, br#"{"code":500,"statusText":"error","message":"app is empty","data":null}"#);
        assert_eq!(e.kind, ErrorKind::Api);
        assert_eq!(e.message, "FastGPT error 500: app is empty");
    }

    #[test]
    fn envelope_keeps_null_data_as_text() {
        let env = Envelope::parse(br#"{"code":200,"data":null}"#).unwrap();
        assert_eq!(env.data.unwrap().get(), "null");
        let env = Envelope::parse(br#"{"code":200,"data":{"a":[1, 2]}}"#).unwrap();
        assert_eq!(env.data.unwrap().get(), r#"{"a":[1, 2]}"#);
        assert!(Envelope::parse(br#"{"data":1}"#).is_none());
        assert!(Envelope::parse(b"[1]").is_none());
    }

    #[test]
    fn redaction_removes_the_secret_everywhere() {
        let e = Error::new(ErrorKind::Api, "key fastgpt-secret rejected")
            .with_body(b"echo: Bearer fastgpt-secret and fastgpt-secret")
            .redact("fastgpt-secret");
        assert!(!e.message.contains("fastgpt-secret"));
        assert_eq!(e.body.unwrap(), b"echo: Bearer [REDACTED] and [REDACTED]");
    }

    #[test]
    fn status_numbers_are_stable() {
        let numbers: Vec<i32> = ErrorKind::ALL.iter().map(|k| *k as i32).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 30, 98, 99]);
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_status(k as i32), Some(k));
        }
        assert_eq!(ErrorKind::from_status(5), None);
    }
}
