//! Chat behaviour of FastGPT 4.14+ and of the newest servers: v2 streams, plugin-forced detail,
//! the newer events, `responseValueId`, the generation lock and stop, moved paths per server
//! generation, typed errors and the literal error fixtures.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use fastgpt_mock::{MockServer, APP_ID, PLUGIN_APP_ID};
use serde_json::{json, Value};

fn chat_body(q: &str, extra: Value) -> Value {
    let mut b = json!({"messages": [{"role": "user", "content": q}]});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

fn stream(m: &MockServer, path: &str, headers: &[(&str, &str)], body: Value) -> Vec<(String, String)> {
    let mut h = vec![("Authorization", KEY)];
    h.extend_from_slice(headers);
    let r = call(m, "POST", path, &h, body);
    assert_eq!(r.status, 200, "{}", r.text());
    frames(&r.text())
}

fn events(f: &[(String, String)]) -> Vec<&str> {
    f.iter().map(|(e, _)| e.as_str()).collect()
}

/// The payloads of the frames named `event`, parsed.
fn data_of(f: &[(String, String)], event: &str) -> Vec<Value> {
    f.iter().filter(|(e, d)| e == event && d != "[DONE]").map(|(_, d)| serde_json::from_str(d).expect("json")).collect()
}

fn done_index(f: &[(String, String)]) -> usize {
    f.iter().position(|(_, d)| d == "[DONE]").expect("[DONE]")
}

#[test]
fn v2_detail_stream_has_node_responses_and_nothing_after_done() {
    let m = mock();
    let f = stream(
        &m,
        "/api/v2/chat/completions",
        &[],
        chat_body("reason about it", json!({"stream": true, "detail": true, "chatId": "v2"})),
    );
    let nodes = data_of(&f, "flowNodeResponse");
    assert_eq!(nodes.len(), 2);
    assert_eq!(
        (nodes[0]["moduleType"].as_str(), nodes[1]["moduleType"].as_str()),
        (Some("workflowStart"), Some("chatNode"))
    );
    assert_eq!(done_index(&f), f.len() - 1, "v2 sends nothing after [DONE]");
    assert!(!events(&f).contains(&"flowResponses"));
    let reasoning: String = data_of(&f, "answer")
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["reasoning_content"].as_str().map(str::to_string))
        .collect();
    assert_eq!(reasoning, "Thinking about: reason about it");
    // v2 non-stream answers like v1, reasoning_content included.
    let r = post(&m, "/api/v2/chat/completions", chat_body("reason", json!({})));
    assert_eq!(r.json()["choices"][0]["message"]["reasoning_content"], "Thinking about: reason");
}

