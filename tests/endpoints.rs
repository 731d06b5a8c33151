//! Every endpoint of the table, blocking and async, through the C ABI against fastgpt-mock:
//! the request reaches the right route with its parameters, and the result is the envelope's data.

mod common;
use common::*;

/// Runs `f`/`f_async` with `request` and checks both give the same data.
fn both(f: Blocking, f_async: Async, client: &Client, request: Value) -> Value {
    let blocking = call(f, client, &request).unwrap_or_else(|e| panic!("blocking {request}: {e:?}"));
    let (_, asynced) = call_async(f_async, client, &request);
    let asynced = asynced.unwrap_or_else(|e| panic!("async {request}: {e:?}"));
    assert_eq!(blocking.http_status, 200);
    assert_eq!(asynced.http_status, 200);
    blocking.json()
}

fn chat(client: &Client, chat_id: &str, question: &str, data_id: &str) -> Value {
    let req = json!({"chatId": chat_id, "appId": APP_ID, "responseChatItemId": data_id,
                     "messages": [{"role": "user", "content": question}]});
    call(fastgpt_create_chat_completion, client, &req).expect("chat").json()
}

#[test]
fn chat_completion_blocking_and_async() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"chatId": "c1", "messages": [{"role": "user", "content": "hello there"}]});
    let body = both(fastgpt_create_chat_completion, fastgpt_create_chat_completion_async, &client, req);
    assert_eq!(body["choices"][0]["message"]["content"], "Echo: hello there");
    assert_eq!(body["id"], "c1");
    assert!(body.get("responseData").is_none(), "no detail: no responseData");

    let detail = json!({"chatId": "c2", "detail": true, "variables": {"name": "Ada"},
                        "messages": [{"role": "user", "content": "variables please"}]});
    let body = call(fastgpt_create_chat_completion, &client, &detail).unwrap().json();
    assert!(body["responseData"].is_array());
    assert_eq!(body["newVariables"]["name"], "Ada");
}

#[test]
fn multimodal_message_and_stream_flag_forced_off() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let req = json!({"stream": true, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "describe"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]});
    let reply = call(fastgpt_create_chat_completion, &client, &req).unwrap();
    assert!(reply.content_type.clone().unwrap().contains("json"), "stream=true was overridden");
    assert!(reply.json()["choices"][0]["message"]["content"].as_str().unwrap().contains("describe"));
}

#[test]
fn histories_init_records_detail_feedback_update_delete() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    chat(&client, "chat-a", "first question", "answer-a1");
    chat(&client, "chat-b", "second question", "answer-b1");

    let list = both(fastgpt_get_chat_histories, fastgpt_get_chat_histories_async, &client, json!({"appId": APP_ID}));
    assert_eq!(list["total"], 2);
    let ids: Vec<_> =
        list["list"].as_array().unwrap().iter().map(|c| c["chatId"].as_str().unwrap().to_owned()).collect();
    assert!(ids.contains(&"chat-a".to_string()) && ids.contains(&"chat-b".to_string()));

    let init =
        both(fastgpt_get_chat_init, fastgpt_get_chat_init_async, &client, json!({"appId": APP_ID, "chatId": "chat-a"}));
    assert_eq!(init["chatId"], "chat-a");
    assert_eq!(init["title"], "first question");

    let records = both(
        fastgpt_get_chat_records,
        fastgpt_get_chat_records_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a", "offset": 0, "pageSize": 10}),
    );
    assert_eq!(records["total"], 2);
    assert_eq!(records["list"][1]["obj"], "AI");
    assert_eq!(records["list"][1]["dataId"], "answer-a1");

    let detail = both(
        fastgpt_get_record_detail,
        fastgpt_get_record_detail_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a", "dataId": "answer-a1"}),
    );
    assert!(detail.as_array().is_some_and(|a| !a.is_empty()), "node responses: {detail}");

    let fb = both(
        fastgpt_send_feedback,
        fastgpt_send_feedback_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a", "dataId": "answer-a1", "userGoodFeedback": "great"}),
    );
    assert_eq!(fb, json!({}));
    let records =
        call(fastgpt_get_chat_records, &client, &json!({"appId": APP_ID, "chatId": "chat-a"})).unwrap().json();
    assert_eq!(records["list"][1]["userGoodFeedback"], "great");

    let upd = both(
        fastgpt_update_chat_history,
        fastgpt_update_chat_history_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a", "customTitle": "Renamed", "top": true}),
    );
    assert_eq!(upd, Value::Null, "data null is the text null");
    let list = call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap().json();
    assert_eq!(list["list"][0]["chatId"], "chat-a", "pinned first");
    assert_eq!(list["list"][0]["customTitle"], "Renamed");

    let q = both(
        fastgpt_get_suggested_questions,
        fastgpt_get_suggested_questions_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a"}),
    );
    assert_eq!(q.as_array().unwrap().len(), 3);

    both(
        fastgpt_delete_chat_record,
        fastgpt_delete_chat_record_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a", "contentId": "answer-a1"}),
    );
    let records =
        call(fastgpt_get_chat_records, &client, &json!({"appId": APP_ID, "chatId": "chat-a"})).unwrap().json();
    assert_eq!(records["total"], 1, "the AI item is gone: {records}");

    both(
        fastgpt_delete_chat_history,
        fastgpt_delete_chat_history_async,
        &client,
        json!({"appId": APP_ID, "chatId": "chat-a"}),
    );
    let list = call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap().json();
    assert_eq!(list["total"], 1);

    both(fastgpt_clear_chat_histories, fastgpt_clear_chat_histories_async, &client, json!({"appId": APP_ID}));
    let list = call(fastgpt_get_chat_histories, &client, &json!({"appId": APP_ID})).unwrap().json();
    assert_eq!(list["total"], 0);
}

