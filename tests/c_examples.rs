//! The C example programs are the C test harness: compiled with the cc crate as a user would
//! (`-std=c11 -Wall -Wextra -Werror`, and the header as C++17), linked against the built
//! libfastgpt.so, run against fastgpt-mock, their output asserted.
//!
//! `FASTGPT_SANITIZE=address` builds them with AddressSanitizer (and LeakSanitizer) — CI does.

#[path = "common/cc.rs"]
mod cc;
mod common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn compile(example: &str) -> PathBuf {
    cc::compile_c(&format!("examples/{example}"))
}

fn run(exe: &Path, mock: &MockServer, args: &[&str], config: Option<&str>) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", DEFAULT_KEY)
        .env("FASTGPT_APP_ID", APP_ID)
        .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=86")
        .env(
            "LSAN_OPTIONS",
            format!("suppressions={}", Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsan.supp").display()),
        );
    if let Some(c) = config {
        cmd.env("FASTGPT_CONFIG", c);
    }
    let out = cmd.output().expect("the example runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("AddressSanitizer") && !stderr.contains("LeakSanitizer"), "{}: {stderr}", exe.display());
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn stream_chat_prints_the_answer_as_it_arrives() {
    let mock = mock();
    let exe = compile("stream_chat.c");
    let out = run(&exe, &mock, &["What is streaming?"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim_end(), "Echo: What is streaming?");
    assert!(text(&out.stderr).contains("[done]"));

    let out = run(&exe, &mock, &["--detail", "tool time"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("[node]"), "detail mode shows node status: {}", text(&out.stderr));

    let bad = Command::new(&exe)
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", "fastgpt-wrong")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("514"), "{}", text(&bad.stderr));
    assert!(!text(&bad.stderr).contains("fastgpt-wrong"), "the key never appears in messages");
}

#[test]
fn chat_one_shot() {
    let mock = mock();
    let exe = compile("chat.c");
    let out = run(&exe, &mock, &["hello from C"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("HTTP 200") && stdout.contains("Echo: hello from C"), "{stdout}");
    let out = run(&exe, &mock, &["x"], Some(r#"{"headers": {"x-mock-fault": "envelope=500004"}}"#));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(&format!("error {FASTGPT_ERR_QUOTA}")), "{}", text(&out.stderr));
}

#[test]
fn histories_walk() {
    let mock = mock();
    let exe = compile("histories.c");
    let out = run(&exe, &mock, &[], None);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("answer dataId: example-answer-1"), "{stdout}");
    assert!(stdout.contains("\"customTitle\":\"Renamed from C\""), "{stdout}");
    assert!(stdout.contains("0 failures"));
}

#[test]
fn async_stream_cancelled_from_another_thread() {
    let mock = mock();
    let exe = compile("cancel_async.c");
    let out = run(&exe, &mock, &[], Some(r#"{"headers": {"x-mock-fault": "slow_stream=100"}}"#));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("completions: 1, status: the operation was cancelled"), "{stdout}");
}

#[test]
fn header_compiles_as_cpp17_and_links() {
    let mock = mock();
    let exe = compile("header_check.cpp");
    let out = run(&exe, &mock, &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("c++ ok"));
}

#[test]
fn cpp_chat_blocking_streamed_and_errors() {
    let mock = mock();
    let exe = compile("chat.cpp");
    let out = run(&exe, &mock, &["hello from C++"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("HTTP 200") && stdout.contains(r#""content":"Echo: hello from C++""#), "{stdout}");
    assert!(stdout.contains("streamed: Echo: hello from C++\n"), "the streamed answer, delta by delta: {stdout}");
    // A FastGPT error (AI points, code 500004) arrives as a fastgpt::Error exception.
    let out = run(&exe, &mock, &["x"], Some(r#"{"headers": {"x-mock-fault": "envelope=500004"}}"#));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("error {FASTGPT_ERR_QUOTA} (")) && stderr.contains("fastgpt code 500004"),
        "{stderr}"
    );
    // A config typo is an exception from the constructor.
    let out = run(&exe, &mock, &["x"], Some(r#"{"timeout": 5}"#));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(&format!("error {FASTGPT_ERR_INVALID_ARGUMENT} (")), "{}", text(&out.stderr));
}

#[test]
fn cpp_without_exceptions_uses_the_result_api() {
    let mock = mock();
    let exe = cc::compile_c_with("tests/c/cpp_noexcept.cpp", &["-fno-exceptions"]);
    let out = run(&exe, &mock, &[], None);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("checks, 0 failures"), "{stdout}");
}

#[test]
fn cpp_exceptions_in_callables_abort_and_reach_the_caller() {
    let mock = mock();
    let exe = cc::compile_c("tests/c/cpp_callback_exceptions.cpp");
    let out = run(&exe, &mock, &[], None);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("checks, 0 failures"), "{stdout}");
}

/// `GET <path>` on the mock (its test-only `/mock/...` routes), as JSON.
fn mock_get(mock: &MockServer, path: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(mock.addr()).unwrap();
    write!(conn, "GET {path} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw).unwrap();
    let body = &raw[raw.find("\r\n\r\n").expect("headers end") + 4..];
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// tests/c/cpp_uploads_logs_pause.cpp, with exceptions and without: uploads with a progress
/// callable (path, buffer, async; what arrived is checked here against the mock's record), a
/// derived client's header (checked against the headers the mock saw), a log callable deleted
/// exactly once, pause and resume from another thread; with exceptions also exceptions from
/// progress and log callables.
#[test]
fn cpp_uploads_derived_clients_logs_and_pause() {
    for flags in [&[][..], &["-fno-exceptions"][..]] {
        let mock = mock();
        // Each set of flags makes a program of its own name (see cc::compile_c_with).
        let exe = cc::compile_c_with("tests/c/cpp_uploads_logs_pause.cpp", flags);
        let out = run(&exe, &mock, &[], None);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{flags:?}: {stdout}\n{}", text(&out.stderr));
        assert!(stdout.contains("checks, 0 failures"), "{stdout}");

        // Each reported upload arrived whole: name, size and content hash as the program sent them.
        let received = uploads(&mock);
        let mut labels = Vec::new();
        for line in stdout.lines().filter(|l| l.starts_with("upload ")) {
            let (label, fields) = line["upload ".len()..].split_once(": ").unwrap();
            let field = |k: &str| {
                fields.split(' ').find_map(|f| f.strip_prefix(&format!("{k}="))).unwrap_or_else(|| panic!("{line}"))
            };
            let up = received
                .iter()
                .find(|u| u["collectionId"] == field("collection"))
                .unwrap_or_else(|| panic!("the mock got {line}: {received:?}"));
            assert_eq!(up["filename"], field("file"), "{line}");
            assert_eq!(up["bytes"].to_string(), field("bytes"), "{line}");
            assert_eq!(up["fnv1a64"], field("fnv"), "{line}");
            assert_eq!(up["data"]["chunkSize"], 512, "the options arrive as the data part");
            labels.push(label.to_string());
        }
        assert_eq!(labels, ["path", "buffer", "async"], "{stdout}");

        // The derived client's header reached the server, the parent's requests stayed without it.
        let derived = mock_get(&mock, "/mock/stats?id=cpp-derived");
        assert!(derived["requests"].as_u64().unwrap() >= 1, "{derived}");
        assert_eq!(derived["headers"]["x-tenant"], "acme", "{derived}");
        let parent = mock_get(&mock, "/mock/stats?id=cpp-parent");
        // At least the 9 calls that must reach the server (aborted uploads may or may not).
        assert!(parent["requests"].as_u64().unwrap() >= 9, "{parent}");
        assert!(parent["headers"].get("x-tenant").is_none(), "{parent}");
        if flags.is_empty() {
            assert_eq!(mock_get(&mock, "/mock/stats?id=cpp-derived-2")["headers"]["x-tenant"], "beta");
        }
    }
}

/// include/fastgpt_endpoints.h (the X-macros fastgpt.hpp expands) lists exactly the header's
/// endpoints of each shape: FASTGPT_ENDPOINTS the unary ones (client, request_json, cancel,
/// out_response, out_err), FASTGPT_STREAM_ENDPOINTS the streams (client, request_json, cancel, cb,
/// userdata, out_response, out_err); each with an `_async` twin.
#[test]
fn endpoint_xmacros_list_the_headers_endpoints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join("include/fastgpt.h")).unwrap();
    let flat = header.split_whitespace().collect::<Vec<_>>().join(" ");
    let declared = |params: &str| -> Vec<String> {
        let mut names: Vec<String> = flat
            .split("fastgpt_status fastgpt_")
            .skip(1)
            .filter(|decl| decl.split(';').next().unwrap().ends_with(params))
            .map(|decl| decl.split('(').next().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let xmacros = std::fs::read_to_string(root.join("include/fastgpt_endpoints.h")).unwrap();
    // The X(name) lines of one macro: from its #define to the first line without a continuation.
    let listed = |macro_name: &str| -> Vec<String> {
        let def = format!("#define {macro_name}(X) \\");
        let mut lines = xmacros.lines().skip_while(|l| l.trim_end() != def).skip(1);
        let mut names = Vec::new();
        for line in lines.by_ref() {
            let item = line.trim().trim_end_matches('\\').trim();
            let name = item.strip_prefix("X(").and_then(|r| r.strip_suffix(')')).expect("an X(name) line");
            names.push(name.to_string());
            if !line.trim_end().ends_with('\\') {
                break;
            }
        }
        names.sort();
        names
    };
    let unary = declared(
        "(const struct fastgpt_client *client, const char *request_json, const struct fastgpt_cancel *cancel, \
         struct fastgpt_response **out_response, struct fastgpt_error **out_err)",
    );
    let streams = declared(
        "(const struct fastgpt_client *client, const char *request_json, const struct fastgpt_cancel *cancel, \
         fastgpt_event_cb cb, void *userdata, struct fastgpt_response **out_response, struct fastgpt_error **out_err)",
    );
    assert!(unary.len() >= 13 && streams.contains(&"stream_chat_completion".to_string()), "{unary:?} {streams:?}");
    assert_eq!(listed("FASTGPT_ENDPOINTS"), unary, "FASTGPT_ENDPOINTS lists the unary endpoints of fastgpt.h");
    assert_eq!(listed("FASTGPT_STREAM_ENDPOINTS"), streams, "FASTGPT_STREAM_ENDPOINTS lists its streams");
    for name in unary.iter().chain(&streams) {
        assert!(flat.contains(&format!("fastgpt_status fastgpt_{name}_async(")), "{name} has an _async twin");
    }
}

/// The README's C++ snippet (the first ```cpp block under "Using it from C++") compiles as shown
/// and streams the mock's answer.
#[test]
fn readme_cpp_snippet_compiles_and_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme.split("## Using it from C++").nth(1).expect("the README has a C++ section");
    let snippet = section.split("```cpp\n").nth(1).and_then(|s| s.split("```").next()).expect("a cpp block");
    let dir = cc::target_dir().join("c-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("readme_snippet.cpp");
    std::fs::write(&src, snippet).unwrap();
    let mock = mock();
    let exe = cc::compile_c(src.to_str().unwrap()); // an absolute path: Path::join keeps it
    let out = run(&exe, &mock, &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Echo: Hello\n"), "{}", text(&out.stdout));
}

#[test]
fn knowledge_base_walk() {
    let mock = mock();
    let exe = compile("knowledge_base.c");
    let out = run(&exe, &mock, &[], None);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("best match: Which languages does libfastgpt support?"), "{stdout}");
    assert!(stdout.contains("upload progress: ") && stdout.contains("(100%)"), "{stdout}");
    assert!(stdout.contains("delete dataset: null"), "{stdout}");
    assert!(stdout.ends_with("0 failures\n"), "{stdout}");
    let uploads = uploads(&mock);
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0]["filename"], "libfastgpt-example-upload.md");
}