#[test]
fn plugin_apps_force_detail() {
    let m = mock();
    // detail:false in the request, yet named events and flowResponses after [DONE] (v1).
    let body = json!({"appId": PLUGIN_APP_ID, "stream": true, "detail": false, "messages": [],
        "variables": {"city": "Paris"}, "chatId": "p1"});
    let f = stream(&m, "/api/v1/chat/completions", &[], body);
    assert_eq!(f.last().unwrap().0, "flowResponses", "{f:?}");
    assert!(done_index(&f) < f.len() - 1);
    let responses = data_of(&f, "flowResponses").remove(0);
    let out =
        responses.as_array().unwrap().iter().find(|r| r["moduleType"] == "pluginOutput").expect("pluginOutput node");
    assert_eq!(out["pluginOutput"]["result"], r#"{"city":"Paris"}"#);
    assert!(f.iter().all(|(e, _)| !e.is_empty()), "every frame is named in detail mode");
    // The header form, with a question: the answer is echoed and pluginOutput carries it.
    let f = stream(
        &m,
        "/api/v1/chat/completions",
        &[("x-mock-app-type", "plugin")],
        chat_body("hi", json!({"stream": true})),
    );
    let out = data_of(&f, "flowResponses").remove(0);
    assert_eq!(out[2]["pluginOutput"]["result"], "Echo: hi");
    // Non-stream: responseData although detail was not asked for.
    let r =
        post(&m, "/api/v1/chat/completions", json!({"appId": PLUGIN_APP_ID, "messages": [], "variables": {"a": 1}}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["responseData"][2]["moduleType"], "pluginOutput");
}

#[test]
fn newer_events_and_response_value_ids() {
    let m = mock();
    let q = "plan a sandbox skill tool title";
    let f = stream(
        &m,
        "/api/v1/chat/completions",
        &[],
        chat_body(q, json!({"stream": true, "detail": true, "chatId": "e1"})),
    );
    let ev = events(&f);
    for e in ["chatTitle", "planStatus", "plan", "sandboxStatus", "skillCall", "toolCall"] {
        assert!(ev.contains(&e), "{e} in {ev:?}");
    }
    assert_eq!(data_of(&f, "chatTitle")[0], json!({"title": "plan a sandbox skill"}));
    assert_eq!(data_of(&f, "planStatus")[0]["planStatus"]["status"], "generating");
    assert_eq!(data_of(&f, "plan")[0]["plan"]["planId"], "plan_mock");
    assert_eq!(
        data_of(&f, "sandboxStatus")[1],
        json!({"sandboxId": "mock-sandbox", "phase": "ready", "isWarmStart": false})
    );
    assert_eq!(data_of(&f, "skillCall")[0]["skill"]["skillName"], "mock-skill");
    assert!(f.iter().all(|(_, d)| !d.contains("responseValueId")), "4.14.5.1 frames carry no responseValueId");

    // detail:false: only answer chunks (unnamed) and the named chatTitle pass.
    let f = stream(&m, "/api/v1/chat/completions", &[], chat_body(q, json!({"stream": true})));
    let named: Vec<&str> = events(&f).into_iter().filter(|e| !e.is_empty()).collect();
    assert_eq!(named, vec!["chatTitle"]);

    // New servers: responseValueId in detail frames, chatTitle on a new chat, title in JSON.
    let h = [("x-mock-server", "new")];
    let f = stream(
        &m,
        "/api/v1/chat/completions",
        &h,
        chat_body("plan tool", json!({"stream": true, "detail": true, "chatId": "e2", "responseChatItemId": "ai-e2"})),
    );
    assert_eq!(data_of(&f, "chatTitle")[0]["title"], "plan tool");
    let answers = data_of(&f, "answer");
    assert_eq!(answers[0]["responseValueId"], "ai-e2");
    assert!(answers.last().unwrap().get("responseValueId").is_none(), "the stop chunk has none");
    assert_eq!(data_of(&f, "toolCall")[0]["responseValueId"], "call_mock");
    assert_eq!(data_of(&f, "plan")[0]["responseValueId"], "agent-plan-stream");
    assert!(data_of(&f, "flowNodeStatus")[0].get("responseValueId").is_none());
    let f = stream(
        &m,
        "/api/v1/chat/completions",
        &h,
        chat_body("again", json!({"stream": true, "detail": true, "chatId": "e2"})),
    );
    assert!(!events(&f).contains(&"chatTitle"), "only a new chat gets a title");
    let f = stream(&m, "/api/v1/chat/completions", &h, chat_body("plan", json!({"stream": true, "chatId": "e3"})));
    assert!(f.iter().all(|(_, d)| !d.contains("responseValueId")), "no ids without detail");
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &[("Authorization", KEY), h[0]],
        chat_body("node error here", json!({"chatId": "e4"})),
    );
    let text = r.text();
    let v = r.json();
    assert_eq!((v["title"].as_str(), v["error"].as_str()), (Some("node error here"), Some("mock node failure")));
    assert!(text.find("\"error\"").unwrap() < text.find("\"id\"").unwrap(), "{text}");
    assert!(text.find("\"title\"").unwrap() < text.find("\"error\"").unwrap(), "{text}");
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &[("Authorization", KEY), h[0]],
        chat_body("more", json!({"chatId": "e4"})),
    );
    assert!(r.json().get("title").is_none(), "a title only for a new chat");
    let r = post(&m, "/api/v1/chat/completions", chat_body("hello", json!({"chatId": "e5"})));
    assert!(r.json().get("title").is_none(), "4.14.5.1 sends no title");

    // New servers store a run without chatId under a generated id, told only by `id`.
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &[("Authorization", KEY), h[0]],
        chat_body("anonymous", json!({})),
    );
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 24);
    let hist = post(&m, "/api/core/chat/getHistories", json!({"appId": APP_ID, "pageSize": 100})).json();
    assert!(hist["data"]["list"].as_array().unwrap().iter().any(|c| c["chatId"] == id.as_str()));
    assert_eq!(
        post(&m, "/api/v1/chat/completions", chat_body("anonymous", json!({}))).json()["id"],
        "",
        "4.14.5.1: no id"
    );
}

