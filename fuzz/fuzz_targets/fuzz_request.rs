//! The caller-side JSON paths on arbitrary bytes: `request_json` through `parse_request`, every
//! endpoint's `prepare` and `prepare_custom` (the `fastgpt_request` escape hatch), and the config
//! text through `Config::from_json` and the HTTP client built from it (`fastgpt_client_new`).
//! Invariants: no panic; a prepared body is a JSON object that keeps the caller's fields (plus
//! `stream` where the endpoint sets it); query parameters come only from the request's fields.
#![no_main]

use fastgpt::config::Config;
use fastgpt::endpoints::{self, Method};
use fastgpt::transport::Transport;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fn check_body(body: Option<&[u8]>, request: &Map<String, Value>) {
    let Some(body) = body else { return };
    let parsed: Value = serde_json::from_slice(body).expect("a prepared body is valid JSON");
    let obj = parsed.as_object().expect("a prepared body is a JSON object");
    for (k, v) in request {
        if k != "stream" {
            assert_eq!(obj.get(k), Some(v), "field {k:?} kept as sent");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };

    // Config text (what fastgpt_client_new parses); no environment.
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        if let Ok(config) = Config::from_json(&value, |_| None) {
            let _ = Transport::new(config);
        }
    }

    let Ok(request) = endpoints::parse_request(Some(text)) else { return };
    for endpoint in endpoints::ALL {
        if let Ok(prepared) = endpoint.prepare(request.clone()) {
            check_body(prepared.body.as_deref(), &request);
            for (k, _) in &prepared.query {
                assert!(request.contains_key(k), "query key {k:?} not from the request");
            }
            assert_eq!(prepared.method, endpoint.method);
        }
    }
    let path = request.get("path").and_then(Value::as_str).unwrap_or("/api/core/chat/getHistories");
    for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "get"] {
        if let Ok(prepared) = endpoints::prepare_custom(method, path, request.clone()) {
            assert!(prepared.path.starts_with("/api/") && !prepared.path.contains(".."));
            check_body(prepared.body.as_deref(), &request);
            assert_eq!(prepared.body.is_some(), matches!(prepared.method, Method::Post | Method::Put));
        }
    }
});
