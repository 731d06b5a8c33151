//! The client against the server as FastGPT really behaves across versions (fastgpt-mock's
//! `x-mock-server`, `x-mock-errors` and `error=<fixture>` imitate them): errors classified by what
//! the server means, routes that moved, workflow-tool apps that force detail, the events of the
//! newest servers, v2 chat and stop.

mod common;

use std::ffi::CString;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use fastgpt_mock::PLUGIN_APP_ID;

fn client_with(mock: &MockServer, headers: Value) -> Client {
    Client::for_mock(mock, json!({"headers": headers, "max_retries": 0}))
}

fn histories(client: &Client) -> Result<Reply, Failure> {
    call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID}))
}

/// Each of FastGPT's literal error bodies (mock/fixtures/errors, copied from FastGPT's source),
/// from an unary call, a failed stream start, and with the newest servers' typed statuses.
#[test]
fn errors_are_classified_by_what_the_server_means() {
    let mock = mock();
    let cases: &[(&str, i32)] = &[
        ("unAuthApiKey", FASTGPT_ERR_AUTH),
        ("unAuthorization", FASTGPT_ERR_AUTH),
        ("openapiUnExist", FASTGPT_ERR_AUTH),
        ("openapiUnAuth", FASTGPT_ERR_AUTH),
        ("unAuthTeam", FASTGPT_ERR_AUTH),
        ("unAuthApp", FASTGPT_ERR_AUTH),
        ("unAuthChat", FASTGPT_ERR_AUTH),
        ("keyExpired", FASTGPT_ERR_AUTH),
        ("openapiExceedLimit", FASTGPT_ERR_QUOTA),
        ("insufficientQuota", FASTGPT_ERR_QUOTA),
        ("aiPointsNotEnough", FASTGPT_ERR_QUOTA),
        ("aiPointsNotEnough-old", FASTGPT_ERR_QUOTA),
        ("aiPointsNotEnough-dev", FASTGPT_ERR_QUOTA),
        ("zod", FASTGPT_ERR_INVALID_ARGUMENT),
        ("zod-typed", FASTGPT_ERR_INVALID_ARGUMENT),
        ("missingParams", FASTGPT_ERR_INVALID_ARGUMENT),
        ("chatIsGenerating", FASTGPT_ERR_BUSY),
        ("chatIsGenerating-typed", FASTGPT_ERR_BUSY),
        ("methodNotAllowed", FASTGPT_ERR_HTTP),
        ("tooManyRequest", FASTGPT_ERR_RATE_LIMITED),
        ("teamQpmLimit", FASTGPT_ERR_RATE_LIMITED),
        ("appUnExist", FASTGPT_ERR_API),
        ("unExistDataset", FASTGPT_ERR_API),
        ("commercialOnly", FASTGPT_ERR_API),
    ];
    for generation in ["legacy", "typed"] {
        for (fixture, status) in cases {
            let client =
                client_with(&mock, json!({"x-mock-fault": format!("error={fixture}"), "x-mock-errors": generation}));
            let f = histories(&client).unwrap_err();
            assert_eq!(f.status, *status, "{fixture} ({generation}): {f:?}");
            assert_ne!(f.http_status, 0, "{fixture}: the answer's HTTP status is kept");
            assert!(f.body.is_some(), "{fixture}: the server's body is kept");
            if generation == "typed" {
                assert!(f.http_status != 200, "{fixture}: typed errors come with a real status");
            }
        }
    }
    // The failing field is named; the method the server refused too.
    let client = client_with(&mock, json!({"x-mock-fault": "error=zod"}));
    let f = histories(&client).unwrap_err();
    assert!(f.message.contains("appId") && f.message.contains("chatId"), "{}", f.message);
    let client = client_with(&mock, json!({"x-mock-fault": "error=methodNotAllowed"}));
    let f = histories(&client).unwrap_err();
    assert!(f.message.contains("POST on /api/core/chat/getHistories"), "{}", f.message);
    assert_eq!(f.http_status, 405);
}

