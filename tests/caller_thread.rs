//! Blocking unary calls run on the caller's thread (src/local.rs) and keep the guarantees of the
//! hand-off: they work inside a host's own tokio runtime (where they fall back to the hand-off),
//! a cancel from another thread ends them, many threads call one client at once next to async
//! calls, and threads that made calls exit cleanly.

mod common;

use std::ffi::CString;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

fn histories(client: &Client) -> Result<Reply, Failure> {
    call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID, "offset": 0, "pageSize": 5}))
}

#[test]
fn blocking_calls_work_inside_a_hosts_tokio_runtimes() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let multi = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let reply = multi.block_on(async { histories(&client) }).expect("call inside a multi-thread runtime");
    assert_eq!(reply.http_status, 200);
    // On a worker of the host's runtime, too.
    let client = Arc::new(client);
    let c = Arc::clone(&client);
    let reply = multi.block_on(async move { tokio::spawn(async move { histories(&c) }).await.unwrap() });
    assert_eq!(reply.expect("call on a host worker").http_status, 200);
    let single = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let reply = single.block_on(async { histories(&client) }).expect("call inside a current-thread runtime");
    assert_eq!(reply.http_status, 200);
    // And on the same thread again, outside any runtime (the caller's-thread path).
    assert_eq!(histories(&client).expect("plain call").http_status, 200);
}

#[test]
fn a_blocking_call_is_cancelled_from_another_thread() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_first_byte=10000"}}));
    let cancel = fastgpt_cancel_new();
    struct Token(*mut fastgpt_cancel);
    unsafe impl Send for Token {}
    let token = Token(cancel);
    let trigger = std::thread::spawn(move || {
        let token = token;
        std::thread::sleep(Duration::from_millis(200));
        fastgpt_cancel_trigger(token.0);
    });
    let started = Instant::now();
    let request = json!({"appId": APP_ID, "offset": 0, "pageSize": 5}).to_string();
    let failure = call_with(fastgpt_get_chat_histories, &client, &request, cancel).expect_err("cancelled");
    assert_eq!(failure.status, FASTGPT_ERR_CANCELLED, "{failure:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    trigger.join().unwrap();
    fastgpt_cancel_free(cancel);
}

#[test]
fn many_threads_call_one_client_next_to_async_calls_and_exit_cleanly() {
    let mock = mock();
    let client = Arc::new(Client::for_mock(&mock, json!({})));
    let mut threads = Vec::new();
    for _ in 0..6 {
        let client = Arc::clone(&client);
        threads.push(std::thread::spawn(move || {
            for _ in 0..30 {
                assert_eq!(histories(&client).expect("blocking call").http_status, 200);
            }
        }));
    }
    for _ in 0..30 {
        let (_, result) = call_async(
            fastgpt_get_chat_histories_async,
            &client,
            &json!({"appId": APP_ID, "offset": 0, "pageSize": 5}),
        );
        assert_eq!(result.expect("async call").http_status, 200);
    }
    for t in threads {
        t.join().expect("no panic, also when the thread's runtime and pools are dropped");
    }
    // A derived client on this thread shares the client's pool and works after the threads left.
    let overrides = CString::new(r#"{"timeout_ms": 5000}"#).unwrap();
    let mut derived = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    assert_eq!(fastgpt_client_with(client.raw(), overrides.as_ptr(), &mut derived, &mut err), FASTGPT_OK);
    let derived = Client(derived);
    assert_eq!(histories(&derived).expect("derived client call").http_status, 200);
    assert_eq!(histories(&client).expect("parent call").http_status, 200);
}

#[test]
fn a_call_after_its_client_was_freed_on_this_thread_uses_a_fresh_pool() {
    let mock = mock();
    for _ in 0..3 {
        let client = Client::for_mock(&mock, json!({}));
        assert_eq!(histories(&client).expect("call").http_status, 200);
        drop(client);
    }
    // A client whose pool allocation reuses a freed one's address must not get its connections:
    // a client with another key is refused, not answered over the old client's pool.
    let client = Client::for_mock(&mock, json!({"api_key": "fastgpt-wrong"}));
    assert_eq!(histories(&client).expect_err("wrong key").status, FASTGPT_ERR_AUTH);
}

/// What the stream callback below saw: its client, and the outcome of the blocking calls it made.
struct Nested {
    client: *const fastgpt_client,
    answers: usize,
    calls_ok: usize,
    calls_failed: usize,
}

unsafe extern "C" fn call_from_callback(userdata: *mut std::ffi::c_void, event: *const fastgpt_event) -> i32 {
    let nested = &mut *(userdata as *mut Nested);
    if (*event).kind == FASTGPT_EVENT_ANSWER && !(*event).text.is_null() {
        nested.answers += 1;
        if nested.answers <= 3 {
            // A blocking call inside a blocking stream's callback (which runs inside this thread's
            // runtime): handed to the I/O runtime, never a nested block_on.
            let request = CString::new(json!({"appId": APP_ID, "offset": 0, "pageSize": 5}).to_string()).unwrap();
            let mut resp = std::ptr::null_mut();
            let mut err = std::ptr::null_mut();
            let status =
                fastgpt_get_chat_histories(nested.client, request.as_ptr(), std::ptr::null(), &mut resp, &mut err);
            if status == FASTGPT_OK {
                nested.calls_ok += 1;
                fastgpt_response_free(resp);
            } else {
                nested.calls_failed += 1;
                fastgpt_error_free(err);
            }
        }
    }
    0
}

#[test]
fn a_blocking_stream_callback_can_make_blocking_calls() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let mut nested = Nested { client: client.raw(), answers: 0, calls_ok: 0, calls_failed: 0 };
    let request = CString::new(chat_request(&"a question long enough for many chunks ".repeat(2)).to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(call_from_callback),
            &mut nested as *mut Nested as *mut std::ffi::c_void,
            &mut resp,
            &mut err,
        )
    };
    assert_eq!(status, FASTGPT_OK, "{:?}", (!err.is_null()).then(|| Failure::take(status, err)));
    fastgpt_response_free(resp);
    assert!(nested.answers > 3, "{} answers", nested.answers);
    assert_eq!((nested.calls_ok, nested.calls_failed), (3, 0));
    // And the thread's own path still works afterwards.
    assert_eq!(histories(&client).expect("plain call").http_status, 200);
}
