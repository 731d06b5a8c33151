//! Lifecycle through the C ABI: freeing a client while calls and streams are in flight (from
//! another thread and from inside callbacks), callbacks that block or call blocking functions,
//! callback aborts. Every async call gets exactly one COMPLETE, and the server sees its
//! connections closed (nothing keeps running after the client is gone).

mod common;

use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// A long question: at 8 characters per chunk and `slow_stream=100`, its stream lasts ~10 s.
fn long_question(i: usize) -> String {
    format!("lifecycle {i}: {}", "a long question that keeps its stream open ".repeat(2))
}

/// A raw client pointer the test frees itself.
fn raw_client(mock: &MockServer, extra: Value) -> *mut fastgpt_client {
    let client = Client::for_mock(mock, extra);
    let raw = client.0;
    std::mem::forget(client);
    raw
}

fn wait_until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn wait_streams_closed(mock: &MockServer) {
    wait_until(Duration::from_secs(5), "the server to see every stream closed", || mock.active_streams() == 0);
}

struct Raw(*mut fastgpt_client);
unsafe impl Send for Raw {}
unsafe impl Sync for Raw {}

#[test]
fn freeing_a_client_cancels_everything_in_flight_promptly() {
    let mock = mock();
    let client = raw_client(&mock, json!({"headers": {"x-mock-fault": "slow_stream=100"}}));
    let mut collectors = Vec::new();
    let mut kinds = Vec::new();
    // 50 unary calls (the escape hatch reading a slow streamed body) and 20 streams.
    let method = CString::new("POST").unwrap();
    let path = CString::new("/api/v1/chat/completions").unwrap();
    for i in 0..70 {
        let collector = Arc::new(Collector::default());
        let mut err = std::ptr::null_mut();
        let status = unsafe {
            if i < 50 {
                let mut req = chat_request(&long_question(i));
                req["stream"] = json!(true);
                let req = CString::new(req.to_string()).unwrap();
                fastgpt_request_async(
                    client,
                    method.as_ptr(),
                    path.as_ptr(),
                    req.as_ptr(),
                    std::ptr::null(),
                    Some(collect),
                    userdata(&collector),
                    &mut err,
                )
            } else {
                let req = CString::new(chat_request(&long_question(i)).to_string()).unwrap();
                fastgpt_stream_chat_completion_async(
                    client,
                    req.as_ptr(),
                    std::ptr::null(),
                    Some(collect),
                    userdata(&collector),
                    &mut err,
                )
            }
        };
        assert_eq!(status, FASTGPT_OK);
        collectors.push(collector);
        kinds.push(if i < 50 { "unary" } else { "stream" });
    }
    // Blocking calls on other threads, too.
    let shared = Arc::new(Raw(client));
    let blocking: Vec<_> = (0..4)
        .map(|i| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let req = CString::new(chat_request(&long_question(100 + i)).to_string()).unwrap();
                let mut resp = std::ptr::null_mut();
                let mut err = std::ptr::null_mut();
                let status = unsafe {
                    fastgpt_stream_chat_completion(
                        shared.0,
                        req.as_ptr(),
                        std::ptr::null(),
                        None,
                        std::ptr::null_mut(),
                        &mut resp,
                        &mut err,
                    )
                };
                assert!(resp.is_null());
                Failure::take(status, err)
            })
        })
        .collect();
    wait_until(Duration::from_secs(10), "74 requests streaming on the server", || mock.active_streams() == 74);
    wait_until(Duration::from_secs(10), "every async stream to deliver an event", || {
        collectors[50..].iter().all(|c| !c.events.lock().unwrap().is_empty())
    });

    let started = Instant::now();
    fastgpt_client_free(client);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(100), "fastgpt_client_free returned in {took:?}");

    for (i, (c, kind)) in collectors.iter().zip(&kinds).enumerate() {
        let events = c.wait_complete(Duration::from_secs(5));
        let last = events.last().unwrap();
        assert_eq!(last.status, FASTGPT_ERR_CANCELLED, "{kind} {i}: {:?}", last.error);
        assert!(last.error.as_ref().unwrap().message.contains("cancel"), "{kind} {i}: {:?}", last.error);
        if *kind == "stream" {
            assert!(events.len() > 1, "stream {i} was mid-stream");
        }
    }
    for t in blocking {
        let failure = t.join().unwrap();
        assert_eq!(failure.status, FASTGPT_ERR_CANCELLED, "a blocking call returns CANCELLED: {failure:?}");
    }
    wait_streams_closed(&mock);
}

/// Frees `client` from inside the callback: on the first event (`on_complete == false`) or on
/// COMPLETE.
struct FreeInCallback {
    collector: Collector,
    client: AtomicPtr<fastgpt_client>,
    on_complete: bool,
}