/// `chatIsGenerating`: a read is retried like a 429, a completion (it would run the app) is not.
#[test]
fn a_busy_chat_is_retried_only_for_idempotent_calls() {
    let mock = mock();
    let config = |id: &str| json!({"headers": {"x-mock-fault": "error=chatIsGenerating;times=1", "x-mock-id": id}, "max_retries": 2});
    let client = Client::for_mock(&mock, config("busy-read"));
    histories(&client).expect("retried after the busy answer");
    assert_eq!(mock.request_count("busy-read"), 2);

    let client = Client::for_mock(&mock, config("busy-chat"));
    let f = call(fastgpt_create_chat_completion, &client, &chat_request("hi")).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_BUSY);
    assert_eq!(mock.request_count("busy-chat"), 1, "a completion is never re-sent");
}

/// The real lock of the newest servers: a second completion on a chat that is still streaming.
#[test]
fn a_second_completion_on_a_generating_chat_is_busy() {
    let mock = mock();
    let slow = client_with(&mock, json!({"x-mock-server": "new", "x-mock-fault": "slow_stream=100"}));
    let collector = Arc::new(Collector::default());
    let request =
        json!({"appId": APP_ID, "chatId": "locked", "messages": [{"role": "user", "content": "a long answer"}]});
    start_stream_async(&slow, &request, &collector);
    std::thread::sleep(Duration::from_millis(150));
    let client = client_with(&mock, json!({"x-mock-server": "new"}));
    let f = call(fastgpt_create_chat_completion, &client, &request).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_BUSY, "{f:?}");
    let (_, out) = stream(&client, &request);
    assert_eq!(out.unwrap_err().status, FASTGPT_ERR_BUSY, "the stream's early error frame too");
    let typed = client_with(&mock, json!({"x-mock-server": "new", "x-mock-errors": "typed"}));
    let f = call(fastgpt_create_chat_completion, &typed, &request).unwrap_err();
    assert_eq!((f.status, f.http_status), (FASTGPT_ERR_BUSY, 409));
    outcome(&collector.wait_complete(Duration::from_secs(30))).expect("the first stream completes");
}

fn delete_record(client: &Client, chat_id: &str, content: Value) -> Result<Reply, Failure> {
    let mut req = json!({"appId": APP_ID, "chatId": chat_id});
    for (k, v) in content.as_object().unwrap() {
        req[k] = v.clone();
    }
    call(fastgpt_delete_chat_record, client, &req)
}

fn records(client: &Client, chat_id: &str) -> Vec<String> {
    let list = call(fastgpt_get_chat_records, client, &json!({"appId": APP_ID, "chatId": chat_id})).unwrap().json();
    list["list"].as_array().unwrap().iter().map(|r| r["dataId"].as_str().unwrap().to_owned()).collect()
}

/// Deleting a record: `record/delete` first; an older server without it gets `item/delete`, and the
/// client remembers that; a server without `item/delete` is served by `record/delete` directly.
#[test]
fn moved_routes_fall_back_and_the_client_remembers() {
    let mock = mock();
    for generation in ["old", "current", "new"] {
        let id = format!("route-{generation}");
        let client = client_with(&mock, json!({"x-mock-server": generation, "x-mock-id": id}));
        for n in 0..3 {
            let req = json!({"appId": APP_ID, "chatId": id, "responseChatItemId": format!("a{n}"),
                             "messages": [{"role": "user", "content": format!("q{n}")}]});
            call(fastgpt_create_chat_completion, &client, &req).unwrap();
        }
        let before = mock.request_count(&id);
        delete_record(&client, &id, json!({"contentId": "a0"})).unwrap_or_else(|f| panic!("{generation}: {f:?}"));
        let first = mock.request_count(&id) - before;
        // Servers before record/delete know only one `contentId` per call.
        let second_req = if generation == "old" { json!({"contentId": "a1"}) } else { json!({"contentIds": ["a1"]}) };
        delete_record(&client, &id, second_req).unwrap_or_else(|f| panic!("{generation}: {f:?}"));
        let second = mock.request_count(&id) - before - first;
        match generation {
            "old" => assert_eq!((first, second), (2, 1), "old: 404 then item/delete, then item/delete at once"),
            _ => assert_eq!((first, second), (1, 1), "{generation}: record/delete is there"),
        }
        let left = records(&client, &id);
        assert!(!left.contains(&"a0".to_string()) && !left.contains(&"a1".to_string()), "{generation}: {left:?}");
        assert!(left.contains(&"a2".to_string()), "{generation}: {left:?}");
        // Renaming works on every generation.
        call(fastgpt_update_chat_history, &client, &json!({"appId": APP_ID, "chatId": id, "customTitle": "T"}))
            .unwrap_or_else(|f| panic!("{generation}: {f:?}"));
    }
    // A FastGPT answer (not a missing route) is not a reason to fall back.
    let client = client_with(&mock, json!({"x-mock-server": "old", "x-mock-fault": "error=unAuthChat"}));
    assert_eq!(delete_record(&client, "x", json!({"contentId": "y"})).unwrap_err().status, FASTGPT_ERR_AUTH);
}

