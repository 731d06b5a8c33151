//! Reads each request, counts it for `/mock/stats`, applies any requested fault, authenticates and
//! dispatches by path. Methods are not checked: Next.js API routes do not check them either.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::body::Body;
use crate::envelope::{self, ApiError};
use crate::faults::{self, Fault};
use crate::state::State;
use crate::{chat, logs, records, Shared};

/// Returned by the service to make hyper drop the connection without writing a response.
#[derive(Debug)]
pub struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("mock connection reset")
    }
}

impl std::error::Error for Reset {}

/// A fully read request.
pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Map<String, Value>,
    pub headers: HeaderMap,
    /// The JSON body if it is an object, else empty.
    pub body: Map<String, Value>,
    /// The JSON body, or the raw text when it is not JSON (for `/mock/stats`).
    pub raw: Value,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Headers as a JSON object (repeated headers joined with ", ").
    pub fn headers_json(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.headers {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            match m.get_mut(k.as_str()) {
                Some(Value::String(s)) => {
                    s.push_str(", ");
                    s.push_str(&v);
                }
                _ => {
                    m.insert(k.as_str().to_string(), Value::String(v));
                }
            }
        }
        Value::Object(m)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: &str) -> Map<String, Value> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), Value::String(percent_decode(v)))
        })
        .collect()
}

pub async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Reset> {
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return Err(Reset),
    };
    let raw = serde_json::from_slice::<Value>(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query().unwrap_or("")),
        headers: parts.headers,
        body: raw.as_object().cloned().unwrap_or_default(),
        raw,
    };
    let res = dispatch(&shared, &req).await;
    if shared.config.verbose {
        // Never the headers: they carry the API key.
        let status = res.as_ref().map_or("reset".to_string(), |r| r.status().as_u16().to_string());
        eprintln!("{} {} {}", req.method, req.path, status);
    }
    res
}

async fn dispatch(shared: &Shared, req: &Req) -> Result<Response<Body>, Reset> {
    if let Some(rest) = req.path.strip_prefix("/mock/") {
        return Ok(mock_endpoint(shared, req, rest));
    }
    let fault = match faults::decide(shared, req) {
        Ok(f) => f,
        Err(bad) => return Ok(*bad),
    };
    if let Some(f) = &fault {
        if let Some(res) = faults::respond(f, req).await {
            return res;
        }
    }
    Ok(route(shared, req, fault.as_ref()).await)
}

async fn route(shared: &Shared, req: &Req, fault: Option<&Fault>) -> Response<Body> {
    let path = req.path.trim_end_matches('/');
    let p = path
        .strip_prefix("/api/core/chat/history/")
        .or_else(|| path.strip_prefix("/api/core/chat/record/"))
        .or_else(|| path.strip_prefix("/api/core/chat/"));
    type Handler = fn(&mut State, &Req) -> Result<Value, ApiError>;
    let handler: Handler = match (p, path) {
        (_, "/api/v1/chat/completions") => return chat::completions(shared, req, false, fault).await,
        (_, "/api/v2/chat/completions") => return chat::completions(shared, req, true, fault).await,
        (_, "/api/v2/chat/stop") => |_, _| Ok(json!({"success": true})),
        (_, "/api/core/ai/agent/v2/createQuestionGuide") => records::question_guide,
        (_, "/api/core/ai/agent/createQuestionGuide") => records::question_guide_legacy,
        (_, "/api/proApi/core/app/logs/getChartData") => logs::chart_data,
        (_, "/api/proApi/core/app/logs/getTotalData") => logs::total_data,
        (Some("getHistories"), _) => records::get_histories,
        (Some("init"), _) => records::init,
        (Some("getPaginationRecords"), _) => records::get_records,
        (Some("getResData"), _) => records::get_res_data,
        (Some("updateHistory"), _) => records::update_history,
        (Some("delHistory"), _) => records::del_history,
        (Some("clearHistories"), _) => records::clear_histories,
        (Some("item/delete"), _) => records::delete_item,
        (Some("feedback/updateUserFeedback"), _) => records::update_feedback,
        _ => return html_404(),
    };
    if let Err(e) = authorize(shared, req) {
        return envelope::error(&e);
    }
    let result = handler(&mut shared.state(), req);
    match result {
        Ok(data) => envelope::success(data),
        Err(e) => envelope::error(&e),
    }
}

/// `Authorization: Bearer <key>` as FastGPT's `parseHeaderCert` reads it (§1.2): a missing or
/// garbled header is `unAuthorization` (403), an unknown key `unAuthApiKey` (514).
pub fn authorize(shared: &Shared, req: &Req) -> Result<(), ApiError> {
    let value = req.header("authorization").ok_or(ApiError::Known("unAuthorization"))?;
    let token = value.split_once(' ').map(|(_, t)| t.trim()).ok_or(ApiError::Known("unAuthorization"))?;
    let keys = &shared.config.keys;
    if keys.iter().any(|k| k == token) {
        return Ok(());
    }
    let parts: Vec<&str> = token.split('-').collect();
    let key = match parts.len() {
        2 => token.to_string(),
        // The legacy `fastgpt-xxx-<appId>` form.
        3 => format!("{}-{}", parts[0], parts[1]),
        _ => return Err(ApiError::Known("unAuthorization")),
    };
    if keys.contains(&key) {
        Ok(())
    } else {
        Err(ApiError::Known("unAuthApiKey"))
    }
}

/// What a Next.js server answers for a path it does not know.
pub fn html_404() -> Response<Body> {
    const PAGE: &str = "<!DOCTYPE html><html><head><meta charSet=\"utf-8\"/><title>404: This page could not be found</title></head><body><div id=\"__next\"><div><h1>404</h1><div><h2>This page could not be found.</h2></div></div></div></body></html>";
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header("content-type", "text/html; charset=utf-8")
        .body(Body::full(PAGE))
        .expect("valid response")
}

fn mock_endpoint(shared: &Shared, req: &Req, what: &str) -> Response<Body> {
    let mut st = shared.state();
    match what {
        "stats" => {
            let id = req.query.get("id").and_then(Value::as_str).unwrap_or("");
            let v = match st.stats.get(id) {
                Some(s) => {
                    json!({"requests": s.requests, "bodies": s.bodies, "headers": s.headers})
                }
                None => json!({"requests": 0, "bodies": [], "headers": {}}),
            };
            envelope::json_response(StatusCode::OK, v.to_string())
        }
        "reset" => {
            *st = State::default();
            envelope::json_response(StatusCode::OK, r#"{"ok":true}"#)
        }
        _ => html_404(),
    }
}
