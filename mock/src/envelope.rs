//! FastGPT's `{code, statusText, message, data}` envelopes (fastgpt-api.md §1.3/§1.4) and the
//! Zod-style validation errors some routes produce.

use bytes::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::body::Body;

/// The `ERROR_RESPONSE` entries the mock can produce: (statusText, code, message key), as FastGPT
/// 4.14.5.1 numbers them (`packages/global/common/error/code/*.ts` at cdb896eb;
/// `chatIsGenerating` from the newer `code/chat.ts`, which appends it after `unAuthChat`).
const KNOWN: &[(&str, u32, &str)] = &[
    ("unAuthorization", 403, "common:code_error.error_message.403"),
    ("unAuthApiKey", 514, "common:code_error.error_message.514"),
    ("tooManyRequest", 429, "common:error.too_many_request"),
    ("insufficientQuota", 510, "common:code_error.error_message.510"),
    ("unAuthTeam", 500003, "common:code_error.team_error.un_auth"),
    ("aiPointsNotEnough", 500004, "common:code_error.team_error.ai_points_not_enough"),
    ("unExistDataset", 501002, "common:core.dataset.error.unExistDataset"),
    ("unExistCollection", 501003, "common:error_collection_not_exist"),
    ("unAuthDataset", 501004, "common:core.dataset.error.unAuthDataset"),
    ("appUnExist", 502000, "common:code_error.app_error.not_exist"),
    ("unAuthApp", 502001, "common:code_error.app_error.un_auth_app"),
    ("unAuthChat", 504000, "common:code_error.chat_error.un_auth"),
    ("chatIsGenerating", 504001, "common:code_error.chat_error.chat_generating"),
    ("openapiUnExist", 506000, "common:code_error.openapi_error.api_key_not_exist"),
    ("openapiUnAuth", 506001, "common:code_error.openapi_error.un_auth"),
    ("openapiExceedLimit", 506002, "common:code_error.openapi_error.exceed_limit"),
    ("fileNotFound", 507002, "error.fileNotFound"),
    ("missingParams", 507004, "error.missingParams"),
];

/// Which generation of FastGPT's error responses to imitate (`x-mock-errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrGen {
    /// v4.14.x: every error is HTTP 500, the meaning is in the body's `code`/`statusText`.
    Legacy,
    /// The newest development line: a real HTTP status per error and an `errorType` field.
    Typed,
}

#[derive(Debug, Clone)]
pub enum ApiError {
    /// A known `ERROR_RESPONSE` key, by statusText.
    Known(&'static str),
    /// Any other error: `{"code":500,"statusText":"error","message":<text>}`.
    Plain(String),
    /// Zod validation failure: code 400 plus `zodError`.
    Zod(Vec<Value>),
    /// `{"code":<code>,"statusText":"error","message":<text>}` (team rate limit, faults).
    Coded(u32, String),
}

impl ApiError {
    pub fn plain(msg: impl Into<String>) -> Self {
        ApiError::Plain(msg.into())
    }

    /// The known error whose numeric code is `code`.
    pub fn by_code(code: u32) -> Option<Self> {
        KNOWN.iter().find(|k| k.1 == code).map(|k| ApiError::Known(k.0))
    }

    pub fn to_json(&self) -> Value {
        match self {
            ApiError::Known(name) => {
                let (_, code, msg) = KNOWN.iter().find(|k| k.0 == *name).expect("known error");
                json!({"code": code, "statusText": name, "message": msg, "data": null})
            }
            ApiError::Plain(m) => {
                json!({"code": 500, "statusText": "error", "message": m, "data": null})
            }
            ApiError::Zod(issues) => json!({"code": 400, "statusText": "error",
                "message": "Data validation error", "data": null, "zodError": issues}),
            ApiError::Coded(c, m) => {
                json!({"code": c, "statusText": "error", "message": m, "data": null})
            }
        }
    }