/// A workflow-tool (plugin) app forces detail on the server: the client reads past `[DONE]` for
/// `flowResponses` (with `pluginOutput`) although the request said `detail: false`.
#[test]
fn plugin_apps_force_detail_and_keep_their_flow_responses() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let request = json!({"appId": PLUGIN_APP_ID, "detail": false, "variables": {"q": "x"}, "messages": []});
    for (events, out) in [stream(&client, &request), stream_async(&client, &request)] {
        let kinds: Vec<u32> = events.iter().map(|e| e.kind).collect();
        let done = kinds.iter().position(|k| *k == FASTGPT_EVENT_DONE).expect("[DONE]");
        assert_eq!(kinds[done + 1], FASTGPT_EVENT_FLOW_RESPONSES, "{kinds:?}");
        let body = out.unwrap().json();
        let nodes = body["responseData"].as_array().expect("responseData");
        assert!(nodes.iter().any(|n| n.get("pluginOutput").is_some()), "{body}");
    }
}

/// chatTitle, plan, planStatus, sandboxStatus and skillCall have kinds; the title is accumulated.
#[test]
fn the_newest_events_have_kinds_and_the_title_is_kept() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let request = json!({"chatId": "ev", "detail": true,
                         "messages": [{"role": "user", "content": "title plan sandbox skill"}]});
    let (events, out) = stream(&client, &request);
    let has = |k| events.iter().any(|e| e.kind == k);
    for (kind, name) in [
        (FASTGPT_EVENT_CHAT_TITLE, "chatTitle"),
        (FASTGPT_EVENT_PLAN, "plan"),
        (FASTGPT_EVENT_PLAN_STATUS, "planStatus"),
        (FASTGPT_EVENT_SANDBOX_STATUS, "sandboxStatus"),
        (FASTGPT_EVENT_SKILL_CALL, "skillCall"),
    ] {
        assert!(has(kind), "{name} arrives as its own kind");
        let e = events.iter().find(|e| e.kind == kind).unwrap();
        assert_eq!(e.name, name);
        serde_json::from_slice::<Value>(&e.data).expect("raw JSON payload");
    }
    assert!(!has(FASTGPT_EVENT_UNKNOWN));
    let body = out.unwrap().json();
    assert_eq!(body["title"], "title plan sandbox s", "first 20 characters, as the mock titles");

    // Without detail, chatTitle is still named and kept; the stream still ends at [DONE].
    let request = json!({"chatId": "ev2", "messages": [{"role": "user", "content": "title please"}]});
    let (events, out) = stream(&client, &request);
    assert!(events.iter().any(|e| e.kind == FASTGPT_EVENT_CHAT_TITLE));
    assert_eq!(out.unwrap().json()["title"], "title please");
}

/// Non-stream answers keep the server's top-level `error` (a node failed, HTTP 200) and `title`.
#[test]
fn non_stream_answers_keep_error_and_title() {
    let mock = mock();
    let client = client_with(&mock, json!({"x-mock-server": "new"}));
    let req = json!({"chatId": "ne", "messages": [{"role": "user", "content": "node error"}]});
    let reply = call(fastgpt_create_chat_completion, &client, &req).expect("HTTP 200 is a success");
    let body = reply.json();
    assert!(body.get("error").is_some_and(|e| !e.is_null()), "{body}");
    assert!(body["title"].is_string(), "{body}");
    assert!(body["choices"][0]["message"]["content"].is_string());
}

fn v2_stream(client: &Client, request: &Value) -> (Vec<Event>, Result<Reply, Failure>) {
    stream_via(fastgpt_stream_chat_completion_v2, client, request, Arc::new(Collector::default()), std::ptr::null())
}

