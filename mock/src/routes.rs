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
use crate::{chat, dataset, logs, multipart, records, Shared};

/// Which FastGPT release line a request wants the mock to be (`x-mock-server`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerGen {
    /// Before 4.14's moves: no `record/delete`, no `history/updateHistory`, `offset` required.
    Old,
    /// 4.14.x as released (the default): old and new chat paths both served.
    Current,
    /// The newest development line: `item/delete` gone, generation lock, `chatTitle` on new
    /// chats, `title` in non-stream answers, `responseValueId` in detail frames.
    New,
}

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

    /// `x-mock-server: old|current|new` (checked in `dispatch`, so unknown values never get here).
    pub fn server_gen(&self) -> ServerGen {
        match self.header("x-mock-server").map(str::trim) {
            Some("old") => ServerGen::Old,
            Some("new") => ServerGen::New,
            _ => ServerGen::Current,
        }
    }

    /// `x-mock-errors: legacy|typed`.
    pub fn err_gen(&self) -> envelope::ErrGen {
        match self.header("x-mock-errors").map(str::trim) {
            Some("typed") => envelope::ErrGen::Typed,
            _ => envelope::ErrGen::Legacy,
        }
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

pub fn percent_decode(s: &str) -> String {
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

const LOCAL_FILE: &str = "/api/core/dataset/collection/create/localFile";

pub async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Reset> {
    let (parts, body) = req.into_parts();
    let content_type = parts.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let upload = parts.uri.path().trim_end_matches('/') == LOCAL_FILE;
    // An upload is streamed (counted, never held); everything else is read whole.
    let (bytes, incoming) = match multipart::boundary(&content_type) {
        Some(_) if upload => (Bytes::new(), Some(body)),
        _ => match body.collect().await {
            Ok(c) => (c.to_bytes(), None),
            Err(_) => return Err(Reset),
        },
    };
    let raw = if incoming.is_some() {
        json!({ "multipart": content_type })
    } else {
        serde_json::from_slice::<Value>(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query().unwrap_or("")),
        headers: parts.headers,
        body: raw.as_object().cloned().unwrap_or_default(),
        raw,
    };
    let res = dispatch(&shared, &req, incoming).await;
    if shared.config.verbose {
        // Never the headers: they carry the API key.
        let status = res.as_ref().map_or("reset".to_string(), |r| r.status().as_u16().to_string());
        eprintln!("{} {} {}", req.method, req.path, status);
    }
    res
}

fn bad_header(msg: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::BAD_REQUEST)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::full(msg))
        .expect("valid response")
}

/// A typo in a mock header must fail loudly, like an unknown fault.
fn check_mock_headers(req: &Req) -> Option<Response<Body>> {
    for (name, allowed) in
        [("x-mock-server", &["old", "current", "new"][..]), ("x-mock-errors", &["legacy", "typed"][..])]
    {
        if let Some(v) = req.header(name).map(str::trim) {
            if !allowed.contains(&v) {
                return Some(bad_header(format!("fastgpt-mock: unknown {name} value {v:?}\n")));
            }
        }
    }
    None
}