#[test]
fn newest_completion_schema() {
    let m = mock();
    let h = [("Authorization", KEY), ("x-mock-server", "new")];
    // A zod failure is a JSON envelope even with stream:true.
    let r = call(&m, "POST", "/api/v1/chat/completions", &h, json!({"messages": "hi", "stream": true, "appId": "bad"}));
    assert_eq!((r.status, r.header("content-type").map(|c| c.starts_with("application/json"))), (500, Some(true)));
    let paths: Vec<Value> = r.json()["zodError"].as_array().unwrap().iter().map(|i| i["path"][0].clone()).collect();
    assert_eq!(paths, vec![json!("appId"), json!("messages")]);
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &h,
        json!({"messages": [{"role": "user", "content": "x"}], "chatId": null, "detail": null}),
    );
    assert_eq!(r.status, 200, "null counts as absent: {}", r.text());
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &[h[0], h[1], ("x-mock-errors", "typed")],
        json!({"detail": "yes"}),
    );
    assert_eq!((r.status, r.json()["zodError"][0]["path"][0].clone()), (400, json!("detail")));
}

#[test]
fn flow_responses_and_title_placement() {
    let m = mock();
    // 4.14.x v1 detail: flowResponses after [DONE]; the newest: before it, [DONE] last.
    let f =
        stream(&m, "/api/v1/chat/completions", &[], chat_body("title here", json!({"stream": true, "detail": true})));
    assert_eq!(f.last().unwrap().0, "flowResponses");
    let f = stream(
        &m,
        "/api/v1/chat/completions",
        &[("x-mock-server", "new")],
        chat_body("q", json!({"stream": true, "detail": true})),
    );
    assert_eq!(done_index(&f), f.len() - 1);
    assert_eq!(f[f.len() - 2].0, "flowResponses");
    // chatTitle comes after workflowDuration, before the stop chunk.
    let ev = events(&f);
    let title = ev.iter().position(|e| *e == "chatTitle").expect("new chat gets a title");
    assert_eq!(ev[title - 1], "workflowDuration");
    assert!(f[title + 1].1.contains(r#""finish_reason":"stop""#));
}

/// Starts a stream and returns the socket once its first answer chunk arrived.
fn open_stream(m: &MockServer, body: Value, headers: &str) -> (TcpStream, Vec<u8>) {
    let body = body.to_string();
    let mut s = TcpStream::connect(m.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "POST /api/v2/chat/completions HTTP/1.1\r\nHost: m\r\nConnection: close\r\nAuthorization: {KEY}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("Echo") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "stream ended early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    (s, got)
}

#[test]
fn generation_lock_and_stop() {
    let m = mock();
    let new = [("Authorization", KEY), ("x-mock-server", "new")];
    let body = chat_body("a long answer to stop", json!({"stream": true, "chatId": "busy", "appId": APP_ID}));
    let (mut s, mut got) = open_stream(&m, body, "x-mock-server: new\r\nx-mock-fault: slow_stream=300\r\n");

    // A second run on the same chat while the first still generates.
    let r = call(&m, "POST", "/api/v1/chat/completions", &new, chat_body("again", json!({"chatId": "busy"})));
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json(),
        json!({"code": 504001, "statusText": "chatIsGenerating",
        "message": "common:code_error.chat_error.chat_generating", "data": null})
    );
    let r = call(
        &m,
        "POST",
        "/api/v1/chat/completions",
        &new,
        chat_body("again", json!({"chatId": "busy", "stream": true})),
    );
    assert_eq!((r.status, r.header("content-type")), (200, None));
    assert!(r.text().starts_with("event: error\ndata: {\"code\":504001,"), "{}", r.text());
    let mut typed = new.to_vec();
    typed.push(("x-mock-errors", "typed"));
    let r = call(&m, "POST", "/api/v1/chat/completions", &typed, chat_body("again", json!({"chatId": "busy"})));
    assert_eq!((r.status, r.json()["errorType"].clone()), (409, json!("UserError")));
    // Another chat, and the 4.14.5.1 server, are not locked.
    assert_eq!(
        call(&m, "POST", "/api/v1/chat/completions", &new, chat_body("x", json!({"chatId": "free"}))).status,
        200
    );
    assert_eq!(post(&m, "/api/v1/chat/completions", chat_body("x", json!({"chatId": "busy"}))).status, 200);

    // Stop: the running stream skips to its end and the lock is released.
    let r = post(&m, "/api/v2/chat/stop", json!({"appId": APP_ID, "chatId": "busy"}));
    assert_eq!(r.json(), json!({"code": 200, "statusText": "", "message": "", "data": {"success": true}}));
    s.read_to_end(&mut got).unwrap();
    let text = String::from_utf8_lossy(&got).into_owned();
    assert!(text.contains("data: [DONE]"), "{text}");
    // "Echo: a long answer to stop" goes out as "Echo: a ", "long ans", "wer to s", "top".
    assert!(!text.contains(r#""content":"top""#), "the answer was cut short: {text}");
    assert!(text.contains(r#""finish_reason":"stop""#), "the stop chunk still comes: {text}");
    assert_eq!(
        call(&m, "POST", "/api/v1/chat/completions", &new, chat_body("x", json!({"chatId": "busy"}))).status,
        200
    );

    let r = post(&m, "/api/v2/chat/stop", json!({"appId": "nothex", "chatId": ""}));
    let v = r.json();
    assert_eq!((r.status, v["code"].clone()), (500, json!(400)));
    let paths: Vec<Value> = v["zodError"].as_array().unwrap().iter().map(|i| i["path"][0].clone()).collect();
    assert_eq!(paths, vec![json!("appId"), json!("chatId")]);
    let r = post(&m, "/api/v2/chat/stop", json!({"appId": APP_ID, "chatId": "idle"}));
    assert_eq!(r.json()["data"]["success"], true, "stopping an idle chat succeeds");
}

fn record_count(m: &MockServer, chat: &str) -> Value {
    post(m, "/api/core/chat/getPaginationRecords", json!({"appId": APP_ID, "chatId": chat})).json()["data"]["total"]
        .clone()
}

#[test]
fn moved_paths_per_server_generation() {
    let m = mock();
    for i in 0..3 {
        post(
            &m,
            "/api/v1/chat/completions",
            chat_body("q", json!({"chatId": "r", "responseChatItemId": format!("ai-{i}")})),
        );
    }
    assert_eq!(record_count(&m, "r"), 6);
    // record/delete: the body when it has fields...
    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/record/delete",
        &[("Authorization", KEY)],
        json!({"appId": APP_ID, "chatId": "r", "contentIds": ["ai-0", "ai-1"]}),
    );
    assert_eq!(r.json()["data"], json!({}));
    assert_eq!(record_count(&m, "r"), 4);
    // ...else the query.
    let path = format!("/api/core/chat/record/delete?appId={APP_ID}&chatId=r&contentId=ai-2&delFile=true");
    assert_eq!(call(&m, "DELETE", &path, &[("Authorization", KEY)], Value::Null).status, 200);
    assert_eq!(record_count(&m, "r"), 3);
    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/record/delete",
        &[("Authorization", KEY)],
        json!({"appId": "x", "chatId": "r"}),
    );
    assert_eq!(r.json()["zodError"][0]["path"], json!(["appId"]));

    let old = [("Authorization", KEY), ("x-mock-server", "old")];
    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/record/delete",
        &old,
        json!({"appId": APP_ID, "chatId": "r", "contentId": "x"}),
    );
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let r = call(
        &m,
        "PUT",
        "/api/core/chat/history/updateHistory",
        &old,
        json!({"appId": APP_ID, "chatId": "r", "title": "t"}),
    );
    assert_eq!(r.status, 404);
    let r = call(
        &m,
        "POST",
        "/api/core/chat/updateHistory",
        &old,
        json!({"appId": APP_ID, "chatId": "r", "customTitle": "old path"}),
    );
    assert_eq!(r.status, 200);
    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/item/delete",
        &old,
        json!({"appId": APP_ID, "chatId": "r", "contentId": "ai-2"}),
    );
    assert_eq!(r.status, 200);

    let new = [("Authorization", KEY), ("x-mock-server", "new")];
    let r = call(
        &m,
        "DELETE",
        "/api/core/chat/item/delete",
        &new,
        json!({"appId": APP_ID, "chatId": "r", "contentId": "x"}),
    );
    assert_eq!(r.status, 404);
    let r = call(
        &m,
        "PUT",
        "/api/core/chat/history/updateHistory",
        &new,
        json!({"appId": APP_ID, "chatId": "r", "top": true}),
    );
    assert_eq!(r.status, 200);
    let h = post(&m, "/api/core/chat/getHistories", json!({"appId": APP_ID})).json();
    assert_eq!(
        (h["data"]["list"][0]["customTitle"].as_str(), h["data"]["list"][0]["top"].as_bool()),
        (Some("old path"), Some(true))
    );

    let r = call(
        &m,
        "POST",
        "/api/core/chat/getHistories",
        &[("Authorization", KEY), ("x-mock-server", "newest")],
        json!({}),
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("unknown x-mock-server"), "{}", r.text());
}

#[test]
fn chart_schema() {
    let m = mock();
    let base = json!({"appId": APP_ID, "dateStart": "2024-01-01", "dateEnd": "2024-02-01"});
    let r = post(&m, "/api/proApi/core/app/logs/getChartData", base.clone());
    let v = r.json();
    assert_eq!((r.status, v["code"].clone(), v["message"].clone()), (500, json!(400), json!("Data validation error")));
    let issues = v["zodError"].as_array().unwrap();
    let paths: Vec<&str> = issues.iter().filter_map(|i| i["path"][0].as_str()).collect();
    assert_eq!(paths, vec!["userTimespan", "chatTimespan", "appTimespan"]);
    assert_eq!(issues[0]["code"], "invalid_value");
    assert_eq!(issues[0]["values"], json!(["day", "week", "month", "quarter"]));
    let mut ok = base.clone();
    for k in ["userTimespan", "chatTimespan", "appTimespan"] {
        ok[k] = "week".into();
    }
    assert_eq!(post(&m, "/api/proApi/core/app/logs/getChartData", ok.clone()).status, 200, "offset defaults to 1");
    let r = call(
        &m,
        "POST",
        "/api/proApi/core/app/logs/getChartData",
        &[("Authorization", KEY), ("x-mock-server", "old")],
        ok.clone(),
    );
    assert_eq!(r.json()["zodError"][0]["path"], json!(["offset"]), "older schemas require offset");
    ok["source"] = json!(["api", "bogus"]);
    let r = post(&m, "/api/proApi/core/app/logs/getChartData", ok);
    assert_eq!(r.json()["zodError"][0]["path"], json!(["source", 1]));
    let typed = [("Authorization", KEY), ("x-mock-errors", "typed")];
    let r = call(&m, "POST", "/api/proApi/core/app/logs/getChartData", &typed, base);
    assert_eq!((r.status, r.json()["errorType"].clone()), (400, json!("ZodError")));
}

#[test]
fn error_generations() {
    let m = mock();
    let typed = |key: &'static str| [("Authorization", key), ("x-mock-errors", "typed")];
    let r = call(&m, "POST", "/api/core/chat/getHistories", &typed("Bearer fastgpt-nope"), json!({}));
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"code": 514, "statusText": "unAuthApiKey",
        "message": "common:code_error.error_message.514", "data": null, "errorType": "UserError"})
    );
    let r = call(&m, "GET", "/api/core/dataset/detail", &typed(KEY), Value::Null);
    assert_eq!((r.status, r.json()["statusText"].clone()), (400, json!("missingParams")));
    let r = call(&m, "GET", "/api/core/dataset/detail?id=66e29b870b24ce35330c0fff", &typed(KEY), Value::Null);
    assert_eq!(r.status, 404);
    let r = call(&m, "POST", "/api/core/dataset/data/pushData", &typed(KEY), json!({}));
    assert_eq!((r.status, r.json()["errorType"].clone()), (500, json!("Error")));
    let r = call(&m, "POST", "/api/v1/chat/completions", &typed(KEY), json!({"messages": []}));
    assert_eq!((r.status, r.json()["message"].clone()), (500, json!("messages is empty")));
    let r = call(
        &m,
        "POST",
        "/api/core/chat/getHistories",
        &[("Authorization", KEY), ("x-mock-errors", "modern")],
        json!({}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn literal_error_fixtures() {
    let m = mock();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors");
    let mut served = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let literal = std::fs::read_to_string(&path).unwrap();
        let fault = format!("error={name}");
        let r = call(
            &m,
            "POST",
            "/api/core/chat/getHistories",
            &[("Authorization", KEY), ("x-mock-fault", &fault)],
            json!({}),
        );
        assert_eq!(r.text(), literal.trim_end(), "{name}");
        let expected = match name.as_str() {
            "zod-typed" => 400,
            "chatIsGenerating-typed" => 409,
            "methodNotAllowed" => 405,
            _ => 500,
        };
        assert_eq!(r.status, expected, "{name}");
        served += 1;
    }
    assert!(served >= 20, "{served} fixtures");
    let h = |f: &'static str| [("Authorization", KEY), ("x-mock-fault", f)];
    let r = call(&m, "GET", "/api/core/chat/init", &h("error=methodNotAllowed"), Value::Null);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = call(&m, "POST", "/api/core/chat/getHistories", &h("error=unAuthorization"), json!({}));
    assert_eq!(r.header("set-cookie"), Some("fastgpt_token=; Path=/; Max-Age=0"));
    let r = call(&m, "POST", "/api/core/chat/getHistories", &h("error=noSuchError"), json!({}));
    assert_eq!(r.status, 400);
    // The typed generation re-issues a legacy fixture with its status and errorType.
    let r = call(
        &m,
        "POST",
        "/api/core/chat/getHistories",
        &[("Authorization", KEY), ("x-mock-fault", "error=openapiExceedLimit"), ("x-mock-errors", "typed")],
        json!({}),
    );
    assert_eq!(
        (r.status, r.json()["errorType"].clone(), r.json()["code"].clone()),
        (429, json!("UserError"), json!(506002))
    );
    let r = call(
        &m,
        "POST",
        "/api/core/chat/getHistories",
        &[("Authorization", KEY), ("x-mock-fault", "error=keyExpired"), ("x-mock-errors", "typed")],
        json!({}),
    );
    assert_eq!((r.status, r.json()["message"].clone()), (500, json!("API key has expired")));
}