/// v2: one `flowNodeResponse` per node in detail mode, nothing after `[DONE]`, the v1 shape.
#[test]
fn v2_chat_blocking_async_and_streamed() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"chatId": "v2", "messages": [{"role": "user", "content": "hello v2"}]});
    let blocking = call(fastgpt_create_chat_completion_v2, &client, &req).unwrap().json();
    assert_eq!(blocking["choices"][0]["message"]["content"], "Echo: hello v2");
    let (_, asynced) = call_async(fastgpt_create_chat_completion_v2_async, &client, &req);
    assert_eq!(asynced.unwrap().json()["choices"][0]["message"]["content"], "Echo: hello v2");

    let req = json!({"chatId": "v2s", "detail": true,
                     "messages": [{"role": "user", "content": "reason about v2"}]});
    let (events, out) = v2_stream(&client, &req);
    let kinds: Vec<u32> = events.iter().map(|e| e.kind).collect();
    assert_eq!(*kinds.last().unwrap(), FASTGPT_EVENT_DONE, "nothing after [DONE]: {kinds:?}");
    let nodes = kinds.iter().filter(|k| **k == FASTGPT_EVENT_FLOW_NODE_RESPONSE).count();
    assert!(nodes >= 2, "a flowNodeResponse per node: {kinds:?}");
    let body = out.unwrap().json();
    assert_eq!(body["responseData"].as_array().unwrap().len(), nodes, "responseData = the node responses");
    assert_eq!(body["choices"][0]["message"]["content"], "Echo: reason about v2");
    assert!(body["choices"][0]["message"]["reasoning_content"].as_str().unwrap().starts_with("Thinking"));
    assert_eq!(body["id"], "v2s");
}

/// `fastgpt_stop_chat` ends a running v2 stream early; the stream still completes cleanly.
#[test]
fn stop_ends_a_running_v2_stream() {
    let mock = mock();
    let slow = client_with(&mock, json!({"x-mock-fault": "slow_stream=200"}));
    let request = CString::new(
        json!({"appId": APP_ID, "chatId": "to-stop",
               "messages": [{"role": "user", "content": "a question with a long echo to stream slowly"}]})
        .to_string(),
    )
    .unwrap();
    let collector = Arc::new(Collector::default());
    let mut err = std::ptr::null_mut();
    let st = unsafe {
        fastgpt_stream_chat_completion_v2_async(
            slow.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            &mut err,
        )
    };
    assert_eq!(st, FASTGPT_OK);
    std::thread::sleep(Duration::from_millis(500));
    let client = Client::for_mock(&mock, json!({}));
    let started = Instant::now();
    let stop = call(fastgpt_stop_chat, &client, &json!({"appId": APP_ID, "chatId": "to-stop"})).unwrap();
    assert_eq!(stop.json(), json!({"success": true}));
    assert!(started.elapsed() < Duration::from_secs(6), "the server waits at most 5 s");
    let events = collector.wait_complete(Duration::from_secs(10));
    let reply = outcome(&events).expect("a stopped stream completes");
    let text = reply.json()["choices"][0]["message"]["content"].as_str().unwrap().to_owned();
    assert!(text.len() < "Echo: a question with a long echo to stream slowly".len(), "cut short: {text}");
    let (_, asynced) = call_async(fastgpt_stop_chat_async, &client, &json!({"appId": APP_ID, "chatId": "idle"}));
    assert_eq!(asynced.unwrap().json()["success"], true);
}

/// The app log chart: the timespans the server's schema requires are checked before any I/O,
/// and `offset` is sent as 1 when left out (older servers require it).
#[test]
fn app_log_chart_sends_what_the_schema_requires() {
    let mock = mock();
    let client = client_with(&mock, json!({"x-mock-server": "old"}));
    let mut req = json!({"appId": APP_ID, "dateStart": "2024-01-01T00:00:00.000Z",
                         "dateEnd": "2024-02-01T00:00:00.000Z", "userTimespan": "day",
                         "chatTimespan": "week", "appTimespan": "month"});
    call(fastgpt_get_app_logs_chart, &client, &req).expect("offset defaulted for the old schema");
    req["appTimespan"] = json!("year");
    let f = call(fastgpt_get_app_logs_chart, &client, &req).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_INVALID_ARGUMENT);
    assert!(f.message.contains("appTimespan") && f.http_status == 0, "checked before I/O: {f:?}");
}
