//! The code that follows from the endpoint table (`src/endpoints.rs`) is generated here, so an
//! endpoint is one row and nothing can drift: the C functions and their reference docs
//! (`src/ffi/endpoints.rs`, and a registry of them for tests), the C++ API's endpoint list
//! (`include/fastgpt_endpoints.h`), and the Go binding's per-endpoint shims and methods.
//!
//! This test fails when a committed file differs from what the table gives; `make generate`
//! (`FASTGPT_GENERATE=1 cargo test --test generated`) rewrites them.

use std::fmt::Write as _;
use std::path::Path;

use fastgpt::endpoints::{Endpoint, Field, Shape, ALL};

fn unary() -> impl Iterator<Item = &'static Endpoint> {
    ALL.iter().copied().filter(|e| e.shape == Shape::Unary)
}

fn streams() -> impl Iterator<Item = &'static Endpoint> {
    ALL.iter().copied().filter(|e| e.shape == Shape::Stream)
}

fn const_name(e: &Endpoint) -> String {
    e.name.to_ascii_uppercase()
}

/// `get_chat_init` -> `GetChatInit`, `create_chat_completion_v2` -> `CreateChatCompletionV2`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The line the header's readers (and tests) look for: the route, then what must be sent.
fn route_line(e: &Endpoint) -> String {
    let mut line = format!("`{} {}`.", e.method.as_str(), e.path);
    if !e.required.is_empty() {
        let fields: Vec<String> = e.required.iter().map(|f| f.describe()).collect();
        write!(line, " Required: {}.", fields.join(", ")).unwrap();
    }
    line
}

