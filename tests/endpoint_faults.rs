//! Every function generated from the endpoint table, blocking and async, under the faults whose
//! outcome depends only on the table: a connection reset before the answer is retried exactly when
//! the endpoint is idempotent (a retry must never run an app or add data twice), a FastGPT error
//! envelope is never retried, and a 429 always is. The registry of generated functions drives
//! it, so a new endpoint is covered without editing this file.

mod common;

use common::*;
use fastgpt::endpoints::by_name;
use fastgpt::ffi::endpoint_registry::{STREAMS, UNARY};

/// (fault, expected status, attempts for an idempotent endpoint, for a non-idempotent one);
/// `max_retries` is 1.
const FAULTS: &[(&str, i32, u64, u64)] = &[
    ("reset_before_headers", FASTGPT_ERR_CONNECT, 2, 1),
    ("envelope=514", FASTGPT_ERR_AUTH, 1, 1),
    ("rate_limit_ms=5;times=1", FASTGPT_OK, 2, 2),
];

fn client(mock: &MockServer, fault: &str, id: &str) -> Client {
    Client::for_mock(mock, json!({"headers": {"x-mock-fault": fault, "x-mock-id": id}, "max_retries": 1}))
}

#[test]
fn every_endpoint_follows_the_retry_rules() {
    let mock = mock();
    let mut checked = 0;
    std::thread::scope(|scope| {
        let mut runs = Vec::new();
        for &(name, blocking, start) in UNARY {
            for &(fault, status, idempotent_attempts, other_attempts) in FAULTS {
                let e = by_name(name).unwrap();
                let attempts = if e.idempotent { idempotent_attempts } else { other_attempts };
                let request = Value::Object(valid_request(e.required));
                let mock = &mock;
                runs.push(scope.spawn(move || {
                    for (mode, id) in
                        [("blocking", format!("{name}-{fault}-b")), ("async", format!("{name}-{fault}-a"))]
                    {
                        let c = client(mock, fault, &id);
                        let result = if mode == "blocking" {
                            call(blocking, &c, &request)
                        } else {
                            call_async(start, &c, &request).1
                        };
                        let got = match &result {
                            Ok(_) => FASTGPT_OK,
                            Err(f) => f.status,
                        };
                        // A 429 then the real answer: whatever the endpoint says to these ids.
                        if status != FASTGPT_OK {
                            assert_eq!(got, status, "{name} {mode} under {fault}: {result:?}");
                        }
                        assert_eq!(mock.request_count(&id), attempts, "{name} {mode} under {fault}: attempts");
                    }
                }));
            }
        }
        for &(name, blocking, start) in STREAMS {
            let mock = &mock;
            runs.push(scope.spawn(move || {
                let request = chat_request("hi");
                for (mode, id) in [("blocking", format!("{name}-reset-b")), ("async", format!("{name}-reset-a"))] {
                    let c = client(mock, "reset_before_headers", &id);
                    let result = if mode == "blocking" {
                        stream_via(blocking, &c, &request, std::sync::Arc::new(Collector::default()), std::ptr::null())
                            .1
                    } else {
                        call_async(start, &c, &request).1
                    };
                    assert_eq!(result.unwrap_err().status, FASTGPT_ERR_CONNECT, "{name} {mode}");
                    assert_eq!(mock.request_count(&id), 1, "{name} {mode}: a stream runs the app: never re-sent");
                }
            }));
        }
        for run in runs {
            run.join().unwrap();
            checked += 1;
        }
    });
    println!("{checked} endpoint × fault runs, blocking and async");
    assert!(checked >= UNARY.len() * FAULTS.len());
}