unsafe extern "C" fn free_in_callback(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    let me = &*(userdata as *const FreeInCallback);
    let rc = collect(&me.collector as *const Collector as *mut c_void, event);
    if me.on_complete == ((*event).kind == FASTGPT_EVENT_COMPLETE) {
        let client = me.client.swap(std::ptr::null_mut(), Ordering::SeqCst);
        if !client.is_null() {
            fastgpt_client_free(client);
        }
    }
    rc
}

fn free_in_callback_state(client: *mut fastgpt_client, on_complete: bool) -> *mut c_void {
    // Leaked on purpose: the library may (wrongly) call again after COMPLETE; it must not be freed.
    Box::into_raw(Box::new(FreeInCallback {
        collector: Collector::default(),
        client: AtomicPtr::new(client),
        on_complete,
    })) as *mut c_void
}

#[test]
fn freeing_the_client_from_inside_callbacks() {
    let mock = mock();

    // From an event callback of an async stream: the stream ends with CANCELLED.
    let client = raw_client(&mock, json!({"headers": {"x-mock-fault": "slow_stream=20"}}));
    let state = free_in_callback_state(client, false);
    let req = CString::new(chat_request(&long_question(1)).to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion_async(
            client,
            req.as_ptr(),
            std::ptr::null(),
            Some(free_in_callback),
            state,
            &mut err,
        )
    };
    assert_eq!(status, FASTGPT_OK);
    let me = unsafe { &*(state as *const FreeInCallback) };
    let events = me.collector.wait_complete(Duration::from_secs(10));
    assert!(me.client.load(Ordering::SeqCst).is_null(), "the callback freed the client");
    assert_eq!(events.last().unwrap().status, FASTGPT_ERR_CANCELLED, "{:?}", events.last().unwrap().error);
    wait_streams_closed(&mock);

    // From COMPLETE of an async unary call, and of an async stream: nothing else is delivered.
    for stream in [false, true] {
        let client = raw_client(&mock, json!({}));
        let state = free_in_callback_state(client, true);
        let mut err = std::ptr::null_mut();
        let status = unsafe {
            if stream {
                let req = CString::new(chat_request("free at complete").to_string()).unwrap();
                fastgpt_stream_chat_completion_async(
                    client,
                    req.as_ptr(),
                    std::ptr::null(),
                    Some(free_in_callback),
                    state,
                    &mut err,
                )
            } else {
                let req = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
                fastgpt_get_chat_histories_async(
                    client,
                    req.as_ptr(),
                    std::ptr::null(),
                    Some(free_in_callback),
                    state,
                    &mut err,
                )
            }
        };
        assert_eq!(status, FASTGPT_OK);
        let me = unsafe { &*(state as *const FreeInCallback) };
        let events = me.collector.wait_complete(Duration::from_secs(10));
        assert_eq!(events.last().unwrap().status, FASTGPT_OK, "stream={stream}");
        assert!(me.client.load(Ordering::SeqCst).is_null(), "the COMPLETE callback freed the client");
    }

    // From the callback of a blocking stream (on the caller's thread): the call returns CANCELLED.
    let client = raw_client(&mock, json!({"headers": {"x-mock-fault": "slow_stream=20"}}));
    let state = free_in_callback_state(client, false);
    let req = CString::new(chat_request(&long_question(2)).to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion(
            client,
            req.as_ptr(),
            std::ptr::null(),
            Some(free_in_callback),
            state,
            &mut resp,
            &mut err,
        )
    };
    assert_eq!(status, FASTGPT_ERR_CANCELLED, "{:?}", Failure::read(status, err));
    assert!(resp.is_null());
    fastgpt_error_free(err);
    wait_streams_closed(&mock);
}

/// Calls a blocking fastgpt function (on `client`) from inside every event callback.
struct BlockingInCallback {
    collector: Collector,
    client: *const fastgpt_client,
    nested: std::sync::Mutex<Vec<Result<Reply, Failure>>>,
}