    /// The payload of an `event: error` frame (§3.6): the whole entry for known errors,
    /// `{"message": ...}` for anything else.
    pub fn sse_json(&self) -> Value {
        match self {
            ApiError::Plain(m) => json!({ "message": m }),
            other => other.to_json(),
        }
    }
}

/// What the newest development server answers for an error body: the HTTP status its error
/// table configures and the `errorType` it adds (`packages/service/test/common/response`
/// tests: `errorType: 'UserError'`, 400 for request-input Zod errors, 404 for `fileNotFound`,
/// 409/429 for conflicts and frequency limits). The full table is not public in the index, so
/// the statuses below for the other names are the mock's reading of what each error means.
pub fn typed_status(body: &Value) -> (StatusCode, &'static str) {
    let status_text = body.get("statusText").and_then(Value::as_str).unwrap_or("");
    let code = body.get("code").and_then(Value::as_u64).unwrap_or(500);
    if body.get("zodError").is_some() {
        return (StatusCode::BAD_REQUEST, "ZodError");
    }
    let status = match status_text {
        "unAuthorization" | "unAuthApiKey" | "openapiUnExist" => StatusCode::UNAUTHORIZED,
        "unAuthTeam" | "unAuthApp" | "unAuthChat" | "unAuthDataset" | "openapiUnAuth" => StatusCode::FORBIDDEN,
        "appUnExist" | "unExistDataset" | "unExistCollection" | "fileNotFound" => StatusCode::NOT_FOUND,
        "missingParams" | "invalidParams" => StatusCode::BAD_REQUEST,
        "chatIsGenerating" => StatusCode::CONFLICT,
        "tooManyRequest" | "openapiExceedLimit" => StatusCode::TOO_MANY_REQUESTS,
        "insufficientQuota" | "aiPointsNotEnough" => StatusCode::PAYMENT_REQUIRED,
        _ if code == 429 => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let kind =
        if status_text == "error" && status == StatusCode::INTERNAL_SERVER_ERROR { "Error" } else { "UserError" };
    (status, kind)
}

/// An envelope as text, keys in FastGPT's order (serde_json's map would sort them).
pub fn to_text(v: &Value) -> String {
    const ORDER: [&str; 6] = ["code", "statusText", "message", "data", "zodError", "errorType"];
    let Some(m) = v.as_object() else {
        return v.to_string();
    };
    let known = ORDER.iter().filter_map(|k| m.get(*k).map(|v| (*k, v)));
    let rest = m.iter().filter(|(k, _)| !ORDER.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v));
    let fields: Vec<String> = known.chain(rest).map(|(k, v)| format!("{}:{v}", Value::from(k))).collect();
    format!("{{{}}}", fields.join(","))
}

pub fn json_response(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::full(body))
        .expect("valid response")
}

pub fn success(data: Value) -> Response<Body> {
    let v = json!({"code": 200, "statusText": "", "message": "", "data": data});
    json_response(StatusCode::OK, to_text(&v))
}

/// An error envelope, with HTTP 500 as FastGPT always does (or another status for faults).
pub fn error_with(status: StatusCode, err: &ApiError) -> Response<Body> {
    body_response(status, &err.to_json())
}

/// An error body as the given generation sends it: legacy keeps `status`, typed picks the
/// status from the error and adds `errorType`.
pub fn error_body(gen: ErrGen, status: StatusCode, body: &Value) -> Response<Body> {
    match gen {
        ErrGen::Legacy => body_response(status, body),
        ErrGen::Typed => {
            let (status, kind) = typed_status(body);
            let mut body = body.clone();
            if let Some(m) = body.as_object_mut() {
                m.insert("errorType".into(), kind.into());
            }
            body_response(status, &body)
        }
    }
}

fn body_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut r = json_response(status, to_text(body));
    if body.get("statusText").and_then(Value::as_str) == Some("unAuthorization") {
        r.headers_mut().insert("set-cookie", "fastgpt_token=; Path=/; Max-Age=0".parse().expect("header"));
    }
    r
}

/// The error as the request's error generation (`x-mock-errors`) sends it.
pub fn error_gen(gen: ErrGen, err: &ApiError) -> Response<Body> {
    error_body(gen, StatusCode::INTERNAL_SERVER_ERROR, &err.to_json())
}

pub fn error(err: &ApiError) -> Response<Body> {
    error_with(StatusCode::INTERNAL_SERVER_ERROR, err)
}

/// A small Zod (v4, as FastGPT 4.14 uses) stand-in: each check records an issue shaped like
/// zod 4's (`JSON.parse(error.message)`), `finish` fails with all of them.
#[derive(Default)]
pub struct Zod {
    issues: Vec<Value>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

const OBJECT_ID_PATTERN: &str = "/^[0-9a-fA-F]{24}$/";

impl Zod {
    fn invalid_type(&mut self, field: &str, expected: &str, got: Option<&Value>) {
        let received = got.map_or("undefined", type_name);
        self.issues.push(json!({"expected": expected, "code": "invalid_type", "path": [field],
            "message": format!("Invalid input: expected {expected}, received {received}")}));
    }

    /// A value of the wrong type for `field`.
    pub fn invalid(&mut self, _src: &Map<String, Value>, field: &str, expected: &str, got: &Value) {
        self.invalid_type(field, expected, Some(got));
    }

