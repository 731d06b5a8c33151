//! End-to-end checks of the mock over real sockets, with a tiny HTTP/1.1 client.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use fastgpt_mock::{spawn, MockConfig, APP_ID};
use serde_json::{json, Value};

#[test]
fn auth_errors_and_envelopes() {
    let m = mock();
    assert!(m.base_url().starts_with("http://127.0.0.1:"));
    let body = json!({"appId": APP_ID});
    let r = call(&m, "POST", "/api/core/chat/getHistories", &[], body.clone());
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json(),
        json!({"code": 403, "statusText": "unAuthorization",
        "message": "common:code_error.error_message.403", "data": null})
    );
    let r = call(&m, "POST", "/api/core/chat/getHistories", &[("Authorization", "Bearer fastgpt-nope")], body.clone());
    assert_eq!((r.status, r.json()["code"].clone()), (500, json!(514)));
    assert_eq!(r.json()["statusText"], "unAuthApiKey");
    let r = post(&m, "/api/core/chat/getHistories", body);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"code": 200, "statusText": "", "message": "",
        "data": {"list": [], "total": 0}})
    );
    // Zod validation error on init, and Next.js's HTML 404.
    let r = call(&m, "GET", "/api/core/chat/init?appId=nothex", &[("Authorization", KEY)], Value::Null);
    assert_eq!((r.status, r.json()["code"].clone()), (500, json!(400)));
    assert_eq!(r.json()["zodError"].as_array().map(Vec::len), Some(2));
    let r = post(&m, "/api/nope", json!({}));
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    // Stream early errors are HTTP 200 frames without the event-stream type; non-stream are 500.
    let chat = json!({"stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let r = call(&m, "POST", "/api/v1/chat/completions", &[("Authorization", "Bearer fastgpt-nope")], chat);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_none());
    assert!(r.text().starts_with("event: error\ndata: {\"code\":514,"), "{}", r.text());
    let r = post(&m, "/api/v1/chat/completions", json!({"messages": []}));
    assert_eq!((r.status, r.json()["message"].clone()), (500, json!("messages is empty")));
    let r = post(&m, "/api/v1/chat/completions", json!({"messages": "hi", "stream": true}));
    assert_eq!(r.text(), "event: error\ndata: {\"message\":\"messages is not array\"}\n\n");
}

#[test]
fn non_stream_completion() {
    let m = mock();
    let r = post(&m, "/api/v1/chat/completions", json!({"messages": [{"role": "user", "content": "hello there"}]}));
    assert_eq!(r.status, 200);
    assert!(r.text().starts_with(r#"{"id":"","model":"","usage":{"prompt_tokens":1"#), "{}", r.text());
    let v = r.json();
    assert_eq!(v["choices"][0]["message"], json!({"role": "assistant", "content": "Echo: hello there"}));
    assert_eq!(v["choices"][0]["finish_reason"], "stop");

    let r = post(
        &m,
        "/api/v1/chat/completions",
        json!({"chatId": "c1", "detail": true,
        "variables": {"name": "x"}, "messages": [{"role": "user", "content": "reason about node error"}]}),
    );
    assert!(r.text().starts_with(r#"{"responseData":["#), "{}", r.text());
    let v = r.json();
    assert_eq!(v["id"], "c1");
    assert_eq!(v["newVariables"], json!({"name": "x"}));
    assert_eq!(v["error"], "mock node failure");
    assert_eq!(v["responseData"][1]["moduleType"], "chatNode");
    // Two value items with detail: content is the raw array.
    let content = &v["choices"][0]["message"]["content"];
    assert_eq!(content[0]["reasoning"]["content"], "Thinking about: reason about node error");
    assert_eq!(content[1]["text"]["content"], "Echo: reason about node error");

    let r = post(&m, "/api/v1/chat/completions", json!({"messages": [{"role": "user", "content": "reason"}]}));
    assert_eq!(r.json()["choices"][0]["message"]["reasoning_content"], "Thinking about: reason");
}

#[test]
fn sse_transcript_detail() {
    let m = mock();
    let body = json!({"chatId": "s1", "stream": true, "detail": true,
        "messages": [{"role": "user", "content": "hello world, tool"}]});
    let r = post(&m, "/api/v1/chat/completions", body.clone());
    assert_eq!(r.header("content-type"), Some("text/event-stream;charset=utf-8"));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    let f = frames(&r.text());
    let names: Vec<&str> = f.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(&names[..5], ["flowNodeStatus", "toolCall", "toolParams", "toolParams", "toolResponse"]);
    assert!(names.iter().all(|n| !n.is_empty()), "detail names every frame");
    let n = names.len();
    assert_eq!(&names[n - 4..], ["workflowDuration", "answer", "answer", "flowResponses"]);
    assert_eq!(f[n - 2].1, "[DONE]");
    let stop: Value = serde_json::from_str(&f[n - 3].1).unwrap();
    assert_eq!(stop["choices"][0]["delta"]["content"], Value::Null);
    assert_eq!(stop["choices"][0]["finish_reason"], "stop");
    let answer: String = f[5..n - 4]
        .iter()
        .map(|(_, d)| {
            serde_json::from_str::<Value>(d).unwrap()["choices"][0]["delta"]["content"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(answer, "Echo: hello world, tool");
    assert_eq!(f[5].1.matches("Echo: he").count(), 1, "8-char chunks");
    let responses: Value = serde_json::from_str(&f[n - 1].1).unwrap();
    assert_eq!(responses[0]["moduleType"], "workflowStart");

    // detail=false: no event lines, [DONE] last.
    let mut plain = body;
    plain["detail"] = json!(false);
    let f = frames(&post(&m, "/api/v1/chat/completions", plain).text());
    assert!(f.iter().all(|(e, _)| e.is_empty()));
    assert_eq!(f.last().unwrap().1, "[DONE]");

    // v2: flowNodeResponse per node, [DONE] last.
    let v2 = json!({"stream": true, "detail": true, "messages": [{"role": "user", "content": "hi"}]});
    let f = frames(&post(&m, "/api/v2/chat/completions", v2).text());
    assert_eq!(f.iter().filter(|(e, _)| e == "flowNodeResponse").count(), 2);
    assert_eq!(f.last().unwrap().1, "[DONE]");
}

#[test]
fn history_and_records_round_trip() {
    let m = mock();
    for (chat, q) in [("a", "first question here, long enough"), ("b", "second"), ("a", "third")] {
        let r = post(
            &m,
            "/api/v1/chat/completions",
            json!({"chatId": chat, "responseChatItemId": format!("ai-{q}"),
            "messages": [{"role": "user", "content": q}]}),
        );
        assert_eq!(r.status, 200);
    }
    let h = post(&m, "/api/core/chat/history/getHistories", json!({"appId": APP_ID}));
    let list = &h.json()["data"]["list"];
    assert_eq!(h.json()["data"]["total"], 2);
    assert_eq!(list[0]["chatId"], "a", "most recently updated first");
    assert_eq!(list[0]["title"], "first question here,");
    assert!(list[0]["updateTime"].as_str().unwrap().ends_with('Z'));

    let r = call(
        &m,
        "PUT",
        "/api/core/chat/updateHistory",
        &[("Authorization", KEY)],
        json!({"appId": APP_ID, "chatId": "b", "top": true, "customTitle": "Pinned"}),
    );
    assert_eq!(r.json()["data"], Value::Null);
    let h = post(&m, "/api/core/chat/getHistories", json!({"appId": APP_ID, "pageSize": "1"}));
    assert_eq!(h.json()["data"]["list"][0]["customTitle"], "Pinned");
    assert_eq!(h.json()["data"]["list"].as_array().unwrap().len(), 1);

    // Pages count from the newest: offset 0, size 2 is the last exchange, oldest first.
    let r = post(
        &m,
        "/api/core/chat/getPaginationRecords",
        json!({"appId": APP_ID, "chatId": "a", "offset": 0, "pageSize": 2}),
    );
    let d = &r.json()["data"];
    assert_eq!(d["total"], 4);
    assert_eq!(d["list"][0]["obj"], "Human");
    assert_eq!(d["list"][0]["value"][0]["text"]["content"], "third");
    assert_eq!(d["list"][1]["dataId"], "ai-third");

    let r = post(
        &m,
        "/api/core/chat/feedback/updateUserFeedback",
        json!({"appId": APP_ID, "chatId": "a", "dataId": "ai-third", "userGoodFeedback": "yes"}),
    );
    assert_eq!(r.json()["data"], json!({}));
    let r = post(&m, "/api/core/chat/record/getPaginationRecords", json!({"appId": APP_ID, "chatId": "a"}));
    assert_eq!(r.json()["data"]["list"][3]["userGoodFeedback"], "yes");

    let path = format!("/api/core/chat/getResData?appId={APP_ID}&chatId=a&dataId=ai-third");
    let r = call(&m, "GET", &path, &[("Authorization", KEY)], Value::Null);
    assert_eq!(r.json()["data"][1]["moduleType"], "chatNode");

    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/item/delete",
        &[("Authorization", KEY)],
        json!({"appId": APP_ID, "chatId": "a", "contentId": "ai-third"}),
    );
    assert_eq!(r.status, 200);
    let r = post(&m, "/api/core/chat/getPaginationRecords", json!({"appId": APP_ID, "chatId": "a"}));
    assert_eq!(r.json()["data"]["total"], 3);

    let path = format!("/api/core/chat/delHistory?appId={APP_ID}&chatId=b");
    assert_eq!(call(&m, "DELETE", &path, &[("Authorization", KEY)], Value::Null).status, 200);
    let path = format!("/api/proApi/core/app/logs/getTotalData?appId={APP_ID}");
    let t = call(&m, "GET", &path, &[("Authorization", KEY)], Value::Null).json();
    assert_eq!(t["data"], json!({"totalUsers": 1, "totalChats": 1, "totalPoints": 0.0042}));
    let c = post(
        &m,
        "/api/proApi/core/app/logs/getChartData",
        json!({"appId": APP_ID, "dateStart": "2000-01-01T00:00:00.000Z", "dateEnd": "2999-01-01",
            "userTimespan": "day", "chatTimespan": "week", "appTimespan": "month"}),
    )
    .json();
    assert_eq!(c["data"]["appData"][0]["summary"]["goodFeedBackCount"], 0);
    assert_eq!(c["data"]["chatData"][0]["summary"]["chatItemCount"], 1);

    let path = format!("/api/core/chat/clearHistories?appId={APP_ID}");
    assert_eq!(call(&m, "DELETE", &path, &[("Authorization", KEY)], Value::Null).status, 200);
    let h = post(&m, "/api/core/chat/getHistories", json!({"appId": APP_ID}));
    assert_eq!(h.json()["data"]["total"], 0);
}

#[test]
fn faults() {
    let m = mock();
    let chat = json!({"messages": [{"role": "user", "content": "hi"}]});
    // status=503 for the first two requests with this id, then a normal answer.
    let h = [("Authorization", KEY), ("x-mock-id", "t1"), ("x-mock-fault", "status=503;times=2")];
    assert_eq!(call(&m, "POST", "/api/v1/chat/completions", &h, chat.clone()).status, 503);
    assert_eq!(call(&m, "POST", "/api/v1/chat/completions", &h, chat.clone()).text(), "Service Unavailable");
    assert_eq!(call(&m, "POST", "/api/v1/chat/completions", &h, chat.clone()).status, 200);
    assert_eq!(m.request_count("t1"), 3);
    let stats = call(&m, "GET", "/mock/stats?id=t1", &[], Value::Null).json();
    assert_eq!(stats["requests"], 3);
    assert_eq!(stats["bodies"][0], chat);
    assert_eq!(stats["headers"]["x-mock-fault"], "status=503;times=2");

    // reset_before_headers: the connection closes with no response at all.
    let h = [("Authorization", KEY), ("x-mock-fault", "reset_before_headers")];
    let cut = raw(&m, "POST", "/api/v1/chat/completions", &h, &chat.to_string());
    if let Ok(bytes) = cut {
        assert!(bytes.is_empty(), "got {:?}", String::from_utf8_lossy(&bytes));
    }

    let h = [("Authorization", KEY), ("x-mock-fault", "error_200")];
    let r = call(&m, "POST", "/api/v1/chat/completions", &h, chat.clone());
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/plain")));
    assert!(r.text().starts_with("event: error\ndata: {\"code\":514,"));

    // reset_mid_stream: two answer chunks, then no chunked terminator.
    let stream = json!({"stream": true, "messages": [{"role": "user", "content": "hello world"}]});
    let h = [("Authorization", KEY), ("x-mock-fault", "reset_mid_stream")];
    let bytes = raw(&m, "POST", "/api/v1/chat/completions", &h, &stream.to_string()).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches("data: ").count(), 2, "{text}");
    assert!(!text.ends_with("0\r\n\r\n"));

    let h = [("Authorization", KEY), ("x-mock-fault", "bogus")];
    assert_eq!(call(&m, "POST", "/api/v1/chat/completions", &h, chat).status, 400);
}

#[test]
fn stream_volume_and_heartbeats() {
    let m = spawn(MockConfig { heartbeat_ms: 20, ..MockConfig::default() }).expect("spawn");
    let stream = json!({"stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let h = [("Authorization", KEY), ("x-mock-stream-events", "5000"), ("x-mock-chunk-bytes", "4")];
    let f = frames(&call(&m, "POST", "/api/v1/chat/completions", &h, stream.clone()).text());
    assert_eq!(f.len(), 5000 + 2);
    assert!(f[4999].1.contains(r#""content":"xxxx""#));

    // slow_stream longer than the heartbeat interval: empty heartbeat chunks appear.
    let h = [("Authorization", KEY), ("x-mock-fault", "slow_stream=50")];
    let text = call(&m, "POST", "/api/v1/chat/completions", &h, stream).text();
    assert!(text.contains(r#""content":""}"#), "{text}");
}

#[test]
fn heartbeat_only_stops_when_the_client_leaves() {
    let m = mock();
    let mut s = TcpStream::connect(m.addr()).unwrap();
    let body = json!({"stream": true, "messages": [{"role": "user", "content": "hi"}]}).to_string();
    let req = format!(
        "POST /api/v1/chat/completions HTTP/1.1\r\nHost: mock\r\nAuthorization: {KEY}\r\n\
         x-mock-fault: heartbeat_only=20\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while String::from_utf8_lossy(&seen).matches(r#""content":"""#).count() < 2 {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        seen.extend_from_slice(&buf[..n]);
    }
    assert_eq!(m.active_streams(), 1);
    drop(s);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while m.active_streams() > 0 {
        assert!(std::time::Instant::now() < deadline, "the producer outlived its client");
        std::thread::sleep(Duration::from_millis(10));
    }
}
