//! examples/per_call.c, the C program for logs and per-call options: compiled as a user would
//! (`-std=c11 -Wall -Wextra -Werror -Wpedantic`), run against fastgpt-mock, its output asserted.
//! `FASTGPT_SANITIZE=address` (make test-asan) builds it with AddressSanitizer and LeakSanitizer.

#[path = "common/cc.rs"]
mod cc;
mod common;

use std::process::Command;

use common::*;

#[test]
fn per_call_clients_log_through_the_shared_callback() {
    let mock = mock();
    let exe = cc::compile_c("examples/per_call.c");
    let config =
        json!({"max_retries": 0, "headers": {"x-mock-fault": "rate_limit_ms=5;times=1", "x-mock-id": "c-per-call"}});
    let mut cmd = Command::new(&exe);
    cmd.args(["tenant-a", "tenant-b"])
        .env("FASTGPT_BASE_URL", mock.base_url())
        .env("FASTGPT_API_KEY", DEFAULT_KEY)
        .env("FASTGPT_APP_ID", APP_ID)
        .env("FASTGPT_CONFIG", config.to_string())
        .env_remove("FASTGPT_LOG");
    cc::sanitizer_env(&mut cmd);
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["tenant-a: HTTP 200", "tenant-b: HTTP 200", "after the parent is freed: the operation was cancelled"]
    );
    // The shared client allows no retry, the per-call override 3: the first call's 429 is retried.
    assert_eq!(mock.request_count("c-per-call"), 3);
    let log: Vec<&str> = stderr.lines().collect();
    assert!(log[0].starts_with("[log info] client base_url="), "{stderr}");
    assert!(
        log.iter()
            .any(|l| l.starts_with("[log warn] request ") && l.contains("attempt=1") && l.contains("outcome=retry")),
        "{stderr}"
    );
    assert_eq!(
        log.iter().filter(|l| l.starts_with("[log info] request ") && l.contains("outcome=ok")).count(),
        2,
        "{stderr}"
    );
    assert!(!log.iter().any(|l| l.starts_with("[log debug]")), "INFO level: {stderr}");
    // Released once, last: after the derived client that outlived its parent was freed.
    let released: Vec<&&str> = log.iter().filter(|l| l.starts_with("[log] sink released")).collect();
    assert_eq!(released.len(), 1, "{stderr}");
    assert!(log.last().unwrap().starts_with("[log] sink released after "), "{stderr}");
}