    /// A required string.
    pub fn string(&mut self, src: &Map<String, Value>, field: &str) -> String {
        match src.get(field) {
            Some(Value::String(s)) => s.clone(),
            other => {
                self.invalid_type(field, "string", other);
                String::new()
            }
        }
    }

    /// A required string of at least one character.
    pub fn non_empty(&mut self, src: &Map<String, Value>, field: &str) -> String {
        let s = self.string(src, field);
        if s.is_empty() && src.get(field).is_some_and(Value::is_string) {
            self.issues.push(json!({"origin": "string", "code": "too_small", "minimum": 1,
                "inclusive": true, "path": [field],
                "message": "Too small: expected string to have >=1 characters"}));
        }
        s
    }

    /// A required 24-hex ObjectId string.
    pub fn object_id(&mut self, src: &Map<String, Value>, field: &str) -> String {
        let s = self.string(src, field);
        if src.get(field).is_some_and(Value::is_string) && !is_object_id(&s) {
            self.issues.push(json!({"origin": "string", "code": "invalid_format", "format": "regex",
                "pattern": OBJECT_ID_PATTERN, "path": [field],
                "message": format!("Invalid string: must match pattern {OBJECT_ID_PATTERN}")}));
        }
        s
    }

    /// An optional string (`undefined` allowed, `null` is not).
    pub fn opt_string(&mut self, src: &Map<String, Value>, field: &str) -> Option<String> {
        match src.get(field) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.invalid_type(field, "string", other);
                None
            }
        }
    }

    /// An optional `string | null`; `None` when absent or null.
    pub fn opt_nullable_string(&mut self, src: &Map<String, Value>, field: &str) -> Option<String> {
        match src.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.invalid_type(field, "string", other);
                None
            }
        }
    }

    pub fn opt_bool(&mut self, src: &Map<String, Value>, field: &str) -> Option<bool> {
        match src.get(field) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            other => {
                self.invalid_type(field, "boolean", other);
                None
            }
        }
    }

    /// An optional number.
    pub fn opt_number(&mut self, src: &Map<String, Value>, field: &str) -> Option<f64> {
        match src.get(field) {
            None => None,
            Some(Value::Number(n)) => n.as_f64(),
            other => {
                self.invalid_type(field, "number", other);
                None
            }
        }
    }

    /// A required number.
    pub fn number(&mut self, src: &Map<String, Value>, field: &str) -> f64 {
        match src.get(field) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
            other => {
                self.invalid_type(field, "number", other);
                0.0
            }
        }
    }

    fn bad_enum(&mut self, field: &str, options: &[&str]) {
        self.bad_enum_at(&[field.into()], options);
    }

    /// An invalid enum value at `path` (e.g. `["source", 1]`).
    pub fn bad_enum_at(&mut self, path: &[Value], options: &[&str]) {
        let expected = options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join("|");
        self.issues.push(json!({"code": "invalid_value", "values": options, "path": path,
            "message": format!("Invalid option: expected one of {expected}")}));
    }

    /// An optional value from `options`.
    pub fn opt_enum(&mut self, src: &Map<String, Value>, field: &str, options: &[&str]) {
        if let Some(v) = src.get(field) {
            if !v.as_str().is_some_and(|s| options.contains(&s)) {
                self.bad_enum(field, options);
            }
        }
    }

    /// A required value from `options` (zod 4 reports a missing one as an invalid option too).
    pub fn enum_value(&mut self, src: &Map<String, Value>, field: &str, options: &[&str]) -> String {
        match src.get(field).and_then(Value::as_str) {
            Some(s) if options.contains(&s) => s.to_string(),
            _ => {
                self.bad_enum(field, options);
                String::new()
            }
        }
    }

    /// A required date: an ISO string or a millisecond timestamp.
    pub fn date(&mut self, src: &Map<String, Value>, field: &str) -> i64 {
        let parsed = match src.get(field) {
            Some(Value::String(s)) => crate::clock::parse_date(s),
            Some(Value::Number(n)) => n.as_i64(),
            _ => None,
        };
        match (parsed, src.get(field)) {
            (Some(ms), _) => ms,
            (None, None) => {
                self.invalid_type(field, "date", None);
                0
            }
            (None, Some(_)) => {
                self.issues.push(json!({"expected": "date", "code": "invalid_type", "received": "Invalid Date",
                    "path": [field], "message": "Invalid input: expected date, received Date"}));
                0
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Zod(self.issues))
        }
    }
}
