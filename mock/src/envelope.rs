//! FastGPT's `{code, statusText, message, data}` envelopes (fastgpt-api.md §1.3/§1.4) and the
//! Zod-style validation errors some routes produce.

use bytes::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::body::Body;

/// The `ERROR_RESPONSE` entries the mock can produce: (statusText, code, message key).
const KNOWN: &[(&str, u32, &str)] = &[
    ("unAuthorization", 403, "common:code_error.error_message.403"),
    ("unAuthApiKey", 514, "common:code_error.error_message.514"),
    ("tooManyRequest", 429, "common:error.too_many_request"),
    ("insufficientQuota", 510, "common:code_error.error_message.510"),
    ("unAuthChat", 504000, "common:code_error.chat_error.un_auth"),
    ("appUnExist", 502000, "common:code_error.app_error.not_exist"),
    ("unAuthApp", 502001, "common:code_error.app_error.un_auth_app"),
    ("aiPointsNotEnough", 500004, "common:code_error.team_error.ai_points_not_enough"),
    ("missingParams", 507004, "error.missingParams"),
];

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

/// An envelope as text, keys in FastGPT's order (serde_json's map would sort them).
pub fn to_text(v: &Value) -> String {
    const ORDER: [&str; 5] = ["code", "statusText", "message", "data", "zodError"];
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
    let mut r = json_response(status, to_text(&err.to_json()));
    if matches!(err, ApiError::Known("unAuthorization")) {
        r.headers_mut().insert("set-cookie", "fastgpt_token=; Path=/; Max-Age=0".parse().expect("header"));
    }
    r
}

pub fn error(err: &ApiError) -> Response<Body> {
    error_with(StatusCode::INTERNAL_SERVER_ERROR, err)
}

/// A small Zod stand-in: each check records an issue shaped like zod v3's, `finish` fails with all.
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

impl Zod {
    fn invalid_type(&mut self, field: &str, expected: &str, got: Option<&Value>) {
        let received = got.map_or("undefined", type_name);
        let message =
            if got.is_none() { "Required".to_string() } else { format!("Expected {expected}, received {received}") };
        self.issues.push(json!({"code": "invalid_type", "expected": expected,
            "received": received, "path": [field], "message": message}));
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
            self.issues.push(json!({"code": "too_small", "minimum": 1, "type": "string",
                "inclusive": true, "exact": false,
                "message": "String must contain at least 1 character(s)", "path": [field]}));
        }
        s
    }

    /// A required 24-hex ObjectId string.
    pub fn object_id(&mut self, src: &Map<String, Value>, field: &str) -> String {
        let s = self.string(src, field);
        if src.get(field).is_some_and(Value::is_string) && !is_object_id(&s) {
            self.issues.push(json!({"validation": "regex", "code": "invalid_string",
                "message": "Invalid", "path": [field]}));
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

    /// An optional value from `options`.
    pub fn opt_enum(&mut self, src: &Map<String, Value>, field: &str, options: &[&str]) {
        if let Some(v) = src.get(field) {
            if !v.as_str().is_some_and(|s| options.contains(&s)) {
                let expected = options.iter().map(|o| format!("'{o}'")).collect::<Vec<_>>().join(" | ");
                self.issues.push(json!({"received": v, "code": "invalid_enum_value",
                    "options": options, "path": [field],
                    "message": format!("Invalid enum value. Expected {expected}, received '{}'",
                        v.as_str().unwrap_or_default())}));
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
                self.issues.push(json!({"code": "invalid_date", "path": [field],
                    "message": "Invalid date"}));
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