#[test]
fn app_logs_chart_and_total() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    chat(&client, "log-1", "log me", "log-answer");
    let total = both(fastgpt_get_app_logs_total, fastgpt_get_app_logs_total_async, &client, json!({"appId": APP_ID}));
    assert!(total["totalChats"].as_u64().unwrap() >= 1, "{total}");
    let chart = both(
        fastgpt_get_app_logs_chart,
        fastgpt_get_app_logs_chart_async,
        &client,
        json!({"appId": APP_ID, "dateStart": "2000-01-01T00:00:00.000Z", "dateEnd": "2100-01-01T00:00:00.000Z",
                            "offset": 1, "userTimespan": "day", "chatTimespan": "day", "appTimespan": "day"}),
    );
    assert!(chart["chatData"].is_array() && chart["userData"].is_array() && chart["appData"].is_array(), "{chart}");
}

#[test]
fn escape_hatch_reaches_any_path() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    chat(&client, "raw-1", "raw question", "raw-answer");
    let request = |method: &std::ffi::CStr, path: &std::ffi::CStr, json: Option<&str>| {
        let json = json.map(|j| std::ffi::CString::new(j).unwrap());
        let mut resp = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let st = unsafe {
            fastgpt_request(
                client.raw(),
                method.as_ptr(),
                path.as_ptr(),
                json.as_ref().map_or(std::ptr::null(), |j| j.as_ptr()),
                std::ptr::null(),
                &mut resp,
                &mut err,
            )
        };
        if st == FASTGPT_OK {
            let r = Reply::read(resp);
            fastgpt_response_free(resp);
            Ok(r)
        } else {
            Err(Failure::take(st, err))
        }
    };
    // GET sends the fields as query parameters (the history path alias).
    let init = request(c"GET", c"/api/core/chat/init", Some(&json!({"appId": APP_ID, "chatId": "raw-1"}).to_string()))
        .unwrap();
    assert_eq!(init.json()["chatId"], "raw-1");
    let list =
        request(c"POST", c"/api/core/chat/history/getHistories", Some(&json!({"appId": APP_ID}).to_string())).unwrap();
    assert_eq!(list.json()["total"], 1);
    let bad = request(c"PATCH", c"/api/x", None).unwrap_err();
    assert_eq!(bad.status, FASTGPT_ERR_INVALID_ARGUMENT);
    let missing = request(c"GET", c"/api/does/not/exist", None).unwrap_err();
    assert_eq!((missing.status, missing.http_status), (FASTGPT_ERR_HTTP, 404));
    assert!(missing.message.contains("base_url"), "{}", missing.message);

    // async twin
    let collector = std::sync::Arc::new(Collector::default());
    let st = unsafe {
        fastgpt_request_async(
            client.raw(),
            c"POST".as_ptr(),
            c"/api/core/chat/getHistories".as_ptr(),
            c"{\"appId\":\"66e29b870b24ce35330c0f08\"}".as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    let events = collector.wait_complete(std::time::Duration::from_secs(10));
    assert_eq!(outcome(&events).unwrap().json()["total"], 1);
}

#[test]
fn required_fields_are_checked_before_io_for_every_endpoint() {
    // A client pointed at a closed port: any I/O would fail with CONNECT, not INVALID_ARGUMENT.
    let client = Client::new(r#"{"base_url": "http://127.0.0.1:9", "max_retries": 0}"#).unwrap();
    for endpoint in fastgpt::endpoints::ALL.iter().filter(|e| e.shape == fastgpt::endpoints::Shape::Unary) {
        let f = fastgpt::ffi::endpoint_registry::UNARY
            .iter()
            .find(|(n, ..)| *n == endpoint.name)
            .unwrap_or_else(|| panic!("{} has a C function", endpoint.name))
            .1;
        if endpoint.required.is_empty() {
            continue;
        }
        let err = call(f, &client, &json!({})).unwrap_err();
        assert_eq!(err.status, FASTGPT_ERR_INVALID_ARGUMENT, "{}", endpoint.name);
        assert!(err.message.contains(endpoint.required[0].name()), "{}: {}", endpoint.name, err.message);
        let err = call_with(f, &client, "[]", std::ptr::null()).unwrap_err();
        assert_eq!(err.status, FASTGPT_ERR_INVALID_JSON, "{}", endpoint.name);
        let err = call_with(f, &client, "{", std::ptr::null()).unwrap_err();
        assert_eq!(err.status, FASTGPT_ERR_INVALID_JSON, "{}", endpoint.name);
    }
}