async fn dispatch(shared: &Shared, req: &Req, upload: Option<Incoming>) -> Result<Response<Body>, Reset> {
    if let Some(rest) = req.path.strip_prefix("/mock/") {
        return Ok(mock_endpoint(shared, req, rest));
    }
    if let Some(bad) = check_mock_headers(req) {
        return Ok(bad);
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
    if let Some(body) = upload {
        return local_file(shared, req, body).await;
    }
    Ok(route(shared, req, fault.as_ref()).await)
}

/// `collection/create/localFile`: multer reads the whole form before the handler authenticates,
/// so a bad key is only reported once the upload has been received.
async fn local_file(shared: &Shared, req: &Req, body: Incoming) -> Result<Response<Body>, Reset> {
    let gen = req.err_gen();
    let boundary = req.header("content-type").and_then(multipart::boundary).unwrap_or_default();
    // FastGPT's limit is `feConfigs.uploadFileMaxSize` MB (500 when unset); the mock has none
    // unless `x-mock-upload-max-mb` sets one.
    let max_file = req.header("x-mock-upload-max-mb").and_then(|v| v.trim().parse::<u64>().ok()).map(|mb| mb << 20);
    let form = match multipart::read(body, &boundary, &multipart::Limits { max_file }).await {
        Ok(f) => f,
        Err(multipart::FormError::Io) => return Err(Reset),
        Err(multipart::FormError::Bad(m)) => return Ok(envelope::error_gen(gen, &ApiError::plain(m))),
    };
    if let Some(m) = form.rejected {
        return Ok(envelope::error_gen(gen, &ApiError::plain(m)));
    }
    // `multer.resolveFormData`: no file → "File not found"; `data` that is not JSON → `{}`.
    let Some(file) = form.file else {
        return Ok(envelope::error_gen(gen, &ApiError::plain("File not found")));
    };
    if let Err(e) = authorize(shared, req) {
        return Ok(envelope::error_gen(gen, &e));
    }
    let data = form
        .fields
        .iter()
        .find(|(k, _)| k == "data")
        .and_then(|(_, text)| serde_json::from_str::<Value>(text).ok())
        .unwrap_or_else(|| json!({}));
    let result = dataset::create_local_file(&mut shared.state(), file, data, form.max_buffered);
    Ok(match result {
        Ok(v) => envelope::success(v),
        Err(e) => envelope::error_gen(gen, &e),
    })
}

/// A handler returns the envelope's `data`.
type Handler = fn(&mut State, &Req) -> Result<Value, ApiError>;
/// Checks a handler makes before it authenticates (FastGPT validates these first).
type Pre = fn(&mut State, &Req) -> Result<(), ApiError>;

/// Paths a release line does not serve (`x-mock-server`).
fn not_served(gen: ServerGen, path: &str) -> bool {
    match gen {
        ServerGen::Old => matches!(path, "/api/core/chat/record/delete" | "/api/core/chat/history/updateHistory"),
        ServerGen::New => path == "/api/core/chat/item/delete",
        ServerGen::Current => false,
    }
}

async fn route(shared: &Shared, req: &Req, fault: Option<&Fault>) -> Response<Body> {
    let path = req.path.trim_end_matches('/');
    if not_served(req.server_gen(), path) {
        return html_404();
    }
    let p = path
        .strip_prefix("/api/core/chat/history/")
        .or_else(|| path.strip_prefix("/api/core/chat/record/"))
        .or_else(|| path.strip_prefix("/api/core/chat/"));
    let mut pre: Option<Pre> = None;
    let handler: Handler = match (p, path) {
        (_, "/api/v1/chat/completions") => return chat::completions(shared, req, false, fault).await,
        (_, "/api/v2/chat/completions") => return chat::completions(shared, req, true, fault).await,
        (_, "/api/v2/chat/stop") => return chat::stop(shared, req).await,
        (_, "/api/core/ai/agent/v2/createQuestionGuide") => records::question_guide,
        (_, "/api/core/ai/agent/createQuestionGuide") => records::question_guide_legacy,
        (_, "/api/proApi/core/app/logs/getChartData") => logs::chart_data,
        (_, "/api/proApi/core/app/logs/getTotalData") => logs::total_data,
        (_, "/api/core/chat/record/delete") => records::delete_record,
        (_, "/api/core/dataset/list") => dataset::list,
        (_, "/api/core/dataset/create") => dataset::create,
        (_, "/api/core/dataset/detail") => {
            pre = Some(dataset::need_query_id);
            dataset::detail
        }
        (_, "/api/core/dataset/delete") => {
            pre = Some(dataset::need_query_id);
            dataset::delete
        }
        (_, "/api/core/dataset/collection/create") => dataset::collection_create,
        (_, "/api/core/dataset/collection/create/text") => dataset::create_text,
        (_, "/api/core/dataset/collection/create/link") => dataset::create_link,
        (_, "/api/core/dataset/collection/create/apiCollection") => dataset::create_api_collection,
        (_, "/api/core/dataset/collection/create/apiCollectionV2") => dataset::create_api_collection_v2,
        // Not multipart: multer finds no boundary.
        (_, LOCAL_FILE) => |_: &mut State, _: &Req| Err(ApiError::plain("Multipart: Boundary not found")),
        (_, "/api/core/dataset/collection/listV2") => dataset::collection_list,
        (_, "/api/core/dataset/collection/detail") => {
            pre = Some(dataset::need_query_id);
            dataset::collection_detail
        }
        (_, "/api/core/dataset/collection/update") => {
            pre = Some(dataset::collection_update_pre);
            dataset::collection_update
        }
        (_, "/api/core/dataset/collection/delete") => {
            pre = Some(dataset::collection_delete_pre);
            dataset::collection_delete
        }
        (_, "/api/core/dataset/data/pushData") => {
            pre = Some(dataset::push_data_pre);
            dataset::push_data
        }
        (_, "/api/core/dataset/data/v2/list") => dataset::data_list,
        (_, "/api/core/dataset/data/detail") => dataset::data_detail,
        (_, "/api/core/dataset/data/update") => dataset::data_update,
        (_, "/api/core/dataset/data/delete") => dataset::data_delete,
        (_, "/api/core/dataset/searchTest") => {
            pre = Some(dataset::search_test_pre);
            dataset::search_test
        }
        (_, "/api/support/wallet/usage/createTrainingUsage") => dataset::create_training_usage,
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
    let gen = req.err_gen();
    if let Some(pre) = pre {
        if let Err(e) = pre(&mut shared.state(), req) {
            return envelope::error_gen(gen, &e);
        }
    }
    if let Err(e) = authorize(shared, req) {
        return envelope::error_gen(gen, &e);
    }
    let result = handler(&mut shared.state(), req);
    match result {
        Ok(data) => envelope::success(data),
        Err(e) => envelope::error_gen(gen, &e),
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
        "uploads" => envelope::json_response(StatusCode::OK, dataset::uploads_json(&st).to_string()),
        _ => html_404(),
    }
}