unsafe extern "C" fn blocking_in_callback(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    let me = &*(userdata as *const BlockingInCallback);
    let req = CString::new(json!({"appId": APP_ID, "pageSize": 1}).to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status = fastgpt_get_chat_histories(me.client, req.as_ptr(), std::ptr::null(), &mut resp, &mut err);
    let result = if status == FASTGPT_OK {
        let r = Reply::read(resp);
        fastgpt_response_free(resp);
        Ok(r)
    } else {
        Err(Failure::take(status, err))
    };
    me.nested.lock().unwrap().push(result);
    collect(&me.collector as *const Collector as *mut c_void, event)
}

#[test]
fn callbacks_may_call_blocking_functions() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let other = Client::for_mock(&mock, json!({}));
    for (name, nested_client) in [("the same client", client.raw()), ("another client", other.raw())] {
        // Async stream: callbacks on a library thread.
        let state = Box::into_raw(Box::new(BlockingInCallback {
            collector: Collector::default(),
            client: nested_client,
            nested: Default::default(),
        }));
        let req = CString::new(chat_request("nested blocking calls").to_string()).unwrap();
        let mut err = std::ptr::null_mut();
        let status = unsafe {
            fastgpt_stream_chat_completion_async(
                client.raw(),
                req.as_ptr(),
                std::ptr::null(),
                Some(blocking_in_callback),
                state as *mut c_void,
                &mut err,
            )
        };
        assert_eq!(status, FASTGPT_OK);
        let me = unsafe { &*state };
        let events = me.collector.wait_complete(Duration::from_secs(20));
        assert_eq!(events.last().unwrap().status, FASTGPT_OK, "{name}: {:?}", events.last().unwrap().error);
        assert_eq!(text_of(&events), "Echo: nested blocking calls");
        let nested = me.nested.lock().unwrap();
        assert_eq!(nested.len(), events.len(), "{name}: one nested call per event");
        for r in nested.iter() {
            assert!(r.as_ref().is_ok_and(|r| r.http_status == 200), "{name}: nested call: {r:?}");
        }

        // 32 async unary calls at once whose COMPLETE callbacks all block in nested calls: the
        // library must not run out of threads to deliver them.
        let states: Vec<_> = (0..32)
            .map(|_| {
                let state = Box::into_raw(Box::new(BlockingInCallback {
                    collector: Collector::default(),
                    client: nested_client,
                    nested: Default::default(),
                }));
                let req = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
                let mut err = std::ptr::null_mut();
                let status = unsafe {
                    fastgpt_get_chat_histories_async(
                        client.raw(),
                        req.as_ptr(),
                        std::ptr::null(),
                        Some(blocking_in_callback),
                        state as *mut c_void,
                        &mut err,
                    )
                };
                assert_eq!(status, FASTGPT_OK);
                unsafe { &*state }
            })
            .collect();
        for s in states {
            let events = s.collector.wait_complete(Duration::from_secs(20));
            assert_eq!(events.last().unwrap().status, FASTGPT_OK);
            assert!(s.nested.lock().unwrap()[0].is_ok());
        }
    }

    // Blocking stream: the callback runs on this thread and may call blocking functions too.
    let state = Box::into_raw(Box::new(BlockingInCallback {
        collector: Collector::default(),
        client: other.raw(),
        nested: Default::default(),
    }));
    let req = CString::new(chat_request("nested in a blocking stream").to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(blocking_in_callback),
            state as *mut c_void,
            &mut resp,
            &mut err,
        )
    };
    assert_eq!(status, FASTGPT_OK);
    fastgpt_response_free(resp);
    let me = unsafe { &*state };
    let events = me.collector.events.lock().unwrap();
    assert_eq!(text_of(&events), "Echo: nested in a blocking stream");
    assert!(me.nested.lock().unwrap().iter().all(|r| r.is_ok()));
}

#[test]
fn a_callback_abort_ends_the_stream_and_closes_its_connection() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_stream=20"}}));
    // Async: COMPLETE with ABORTED_BY_CALLBACK right after the aborting event, nothing between.
    let collector = Arc::new(Collector { abort_after: Some(2), ..Default::default() });
    let req = CString::new(chat_request(&long_question(3)).to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion_async(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            &mut err,
        )
    };
    assert_eq!(status, FASTGPT_OK);
    let events = collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.len(), 3, "two events, then COMPLETE: {events:?}");
    assert_eq!(events[2].status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
    wait_streams_closed(&mock);

    // Blocking: returns ABORTED_BY_CALLBACK.
    let collector = Arc::new(Collector { abort_after: Some(1), ..Default::default() });
    let (events, out) = stream_with(&client, &chat_request(&long_question(4)), collector, std::ptr::null());
    assert_eq!(events.len(), 1);
    assert_eq!(out.unwrap_err().status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
    wait_streams_closed(&mock);
}

#[test]
fn cancelled_streams_close_their_connections() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_stream=50"}}));
    let cancel = fastgpt_cancel_new();
    let collectors: Vec<_> = (0..10)
        .map(|i| {
            let collector = Arc::new(Collector::default());
            let req = CString::new(chat_request(&long_question(10 + i)).to_string()).unwrap();
            let mut err = std::ptr::null_mut();
            let status = unsafe {
                fastgpt_stream_chat_completion_async(
                    client.raw(),
                    req.as_ptr(),
                    cancel,
                    Some(collect),
                    userdata(&collector),
                    &mut err,
                )
            };
            assert_eq!(status, FASTGPT_OK);
            collector
        })
        .collect();
    wait_until(Duration::from_secs(10), "10 streams open", || mock.active_streams() == 10);
    fastgpt_cancel_trigger(cancel);
    for c in &collectors {
        assert_eq!(c.wait_complete(Duration::from_secs(5)).last().unwrap().status, FASTGPT_ERR_CANCELLED);
    }
    wait_streams_closed(&mock);
    // The client still works after a cancel (with a fresh token).
    assert!(call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).is_ok());
    fastgpt_cancel_free(cancel);
}
