//! Streaming through the C ABI: events in order with text ready to print, the accumulated answer
//! in the non-stream shape, detail mode read past [DONE], blocking and async delivery.

mod common;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn plain_stream_prints_text_and_accumulates() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    for (events, result) in
        [stream(&client, &chat_request("stream me please")), stream_async(&client, &chat_request("stream me please"))]
    {
        let reply = result.expect("stream ok");
        assert_eq!(text_of(&events), "Echo: stream me please");
        assert!(events.iter().filter(|e| e.text.is_some()).count() > 1, "several deltas");
        assert!(
            events.iter().all(|e| e.name.is_empty() || e.kind == FASTGPT_EVENT_COMPLETE),
            "no event names without detail"
        );
        let done = events.iter().filter(|e| e.kind == FASTGPT_EVENT_DONE).count();
        assert_eq!(done, 1);
        let body = reply.json();
        assert_eq!(body["choices"][0]["message"]["content"], "Echo: stream me please");
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
    }
}

#[test]
fn detail_stream_has_named_events_and_flow_responses_after_done() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"chatId": "d1", "detail": true, "variables": {"uid": "u1"},
                     "messages": [{"role": "user", "content": "reason with tool and variables"}]});
    let (events, result) = stream(&client, &req);
    let reply = result.expect("ok");
    let kinds: Vec<u32> = events.iter().map(|e| e.kind).collect();
    let pos = |k| kinds.iter().position(|x| *x == k).unwrap_or_else(|| panic!("kind {k} in {kinds:?}"));
    assert!(pos(FASTGPT_EVENT_FLOW_NODE_STATUS) < pos(FASTGPT_EVENT_ANSWER));
    assert!(pos(FASTGPT_EVENT_TOOL_CALL) < pos(FASTGPT_EVENT_TOOL_RESPONSE));
    pos(FASTGPT_EVENT_TOOL_PARAMS);
    pos(FASTGPT_EVENT_UPDATE_VARIABLES);
    assert!(pos(FASTGPT_EVENT_WORKFLOW_DURATION) < pos(FASTGPT_EVENT_DONE));
    assert!(pos(FASTGPT_EVENT_DONE) < pos(FASTGPT_EVENT_FLOW_RESPONSES), "flowResponses after [DONE]");
    let done = &events[pos(FASTGPT_EVENT_DONE)];
    assert_eq!((done.name.as_str(), done.data_str().as_str()), ("answer", "[DONE]"));
    let reasoning: String = events.iter().filter_map(|e| e.reasoning.clone()).collect();
    assert!(reasoning.starts_with("Thinking about:"), "{reasoning}");

    let body = reply.json();
    assert!(body["responseData"].as_array().is_some_and(|a| !a.is_empty()), "responseData from flowResponses");
    assert_eq!(body["newVariables"]["uid"], "u1");
    assert_eq!(body["choices"][0]["message"]["reasoning_content"], reasoning);
    assert_eq!(body["id"], "d1");
}

#[test]
fn interactive_pause_is_kept_in_the_result() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"chatId": "i1", "detail": true, "messages": [{"role": "user", "content": "interactive choice"}]});
    let (events, result) = stream_async(&client, &req);
    assert!(events.iter().any(|e| e.kind == FASTGPT_EVENT_INTERACTIVE));
    assert_eq!(result.unwrap().json()["interactive"]["type"], "userSelect");
}

#[test]
fn the_stream_is_stored_like_a_blocking_chat() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"chatId": "s1", "appId": APP_ID, "responseChatItemId": "s1-a", "messages": [{"role": "user", "content": "keep me"}]});
    stream(&client, &req).1.unwrap();
    let records = call(fastgpt_get_chat_records, &client, &json!({"appId": APP_ID, "chatId": "s1"})).unwrap().json();
    assert_eq!(records["list"][1]["dataId"], "s1-a");
}

#[test]
fn callback_abort_ends_with_aborted_status() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-stream-events": "1000"}}));
    let collector = Arc::new(Collector { abort_after: Some(3), ..Default::default() });
    let (events, result) = stream_with(&client, &chat_request("abort"), collector, std::ptr::null());
    assert_eq!(result.unwrap_err().status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
    assert_eq!(events.len(), 3, "nothing delivered after the abort");

    let collector = Arc::new(Collector { abort_after: Some(2), ..Default::default() });
    start_stream_async(&client, &chat_request("x"), &collector);
    let events = collector.wait_complete(Duration::from_secs(10));
    assert_eq!(events.len(), 3, "two events, then COMPLETE");
    assert_eq!(events[2].status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
}

#[test]
fn cancel_from_another_thread_mid_stream() {
    let mock = mock();
    // About 1.4 s of stream (7 chunks, 200 ms apart), cancelled after 300 ms.
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_stream=200"}}));
    let cancel = fastgpt_cancel_new() as usize;
    let trigger = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        fastgpt_cancel_trigger(cancel as *const fastgpt_cancel);
    });
    let start = Instant::now();
    let (events, result) = stream_with(
        &client,
        &chat_request("a long enough question to take a while"),
        Arc::new(Collector::default()),
        cancel as *const _,
    );
    trigger.join().unwrap();
    assert_eq!(result.unwrap_err().status, FASTGPT_ERR_CANCELLED);
    assert!(!events.is_empty(), "some text arrived before the cancel");
    assert!(start.elapsed() < Duration::from_millis(900), "cancel ended the stream early: {:?}", start.elapsed());
    assert!(fastgpt_cancel_is_triggered(cancel as *const _));
    fastgpt_cancel_free(cancel as *mut _);
}

#[test]
fn slow_callback_only_slows_its_own_stream() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"headers": {"x-mock-stream-events": "200"}}));
    let slow = Arc::new(Collector { delay_per_event: Some(Duration::from_millis(5)), ..Default::default() });
    start_stream_async(&client, &chat_request("x"), &slow);
    // Meanwhile a fast unary call on the same client is not held up.
    let start = Instant::now();
    call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap();
    assert!(start.elapsed() < Duration::from_millis(500), "{:?}", start.elapsed());
    let events = slow.wait_complete(Duration::from_secs(30));
    assert_eq!(events.iter().filter(|e| e.text.is_some()).count(), 200);
    assert_eq!(events.last().unwrap().status, FASTGPT_OK);
}

#[test]
fn a_blocked_callback_does_not_hold_up_other_operations() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let request = c"{\"appId\":\"66e29b870b24ce35330c0f08\"}";
    // Operation A's COMPLETE callback blocks for 1.5 s on a callback thread...
    let blocked = Arc::new(Collector { delay_per_event: Some(Duration::from_millis(1500)), ..Default::default() });
    let st = unsafe {
        fastgpt_get_chat_histories_async(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&blocked),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    std::thread::sleep(Duration::from_millis(200));
    // ...while B, C and D still get theirs promptly on other threads.
    let start = Instant::now();
    for _ in 0..3 {
        let (events, result) = call_async(fastgpt_get_chat_histories_async, &client, &json!({"appId": APP_ID}));
        result.unwrap();
        assert_ne!(events[0].thread, std::thread::current().id());
    }
    assert!(start.elapsed() < Duration::from_millis(700), "{:?}", start.elapsed());
    blocked.wait_complete(Duration::from_secs(5));
}
