//! THE endpoint table: every FastGPT operation the library wraps, described once.
//!
//! Validation (required fields, checked before any I/O), where parameters go (query or body),
//! whether a retry is safe, and how to find the result in the answer are all read from here; the
//! C functions, the header docs test and the endpoint tests iterate over [`ALL`]. Adding an
//! endpoint is one entry here plus its two `extern "C"` wrappers in `ffi/endpoints.rs`.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// Where the request's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Params {
    /// Every top-level field as a query parameter (FastGPT's GET/DELETE handlers read `req.query`).
    Query,
    /// The request object as the JSON body.
    Body,
    /// JSON body, and the required fields repeated in the query: the handler moved from reading
    /// the query to reading the body (FastGPT 4.14.0), so this works with servers on either side.
    BodyAndQuery,
}

/// How the result is found in a successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A `{code, statusText, message, data}` envelope; the result is `data`.
    Envelope,
    /// An OpenAI-style body without envelope (chat completions); the result is the whole body.
    Whole,
    /// Unknown endpoint (escape hatch): an envelope if the body is one, else the whole body.
    Auto,
}

/// A required field and the JSON type it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    /// A non-empty string.
    Str(&'static str),
    /// An array.
    Array(&'static str),
}

impl Required {
    pub fn name(self) -> &'static str {
        match self {
            Required::Str(n) | Required::Array(n) => n,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation's name: the C functions are `fastgpt_<name>` and `fastgpt_<name>_async`.
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub params: Params,
    pub required: &'static [Required],
    /// Safe to send again after the server may have acted on it (reads, and writes that set a
    /// state rather than add one). Chat completions are not: a retry would run the app twice.
    pub idempotent: bool,
    pub answer: Answer,
    /// `Some(x)` sets the body's `stream` field to `x` (completions), whatever the caller sent.
    pub stream: Option<bool>,
}

const fn ep(
    name: &'static str,
    method: Method,
    path: &'static str,
    params: Params,
    required: &'static [Required],
    idempotent: bool,
) -> Endpoint {
    Endpoint { name, method, path, params, required, idempotent, answer: Answer::Envelope, stream: None }
}

use Method::*;
use Params::*;
use Required::*;

const APP: &[Required] = &[Str("appId")];
const APP_CHAT: &[Required] = &[Str("appId"), Str("chatId")];
const MESSAGES: &[Required] = &[Array("messages")];

pub const CREATE_CHAT_COMPLETION: Endpoint = Endpoint {
    answer: Answer::Whole,
    stream: Some(false),
    ..ep("create_chat_completion", Post, "/api/v1/chat/completions", Body, MESSAGES, false)
};
pub const STREAM_CHAT_COMPLETION: Endpoint = Endpoint {
    answer: Answer::Whole,
    stream: Some(true),
    ..ep("stream_chat_completion", Post, "/api/v1/chat/completions", Body, MESSAGES, false)
};
pub const GET_CHAT_HISTORIES: Endpoint = ep("get_chat_histories", Post, "/api/core/chat/getHistories", Body, APP, true);
pub const GET_CHAT_INIT: Endpoint = ep("get_chat_init", Get, "/api/core/chat/init", Query, APP_CHAT, true);
pub const GET_CHAT_RECORDS: Endpoint =
    ep("get_chat_records", Post, "/api/core/chat/getPaginationRecords", Body, APP_CHAT, true);
pub const GET_RECORD_DETAIL: Endpoint = ep(
    "get_record_detail",
    Get,
    "/api/core/chat/getResData",
    Query,
    &[Str("appId"), Str("chatId"), Str("dataId")],
    true,
);
pub const UPDATE_CHAT_HISTORY: Endpoint =
    ep("update_chat_history", Post, "/api/core/chat/updateHistory", Body, APP_CHAT, true);
pub const DELETE_CHAT_HISTORY: Endpoint =
    ep("delete_chat_history", Delete, "/api/core/chat/delHistory", Query, APP_CHAT, true);
pub const CLEAR_CHAT_HISTORIES: Endpoint =
    ep("clear_chat_histories", Delete, "/api/core/chat/clearHistories", Query, APP, true);
pub const DELETE_CHAT_RECORD: Endpoint = ep(
    "delete_chat_record",
    Delete,
    "/api/core/chat/item/delete",
    BodyAndQuery,
    &[Str("appId"), Str("chatId"), Str("contentId")],
    true,
);
pub const SEND_FEEDBACK: Endpoint = ep(
    "send_feedback",
    Post,
    "/api/core/chat/feedback/updateUserFeedback",
    Body,
    &[Str("appId"), Str("chatId"), Str("dataId")],
    true,
);
/// Not idempotent: each call runs an LLM and spends AI points.
pub const GET_SUGGESTED_QUESTIONS: Endpoint =
    ep("get_suggested_questions", Post, "/api/core/ai/agent/v2/createQuestionGuide", Body, APP_CHAT, false);
pub const GET_APP_LOGS_CHART: Endpoint = ep(
    "get_app_logs_chart",
    Post,
    "/api/proApi/core/app/logs/getChartData",
    Body,
    &[Str("appId"), Str("dateStart"), Str("dateEnd")],
    true,
);
pub const GET_APP_LOGS_TOTAL: Endpoint =
    ep("get_app_logs_total", Get, "/api/proApi/core/app/logs/getTotalData", Query, APP, true);

/// Every wrapped operation, in the order of the C header.
pub const ALL: &[&Endpoint] = &[
    &CREATE_CHAT_COMPLETION,
    &STREAM_CHAT_COMPLETION,
    &GET_CHAT_HISTORIES,
    &GET_CHAT_INIT,
    &GET_CHAT_RECORDS,
    &GET_RECORD_DETAIL,
    &UPDATE_CHAT_HISTORY,
    &DELETE_CHAT_HISTORY,
    &CLEAR_CHAT_HISTORIES,
    &DELETE_CHAT_RECORD,
    &SEND_FEEDBACK,
    &GET_SUGGESTED_QUESTIONS,
    &GET_APP_LOGS_CHART,
    &GET_APP_LOGS_TOTAL,
];

/// A request checked and laid out for the wire, ready to send (and to send again on retry).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Shared, so a retry re-sends it without copying.
    pub body: Option<bytes::Bytes>,
    pub idempotent: bool,
    pub answer: Answer,
}

/// Parses `request_json` as a JSON object (an absent request is `{}`).
pub fn parse_request(request_json: Option<&str>) -> Result<Map<String, Value>, Error> {
    let Some(text) = request_json else { return Ok(Map::new()) };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(Error::new(
            ErrorKind::InvalidJson,
            format!("the request must be a JSON object, not {}", json_type(&other)),
        )),
        Err(e) => Err(Error::new(ErrorKind::InvalidJson, format!("the request is not valid JSON: {e}"))),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Endpoint {
    /// Checks the required fields and lays the request out as the endpoint expects.
    pub fn prepare(&self, mut request: Map<String, Value>) -> Result<Prepared, Error> {
        for req in self.required {
            let name = req.name();
            let ok = match (req, request.get(name)) {
                (_, None | Some(Value::Null)) => {
                    return Err(Error::invalid_argument(format!("{}: missing required field \"{name}\"", self.name)))
                }
                (Str(_), Some(Value::String(s))) => !s.is_empty(),
                (Array(_), Some(Value::Array(_))) => true,
                _ => false,
            };
            if !ok {
                let want = match req {
                    Str(_) => "a non-empty string",
                    Array(_) => "an array",
                };
                return Err(Error::invalid_argument(format!("{}: field \"{name}\" must be {want}", self.name)));
            }
        }
        if let Some(stream) = self.stream {
            request.insert("stream".into(), Value::Bool(stream));
        }
        let (query, body) = match self.params {
            Query => (to_query(&request), None),
            Body => (Vec::new(), Some(request)),
            BodyAndQuery => {
                let required: Map<String, Value> = self
                    .required
                    .iter()
                    .filter_map(|r| request.get(r.name()).map(|v| (r.name().to_string(), v.clone())))
                    .collect();
                (to_query(&required), Some(request))
            }
        };
        Ok(Prepared {
            method: self.method,
            path: self.path.to_string(),
            query,
            body: body.map(|b| serde_json::to_vec(&b).expect("a JSON map serializes").into()),
            idempotent: self.idempotent,
            answer: self.answer,
        })
    }
}

/// The escape hatch: any method and `/api/...` path, with the same auth, retries and errors.
/// GET and DELETE send the request's fields as query parameters, POST and PUT as the JSON body.
pub fn prepare_custom(method: &str, path: &str, request: Map<String, Value>) -> Result<Prepared, Error> {
    let method = Method::parse(method)
        .ok_or_else(|| Error::invalid_argument(format!("method \"{method}\" is not one of GET, POST, PUT, DELETE")))?;
    if !path.starts_with("/api/") {
        return Err(Error::invalid_argument(format!("path \"{path}\" must start with /api/")));
    }
    if path.contains("..") || path.contains(['?', '#']) || path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(Error::invalid_argument(
            "path must not contain '..', '?', '#', spaces or control characters (put parameters in the request JSON)",
        ));
    }
    let (query, body) = match method {
        Method::Get | Method::Delete => (to_query(&request), None),
        Method::Post | Method::Put => {
            (Vec::new(), Some(serde_json::to_vec(&request).expect("a JSON map serializes").into()))
        }
    };
    Ok(Prepared {
        method,
        path: path.to_string(),
        query,
        body,
        idempotent: method != Method::Post,
        answer: Answer::Auto,
    })
}

/// Query values: strings as they are, numbers and booleans as text, other values as JSON text.
fn to_query(request: &Map<String, Value>) -> Vec<(String, String)> {
    request
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_table_matches_the_contract() {
        assert_eq!(ALL.len(), 14);
        let names: Vec<_> = ALL.iter().map(|e| e.name).collect();
        let mut dedup = names.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), names.len(), "names are unique");
        for e in ALL {
            assert!(e.path.starts_with("/api/"), "{}", e.name);
            assert!(!e.required.is_empty(), "{} has required fields", e.name);
        }
        const { assert!(!CREATE_CHAT_COMPLETION.idempotent && !STREAM_CHAT_COMPLETION.idempotent) };
    }

    #[test]
    fn every_required_field_is_checked_before_io() {
        for e in ALL {
            let mut full = Map::new();
            for r in e.required {
                full.insert(
                    r.name().into(),
                    match r {
                        Str(_) => json!("x"),
                        Array(_) => json!([]),
                    },
                );
            }
            assert!(e.prepare(full.clone()).is_ok(), "{}", e.name);
            for r in e.required {
                let mut missing = full.clone();
                missing.remove(r.name());
                let err = e.prepare(missing).unwrap_err();
                assert_eq!(err.kind, ErrorKind::InvalidArgument);
                assert!(err.message.contains(&format!("\"{}\"", r.name())), "{}", err.message);
                let mut wrong = full.clone();
                wrong.insert(r.name().into(), json!(42));
                let err = e.prepare(wrong).unwrap_err();
                assert!(err.message.contains("must be"), "{}", err.message);
            }
        }
        let err = GET_CHAT_INIT.prepare(obj(json!({"appId": "a", "chatId": ""}))).unwrap_err();
        assert!(err.message.contains("non-empty"), "{}", err.message);
    }

    #[test]
    fn params_go_where_the_server_reads_them() {
        let p = GET_CHAT_INIT.prepare(obj(json!({"appId": "a", "chatId": "c", "n": 3, "x": null}))).unwrap();
        assert_eq!(p.method, Method::Get);
        assert!(p.body.is_none());
        assert_eq!(
            p.query,
            vec![("appId".into(), "a".into()), ("chatId".into(), "c".into()), ("n".into(), "3".into())]
        );

        let p = DELETE_CHAT_RECORD
            .prepare(obj(json!({"appId": "a", "chatId": "c", "contentId": "d", "extra": 1})))
            .unwrap();
        assert_eq!(p.query.len(), 3, "required fields repeated in the query for older servers");
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["contentId"], "d");
        assert_eq!(body["extra"], 1);

        let p = CREATE_CHAT_COMPLETION.prepare(obj(json!({"messages": [], "stream": true}))).unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["stream"], false, "blocking completion forces stream=false");
        let p = STREAM_CHAT_COMPLETION.prepare(obj(json!({"messages": []}))).unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn requests_must_be_objects() {
        assert_eq!(parse_request(Some("[1]")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert_eq!(parse_request(Some("{")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert_eq!(parse_request(Some("")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert!(parse_request(None).unwrap().is_empty());
    }

    #[test]
    fn escape_hatch_checks_method_and_path() {
        assert!(prepare_custom("GET", "/api/core/dataset/list", Map::new()).is_ok());
        for (m, p) in [
            ("PATCH", "/api/x"),
            ("get", "/api/x"),
            ("GET", "/v1/x"),
            ("GET", "/api/../x"),
            ("GET", "/api/x?a=1"),
            ("GET", "/api/a b"),
        ] {
            assert_eq!(prepare_custom(m, p, Map::new()).unwrap_err().kind, ErrorKind::InvalidArgument, "{m} {p}");
        }
        assert!(!prepare_custom("POST", "/api/x", Map::new()).unwrap().idempotent);
        assert!(prepare_custom("DELETE", "/api/x", Map::new()).unwrap().idempotent);
    }
}
