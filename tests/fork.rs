//! fork() after the library started: the child's calls return FASTGPT_ERR_FORKED at once (instead
//! of hanging on I/O threads that did not survive the fork), and the parent keeps working.
//! The check is a C program (tests/c/fork_child.c), compiled like the examples, run against the mock.

#[path = "common/cc.rs"]
mod cc;
mod common;

use std::process::Command;

use common::*;

#[test]
fn a_forked_child_is_refused_and_the_parent_keeps_working() {
    let mock = mock();
    let exe = cc::compile_c("tests/c/fork_child.c");
    let mut cmd = Command::new(&exe);
    cmd.env("FASTGPT_BASE_URL", mock.base_url()).env("FASTGPT_API_KEY", DEFAULT_KEY).env("FASTGPT_APP_ID", APP_ID);
    cc::sanitizer_env(&mut cmd);
    let started = std::time::Instant::now();
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    for line in [
        "parent before fork: call ok (HTTP 200)",
        &format!("child: call status {FASTGPT_ERR_FORKED}: libfastgpt was started before fork()"),
        &format!("child: client_new status {FASTGPT_ERR_FORKED}"),
        &format!("child: async start status {FASTGPT_ERR_FORKED}"),
        "child: client freed",
        "child: 0 failures, async COMPLETE events: 0",
        "parent: child ok",
        "parent after fork: call ok (HTTP 200)",
        "parent new client: call ok (HTTP 200)",
        "parent: 0 failures",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(started.elapsed().as_secs() < 10, "no hang: {:?}", started.elapsed());
}

fn run_hammer(mode: &str, children: &str) -> String {
    // Compiled once: two tests writing the program while the other runs it get "text file busy".
    // Never with AddressSanitizer (see compile_c_unsanitized: its allocator is not fork-safe).
    static EXE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let mock = mock();
    let exe = EXE.get_or_init(|| cc::compile_c_unsanitized("tests/c/fork_hammer.c"));
    let mut cmd = Command::new(exe);
    cmd.args([mode, children])
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", DEFAULT_KEY)
        .env("FASTGPT_APP_ID", APP_ID);
    cc::sanitizer_env(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("fork_hammer {mode} {children}: {stdout}");
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    stdout
}

/// 2,000 children forked while 4 threads keep the client, its callback threads and a shared cancel
/// token busy: in each child, fastgpt_client_free, fastgpt_cancel_trigger, fastgpt_cancel_free,
/// fastgpt_client_new and a call return at once (once a few in a thousand hung on locks held at
/// the fork).
#[test]
fn children_forked_under_load_never_hang() {
    let out = run_hammer("hammer", "2000");
    assert!(out.contains("children 2000 ok 2000 hung 0 failed 0 parent 0"), "{out}");
}

/// Children forked while the process's first call starts the runtime: each either uses the library
/// (forked before the start) or is refused, never stuck on a half-made runtime.
#[test]
fn children_forked_while_the_runtime_starts_never_hang() {
    let out = run_hammer("init", "200");
    assert!(out.contains("children 200 ok 200 hung 0 failed 0 parent 0"), "{out}");
}