/// The reference text of `fastgpt_<name>`: the row's doc, its notes, then the rules that follow
/// from the row's other fields.
fn reference(e: &Endpoint) -> Vec<String> {
    let mut lines: Vec<String> = e.doc.lines().map(str::to_owned).collect();
    for note in e.notes {
        lines.push(String::new());
        lines.extend(note.lines().map(str::to_owned));
    }
    let mut rules = Vec::new();
    if let Some(f) = e.fallback {
        rules.push(format!(
            "On a server without this route (HTTP 404 or 405, no FastGPT envelope) the call is sent as \
             `{} {}` instead, and that client sends it there first from then on.",
            f.method.as_str(),
            f.path
        ));
    }
    if !e.defaults.is_empty() {
        let d: Vec<String> = e.defaults.iter().map(|(k, v)| format!("`{k}` = {v}")).collect();
        rules.push(format!("Sent when left out: {}.", d.join(", ")));
    }
    if e.idempotent {
        rules.push("Retried like a read (it sets a state, so sending it twice is harmless).".into());
    } else {
        rules.push("Never re-sent once its body may have reached the server.".into());
    }
    lines.push(String::new());
    lines.extend(wrap(&rules.join(" "), 96));
    lines.push(String::new());
    lines.push(route_line(e));
    lines
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

fn doc_comment(out: &mut String, lines: &[String]) {
    for l in lines {
        if l.is_empty() {
            out.push_str("///\n");
        } else {
            writeln!(out, "/// {l}").unwrap();
        }
    }
}

const C_LAYER_HEAD: &str = r#"//! GENERATED from the endpoint table (`src/endpoints.rs`) by `make generate`: do not edit.
//!
//! One blocking and one `_async` function per unary endpoint, and both streaming functions per
//! chat-completion stream. Each is a one-line call into `ffi::call`; the doc comments are the
//! reference manual.
//!
//! Common to every endpoint function:
//! - `request_json`: a JSON object with the endpoint's parameters by their API names; the library
//!   puts them in the query or the body as the endpoint requires. Required fields (and FastGPT's
//!   own limits, such as 200 items per `fastgpt_push_data`) are checked before any I/O
//!   (`FASTGPT_ERR_INVALID_ARGUMENT`, naming the field).
//! - `cancel`: optional (NULL) token; triggering it ends the call with `FASTGPT_ERR_CANCELLED`.
//! - blocking: on success `*out_response` receives the result; free it with `fastgpt_response_free`.
//! - `_async`: returns at once; `cb` later receives exactly one COMPLETE event (with `response` or
//!   `error`) on a library thread. If the start fails, no callback is made.
//! - `out_err`: optional (NULL); on failure receives an error to free with `fastgpt_error_free`.

use std::ffi::{c_char, c_void};

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use super::call::{endpoint_request, stream_async, stream_blocking, unary_async, unary_blocking};
use super::event::fastgpt_event_cb;
use crate::endpoints;
"#;

fn c_layer() -> String {
    let mut out = String::from(C_LAYER_HEAD);
    for e in ALL {
        let c = const_name(e);
        let name = e.name;
        match e.shape {
            Shape::Unary => {
                out.push('\n');
                doc_comment(&mut out, &reference(e));
                writeln!(
                    out,
                    r#"#[no_mangle]
pub unsafe extern "C" fn fastgpt_{name}(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {{
    unary_blocking(client, || endpoint_request(&endpoints::{c}, request_json), cancel, out_response, out_err)
}}

/// Async `fastgpt_{name}`: `{method} {path}`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_{name}_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {{
    unary_async(client, || endpoint_request(&endpoints::{c}, request_json), cancel, cb, userdata, out_err)
}}"#,
                    method = e.method.as_str(),
                    path = e.path,
                )
                .unwrap();
            }
            Shape::Stream => {
                out.push('\n');
                doc_comment(&mut out, &reference(e));
                writeln!(
                    out,
                    r#"#[no_mangle]
pub unsafe extern "C" fn fastgpt_{name}(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {{
    stream_blocking(client, &endpoints::{c}, request_json, cancel, cb, userdata, out_response, out_err)
}}

/// Async `fastgpt_{name}`: returns at once; `cb` (required) receives the same events on a
/// library thread, then exactly one COMPLETE whose `response` is the accumulated answer.
/// {route}
#[no_mangle]
pub unsafe extern "C" fn fastgpt_{name}_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {{
    stream_async(client, &endpoints::{c}, request_json, cancel, cb, userdata, out_err)
}}"#,
                    route = route_line(e),
                )
                .unwrap();
            }
            Shape::Upload => {} // written by hand in src/ffi/upload.rs
        }
    }
    out
}

fn registry() -> String {
    let mut out = String::from(
        r#"//! GENERATED from the endpoint table (`src/endpoints.rs`) by `make generate`: do not edit.
//!
//! The generated C functions by endpoint name, for tests and tools that walk the table through
//! the C ABI. Not part of the C API (cbindgen does not read this file).

use std::ffi::{c_char, c_void};

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::endpoints::*;
use super::error::fastgpt_error;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use super::event::fastgpt_event_cb;

pub type UnaryFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;
pub type UnaryAsyncFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_error,
) -> fastgpt_status;
pub type StreamFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;

/// Every unary endpoint: (name, blocking function, async function).
pub const UNARY: &[(&str, UnaryFn, UnaryAsyncFn)] = &[
"#,
    );
    for e in unary() {
        writeln!(out, "    (\"{0}\", fastgpt_{0}, fastgpt_{0}_async),", e.name).unwrap();
    }
    out.push_str("];\n\n/// Every chat-completion stream: (name, blocking function, async function).\npub const STREAMS: &[(&str, StreamFn, UnaryAsyncFn)] = &[\n");
    for e in streams() {
        writeln!(out, "    (\"{0}\", fastgpt_{0}, fastgpt_{0}_async),", e.name).unwrap();
    }
    out.push_str("];\n");
    out
}

fn cpp_list() -> String {
    let mut out = String::from(
        "/*\n * fastgpt_endpoints.h: GENERATED from the endpoint table (src/endpoints.rs) by `make generate`;\n * do not edit.\n *\n * X-macro lists of the endpoint functions of fastgpt.h, for wrappers (fastgpt.hpp):\n *  - FASTGPT_ENDPOINTS(X): X(name) for every unary endpoint, whose functions are\n *    fastgpt_<name>(client, request_json, cancel, out_response, out_err) and\n *    fastgpt_<name>_async(client, request_json, cancel, cb, userdata, out_err);\n *  - FASTGPT_STREAM_ENDPOINTS(X): X(name) for every chat-completion stream, whose functions are\n *    fastgpt_<name>(client, request_json, cancel, cb, userdata, out_response, out_err) and\n *    fastgpt_<name>_async(client, request_json, cancel, cb, userdata, out_err).\n */\n\n#ifndef FASTGPT_ENDPOINTS_H\n#define FASTGPT_ENDPOINTS_H\n\n#define FASTGPT_ENDPOINTS(X)",
    );
    for e in unary() {
        write!(out, " \\\n    X({})", e.name).unwrap();
    }
    out.push_str("\n\n#define FASTGPT_STREAM_ENDPOINTS(X)");
    for e in streams() {
        write!(out, " \\\n    X({})", e.name).unwrap();
    }
    out.push_str("\n\n#endif /* FASTGPT_ENDPOINTS_H */\n");
    out
}

/// The Go binding's name and types of each unary endpoint: (endpoint, request type, result type;
/// "" for a call whose result is only success or an error). A new endpoint fails the test below
/// until it is listed here and its types exist in bindings/go.
const GO_TYPES: &[(&str, &str, &str)] = &[
    ("create_chat_completion", "ChatCompletionRequest", "*ChatCompletion"),
    ("create_chat_completion_v2", "ChatCompletionRequest", "*ChatCompletion"),
    ("stop_chat", "StopChatRequest", "*StopChatResult"),
    ("get_chat_histories", "GetChatHistoriesRequest", "*ChatHistories"),
    ("get_chat_init", "GetChatInitRequest", "*ChatInit"),
    ("get_chat_records", "GetChatRecordsRequest", "*ChatRecords"),
    ("get_record_detail", "GetRecordDetailRequest", "[]NodeResponse"),
    ("update_chat_history", "UpdateChatHistoryRequest", ""),
    ("delete_chat_history", "DeleteChatHistoryRequest", ""),
    ("clear_chat_histories", "ClearChatHistoriesRequest", ""),
    ("delete_chat_record", "DeleteChatRecordRequest", ""),
    ("send_feedback", "SendFeedbackRequest", ""),
    ("get_suggested_questions", "GetSuggestedQuestionsRequest", "[]string"),
    ("get_app_logs_chart", "GetAppLogsChartRequest", "*AppLogsChart"),
    ("get_app_logs_total", "GetAppLogsTotalRequest", "*AppLogsTotal"),
    ("list_datasets", "ListDatasetsRequest", "[]Dataset"),
    ("create_dataset", "CreateDatasetRequest", "string"),
    ("get_dataset", "GetDatasetRequest", "*Dataset"),
    ("delete_dataset", "DeleteDatasetRequest", ""),
    ("create_collection", "CreateCollectionRequest", "string"),
    ("create_text_collection", "CreateTextCollectionRequest", "*CollectionCreated"),
    ("create_link_collection", "CreateLinkCollectionRequest", "*CollectionCreated"),
    ("create_api_collection", "CreateAPICollectionRequest", ""),
    ("create_api_collection_v2", "CreateAPICollectionV2Request", ""),
    ("list_collections", "ListCollectionsRequest", "*CollectionList"),
    ("get_collection", "GetCollectionRequest", "*Collection"),
    ("update_collection", "UpdateCollectionRequest", ""),
    ("delete_collections", "DeleteCollectionsRequest", ""),
    ("push_data", "PushDataRequest", "*PushDataResult"),
    ("list_data", "ListDataRequest", "*DataList"),
    ("get_data", "GetDataRequest", "*DataItem"),
    ("update_data", "UpdateDataRequest", ""),
    ("delete_data", "DeleteDataRequest", ""),
    ("search_test", "SearchTestRequest", "*SearchTestResult"),
    ("create_training_usage", "CreateTrainingUsageRequest", "string"),
];

/// A Go exported name: `create_api_collection_v2` -> `CreateAPICollectionV2`.
fn go_name(name: &str) -> String {
    name.split('_')
        .map(|w| match w {
            "api" | "id" | "url" => w.to_ascii_uppercase(),
            _ => camel(w),
        })
        .collect()
}

/// The first sentence of an endpoint's doc, for Go doc comments.
fn first_sentence(doc: &str) -> String {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat.find(". ").map_or(flat.len(), |i| i + 1);
    flat[..end].trim_end_matches('.').to_string()
}

fn go_shims_header() -> String {
    let mut out = String::from(
        "/* shims_gen.h: GENERATED from the endpoint table (src/endpoints.rs) by `make generate`; do not
 * edit. Indices of the blocking endpoint functions (shims.c's table) and the functions in that
 * order. */
#ifndef FASTGPT_GO_SHIMS_GEN_H
#define FASTGPT_GO_SHIMS_GEN_H

enum {
",
    );
    for (i, e) in unary().enumerate() {
        let value = if i == 0 { " = 0" } else { "" };
        writeln!(out, "\tFGO_{}{value},", const_name(e)).unwrap();
    }
    out.push_str("\tFGO_ENDPOINT_COUNT\n};\n\n#define FGO_ENDPOINT_FUNCTIONS");
    for e in unary() {
        write!(out, " \\\n\tfastgpt_{},", e.name).unwrap();
    }
    out.push_str("\n\n#endif\n");
    out
}

fn go_methods() -> String {
    let mut out = String::from(
        "// Code generated from the endpoint table (src/endpoints.rs) by `make generate`. DO NOT EDIT.\n\npackage fastgpt\n\n/*\n#include \"shims.h\"\n*/\nimport \"C\"\n\nimport (\n\t\"context\"\n\t\"encoding/json\"\n)\n\n// endpoint indexes the blocking C functions of shims.c (the FGO_* enum of shims_gen.h).\ntype endpoint C.int\n\nconst (\n",
    );
    for e in unary() {
        writeln!(out, "\tep{} endpoint = C.FGO_{}", go_name(e.name), const_name(e)).unwrap();
    }
    out.push_str("\tepRequest endpoint = -1 // fastgpt_request (Do)\n)\n");
    for e in unary() {
        let (_, request, result) = GO_TYPES
            .iter()
            .find(|(n, ..)| *n == e.name)
            .unwrap_or_else(|| panic!("{}: add its Go request and result types to GO_TYPES", e.name));
        let method = go_name(e.name);
        let mut doc =
            format!("{method} calls fastgpt_{}: {} ({} {}).", e.name, first_sentence(e.doc), e.method.as_str(), e.path);
        if !e.idempotent {
            doc.push_str(" It is never re-sent once its request may have reached the server.");
        }
        doc.push_str(" Every field is documented there, in fastgpt.h.");
        out.push('\n');
        for line in wrap(&doc, 96) {
            writeln!(out, "// {line}").unwrap();
        }
        if result.is_empty() {
            writeln!(
                out,
                "func (c *Client) {method}(ctx context.Context, req *{request}, opts ...CallOption) error {{\n\t_, err := call[json.RawMessage](ctx, c, ep{method}, req, opts)\n\treturn err\n}}"
            )
            .unwrap();
        } else {
            writeln!(
                out,
                "func (c *Client) {method}(ctx context.Context, req *{request}, opts ...CallOption) ({result}, error) {{\n\treturn call[{result}](ctx, c, ep{method}, req, opts)\n}}"
            )
            .unwrap();
        }
    }
    out
}

/// Rust as `cargo fmt` leaves it (with the repository's rustfmt.toml), so formatting the tree
/// never makes a generated file stale.
fn rustfmt(code: String) -> String {
    use std::io::Write;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2021", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("rustfmt (rustup component add rustfmt) formats the generated Rust");
    child.stdin.take().unwrap().write_all(code.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "rustfmt failed on the generated code");
    String::from_utf8(out.stdout).unwrap()
}

/// Go as `gofmt` leaves it (the const block's alignment), so `go vet`/gofmt checks stay clean.
fn gofmt(code: String) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("gofmt")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gofmt (from the Go toolchain) formats the generated Go");
    child.stdin.take().unwrap().write_all(code.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "gofmt failed on the generated code");
    String::from_utf8(out.stdout).unwrap()
}

/// The README's endpoint table (between its `endpoints:begin` / `endpoints:end` markers).
fn readme_table() -> String {
    let mut out = String::from(
        "| C function (and `_async`) | Go method | FastGPT endpoint | required fields |\n|---|---|---|---|\n",
    );
    for e in ALL {
        let fields: Vec<String> = e.required.iter().map(|f| f.describe()).collect();
        let mut route = format!("`{} {}`", e.method.as_str(), e.path);
        if let Some(f) = e.fallback {
            write!(route, " (else `{} {}`)", f.method.as_str(), f.path).unwrap();
        }
        let function = match e.shape {
            Shape::Unary => format!("`fastgpt_{}`", e.name),
            Shape::Stream => format!("`fastgpt_{}` (events to a callback)", e.name),
            Shape::Upload => format!("`fastgpt_{0}`, `fastgpt_{0}_from_buffer` (multipart, progress events)", e.name),
        };
        let go = match e.shape {
            Shape::Upload => format!("`{0}FromPath`, `{0}`", go_name(e.name)),
            _ => format!("`{}`", go_name(e.name)),
        };
        writeln!(out, "| {function} | {go} | {route} | {} |", fields.join(", ")).unwrap();
    }
    out
}

/// `current` with the text between its markers replaced by `block`.
fn replace_block(current: &str, begin: &str, end: &str, block: &str) -> String {
    let start = current.find(begin).unwrap_or_else(|| panic!("README.md has no {begin}")) + begin.len();
    let stop = current[start..].find(end).unwrap_or_else(|| panic!("README.md has no {end}")) + start;
    format!("{}\n{block}{}", &current[..start], &current[stop..])
}

/// Every generated file: (path from the repository root, content).
fn generated() -> Vec<(&'static str, String)> {
    vec![
        ("src/ffi/endpoints.rs", rustfmt(c_layer())),
        ("src/ffi/endpoint_registry.rs", rustfmt(registry())),
        ("include/fastgpt_endpoints.h", cpp_list()),
        ("bindings/go/shims_gen.h", go_shims_header()),
        ("bindings/go/endpoints_gen.go", gofmt(go_methods())),
        ("README.md", {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let current = std::fs::read_to_string(root.join("README.md")).unwrap();
            replace_block(
                &current,
                "<!-- endpoints:begin (generated by `make generate`) -->",
                "<!-- endpoints:end -->",
                &readme_table(),
            )
        }),
    ]
}

#[test]
fn generated_files_follow_the_endpoint_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let write = std::env::var_os("FASTGPT_GENERATE").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, content) in generated() {
        let file = root.join(path);
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current == content {
            continue;
        }
        if write {
            std::fs::write(&file, &content).unwrap_or_else(|e| panic!("{path}: {e}"));
            eprintln!("generated {path}");
        } else {
            stale.push(path);
        }
    }
    assert!(stale.is_empty(), "stale generated files {stale:?}: run `make generate` and commit the result");
}

#[test]
fn names_follow_from_the_table() {
    assert_eq!(camel("create_chat_completion_v2"), "CreateChatCompletionV2");
    assert_eq!(camel("get_chat_init"), "GetChatInit");
    assert_eq!(go_name("create_api_collection_v2"), "CreateAPICollectionV2");
    assert_eq!(first_sentence("Lists things. Optional: x."), "Lists things");
    let unary: Vec<&str> = unary().map(|e| e.name).collect();
    let typed: Vec<&str> = GO_TYPES.iter().map(|t| t.0).collect();
    assert_eq!(unary, typed, "GO_TYPES lists every unary endpoint, in the table's order");
    let e = fastgpt::endpoints::by_name("delete_chat_record").unwrap();
    let line = route_line(e);
    assert_eq!(
        line,
        "`DELETE /api/core/chat/record/delete`. Required: `appId`, `chatId`, `contentId` or `contentIds`."
    );
    assert!(matches!(e.required[2], Field::AnyOf(_)));
}
