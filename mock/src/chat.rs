//! `POST /api/v1|v2/chat/completions`: validation, the deterministic echo run, storage of the
//! exchange, and the answer as JSON (§2.3) or as SSE (§3) with stream faults applied.

use std::fmt::Write as _;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};
use tokio::sync::mpsc::Sender;
use tokio::time::Instant;

use crate::body::{Body, FILLER};
use crate::envelope::{self, is_object_id, ApiError, Zod};
use crate::faults::Fault;
use crate::routes::{authorize, Req, ServerGen};
use crate::state::State;
use crate::{Shared, APP_ID, PLUGIN_APP_ID};

/// Streams send the answer in pieces of at most this many characters.
const CHUNK_CHARS: usize = 8;
const CHAT_NODE: &str = "AI 对话";
/// Stored answers of `x-mock-stream-events` runs are capped so benchmarks do not grow memory.
const MAX_STORED_ANSWER: usize = 64 * 1024;
/// `historyPreview` values are cut to this many characters, as FastGPT shortens them.
const PREVIEW_CHARS: usize = 100;

/// A validated request.
struct Input {
    app_id: String,
    chat_id: Option<String>,
    question: String,
    human_value: Vec<Value>,
    human_data_id: Option<String>,
    ai_data_id: Option<String>,
    variables: Map<String, Value>,
    user: String,
    /// A workflow-tool (plugin) app: the server forces detail mode.
    plugin: bool,
}

/// What a request switches on beyond the answer itself.
struct Extras {
    gen: ServerGen,
    /// `chatTitle` to send (new chat on a new server, or the `title` keyword).
    title: Option<String>,
    plan: bool,
    sandbox: bool,
    skill: bool,
}

/// What the mock "workflow" produced for one request.
struct Run {
    answer: Option<String>,
    reasoning: Option<String>,
    tool_params: Option<String>,
    update_vars: Option<Value>,
    interactive: Option<Value>,
    responses: Vec<Value>,
    ai_value: Vec<Value>,
    new_variables: Value,
    /// The AI item's dataId: `responseValueId` of the answer frames on new servers.
    value_id: String,
}

fn json_str(s: &str) -> String {
    Value::from(s).to_string()
}

pub async fn completions(shared: &Shared, req: &Req, v2: bool, fault: Option<&Fault>) -> Response<Body> {
    let flag = |k: &str| req.body.get(k).and_then(Value::as_bool) == Some(true);
    let stream = flag("stream");
    let gen = req.err_gen();
    // The newest handler parses the body with zod before its try block: a JSON error envelope,
    // even for stream:true.
    if req.server_gen() == ServerGen::New {
        if let Err(e) = completion_schema(&req.body) {
            return envelope::error_gen(gen, &e);
        }
    }
    let mut input = match validate(shared, req) {
        Ok(i) => i,
        Err(e) if stream => return early_stream_error(&e),
        Err(e) => return envelope::error_gen(gen, &e),
    };
    // The newest servers store every run: a request without chatId gets a generated one
    // (`preChatRound`), which only the non-stream answer's `id` reveals.
    if req.server_gen() == ServerGen::New && input.chat_id.is_none() {
        input.chat_id = Some(shared.state().chat_id());
    }
    // Workflow-tool apps run in detail mode whatever the request says (§2.4).
    let detail = flag("detail") || input.plugin;
    let key = input.chat_id.as_ref().map(|c| (input.app_id.clone(), c.clone()));
    let extras = {
        let st = shared.state();
        let lq = input.question.to_lowercase();
        let new_chat = key.as_ref().is_some_and(|(a, c)| st.chat(a, c).is_none());
        let title = input.question.chars().take(20).collect::<String>();
        // Whole words, so that "explain" does not ask for a plan.
        let word = |w: &str| lq.split(|c: char| !c.is_alphanumeric()).any(|x| x == w);
        let title = (word("title") || (req.server_gen() == ServerGen::New && new_chat)).then_some(title);
        Extras { gen: req.server_gen(), title, plan: word("plan"), sandbox: word("sandbox"), skill: word("skill") }
    };
    // The newest servers refuse a second run on a chat that is still generating; the check and
    // the claim happen under one lock so two racing requests cannot both start.
    let exclusive = extras.gen == ServerGen::New;
    let busy = |st: &State| key.as_ref().is_some_and(|k| exclusive && st.running.contains_key(k));
    if !stream {
        let mut st = shared.state();
        if busy(&st) {
            drop(st);
            return envelope::error_gen(gen, &ApiError::Known("chatIsGenerating"));
        }
        let run = execute(&mut st, &input, None);
        drop(st);
        return unary(&run, detail, input.chat_id.as_deref().unwrap_or(""), extras.title.as_deref());
    }
    let running = {
        let mut st = shared.state();
        if busy(&st) {
            drop(st);
            return early_stream_error(&ApiError::Known("chatIsGenerating"));
        }
        key.map(|k| Running::start(shared, &mut st, k))
    };
    let (tx, body) = Body::channel();
    let mut out = Out::new(tx, detail, shared.config.heartbeat_ms, Live::new(&shared.streams));
    out.running = running;
    if let Some(Fault::HeartbeatOnly(ms)) = fault {
        // An app that never answers: nothing is run or stored.
        out.every = Some(Duration::from_millis((*ms).max(1)));
        tokio::spawn(async move {
            loop {
                let every = out.every.expect("set above");
                if out.stopped()
                    || out.wait(every, false).await.is_err()
                    || out.push(out.heartbeat.clone()).await.is_err()
                {
                    break;
                }
            }
        });
        return sse_response(body);
    }
    let bulk = stream_volume(req);
    let run = execute(&mut shared.state(), &input, bulk);
    let steps = plan(&run, detail, v2, fault, bulk, &extras);
    let fault = fault.cloned();
    if let Some(Fault::SlowStream(ms)) = fault {
        out.slow = Some(Duration::from_millis(ms));
    }
    tokio::spawn(async move {
        let _ = produce(&mut out, steps, fault.as_ref()).await;
    });
    sse_response(body)
}

/// A stream running on a chat: its stop flag lives in `State::running` until the producer ends.
struct Running {
    shared: std::sync::Weak<std::sync::Mutex<State>>,
    key: (String, String),
    stop: Arc<AtomicBool>,
}

impl Running {
    fn start(shared: &Shared, st: &mut State, key: (String, String)) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        st.running.insert(key.clone(), stop.clone());
        Running { shared: shared.state_handle(), key, stop }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(st) = self.shared.upgrade() {
            let mut st = st.lock().unwrap_or_else(|e| e.into_inner());
            if st.running.get(&self.key).is_some_and(|s| Arc::ptr_eq(s, &self.stop)) {
                st.running.remove(&self.key);
            }
        }
    }
}

/// `POST /api/v2/chat/stop` `{appId, chatId}` → `{success: true}` in the envelope. A running
/// stream on that chat skips to its end; the answer waits for it, at most 5 s, as FastGPT does.
pub async fn stop(shared: &Shared, req: &Req) -> Response<Body> {
    let gen = req.err_gen();
    let mut z = Zod::default();
    let app = z.object_id(&req.body, "appId");
    let chat_id = z.non_empty(&req.body, "chatId");
    if let Err(e) = z.finish().and_then(|_| authorize(shared, req)) {
        return envelope::error_gen(gen, &e);
    }
    let key = (app, chat_id);
    let flag = shared.state().running.get(&key).cloned();
    if let Some(flag) = flag {
        flag.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && shared.state().running.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flag)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    envelope::success(json!({"success": true}))
}

/// A benchmark stream: `x-mock-stream-events: N` answer chunks of `x-mock-chunk-bytes` bytes of
/// `x`, or (`x-mock-stream-content: realistic`) the pieces of [`REALISTIC`] in turn.
#[derive(Debug, Clone, Copy)]
struct Volume {
    n: usize,
    bytes: usize,
    realistic: bool,
}

fn stream_volume(req: &Req) -> Option<Volume> {
    let n = req.header("x-mock-stream-events")?.trim().parse().ok()?;
    let bytes = req.header("x-mock-chunk-bytes").and_then(|b| b.trim().parse().ok()).unwrap_or(16);
    let realistic = req.header("x-mock-stream-content").map(str::trim) == Some("realistic");
    Some(Volume { n, bytes, realistic })
}

/// What a model's answer streams look like: English and CJK text, markdown, code with quotes,
/// newlines and tabs. 4 of the 20 pieces need JSON escapes (newline, quote, tab, backslash), as about a
/// fifth of a real answer's chunks do; the others are sent as they are (UTF-8 needs no escape).
const REALISTIC: [&str; 20] = [
    "The quick fix is ",
    "to reuse the ",
    "connection pool",
    " across calls. ",
    "这是一个流式",
    "回答的示例，",
    "包含中文与 English ",
    "混排的句子。",
    "\n\n## 步骤\n",
    "- **first** ",
    "check the `timeout`",
    " setting, then ",
    "```rust\nlet s = \"hi\";\n```",
    " and compare ",
    "结果。性能",
    "提升约 3 倍，",
    "print(\"你好\")\t# done",
    " see C:\\temp ",
    "for details. ",
    "谢谢！",
];

/// The newest `CompletionsPropsSchema` (`packages/global/openapi/core/chat/completion/api.ts`):
/// every field optional, `null` taken as absent, types checked.
fn completion_schema(b: &Map<String, Value>) -> Result<(), ApiError> {
    let some: Map<String, Value> =
        b.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut z = Zod::default();
    // In the schema's key order, which is the order zod reports issues in.
    const FIELDS: [(&str, &str); 11] = [
        ("chatId", "string"),
        ("appId", "objectId"),
        ("customUid", "string"),
        ("metadata", "record"),
        ("messages", "array"),
        ("stream", "boolean"),
        ("variables", "record"),
        ("responseChatItemId", "string"),
        ("detail", "boolean"),
        ("retainDatasetCite", "boolean"),
        ("showSkillReferences", "boolean"),
    ];
    for (k, kind) in FIELDS {
        let Some(v) = some.get(k) else { continue };
        match kind {
            "string" => drop(z.opt_string(&some, k)),
            "objectId" => drop(z.object_id(&some, k)),
            "boolean" => drop(z.opt_bool(&some, k)),
            "array" if !v.is_array() => z.invalid(&some, k, "array", v),
            "record" if !v.is_object() => z.invalid(&some, k, "record", v),
            _ => {}
        }
    }
    z.finish()
}

fn validate(shared: &Shared, req: &Req) -> Result<Input, ApiError> {
    let b = &req.body;
    let messages = match b.get("messages") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => &a[..],
        Some(_) => return Err(ApiError::plain("messages is not array")),
    };
    authorize(shared, req)?;
    let app_id = match b.get("appId").and_then(Value::as_str) {
        None | Some("") => APP_ID.to_string(),
        Some(id) if is_object_id(id) => id.to_string(),
        Some(_) => return Err(ApiError::Known("appUnExist")),
    };
    let plugin = app_id == PLUGIN_APP_ID || req.header("x-mock-app-type").map(str::trim) == Some("plugin");
    let variables = b.get("variables").and_then(Value::as_object).cloned().unwrap_or_default();
    let (question, human_value, human_data_id) = match messages.last() {
        Some(last) => {
            let (q, v) = question(last);
            (q, v, last.get("dataId").and_then(Value::as_str).map(str::to_string))
        }
        // A plugin runs on its inputs (the variables); the messages may be empty.
        None if plugin => (String::new(), Vec::new(), None),
        None => return Err(ApiError::plain("messages is empty")),
    };
    if human_value.is_empty() && !plugin {
        return Err(ApiError::plain("User question is empty"));
    }
    let s = |k: &str| b.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    Ok(Input {
        app_id,
        chat_id: s("chatId"),
        question,
        human_value,
        human_data_id,
        ai_data_id: s("responseChatItemId"),
        variables,
        user: s("customUid").unwrap_or_else(|| "api".into()),
        plugin,
    })
}

/// The question text (text parts joined with a space) and the Human item's value: text parts
/// and image/file parts in order, other parts dropped, as `GPTMessages2Chats` does.
fn question(msg: &Value) -> (String, Vec<Value>) {
    let text_item = |t: &str| json!({"type": "text", "text": {"content": t}});
    match msg.get("content") {
        Some(Value::String(s)) if !s.is_empty() => (s.clone(), vec![text_item(s)]),
        Some(Value::Array(parts)) => {
            let mut texts = Vec::new();
            let mut value = Vec::new();
            for p in parts {
                let get = |path: &str| p.pointer(path).and_then(Value::as_str).unwrap_or("");
                match get("/type") {
                    "text" if !get("/text").is_empty() => {
                        texts.push(get("/text"));
                        value.push(text_item(get("/text")));
                    }
                    "image_url" => value.push(json!({"type": "file", "file":
                        {"type": "image", "name": "", "url": get("/image_url/url")}})),
                    "file_url" => value.push(json!({"type": "file", "file":
                        {"type": "file", "name": get("/name"), "url": get("/url")}})),
                    _ => {}
                }
            }
            (texts.join(" "), value)
        }
        _ => (String::new(), Vec::new()),
    }
}

fn preview(s: &str) -> String {
    s.chars().take(PREVIEW_CHARS).collect()
}

fn interactive_payload() -> Value {
    json!({"type": "userSelect", "params": {"description": "Please confirm",
        "userSelectOptions": [{"value": "Confirm", "key": "option1"}, {"value": "Cancel", "key": "option2"}]},
        "entryNodeIds": ["userSelectNode"], "memoryEdges": [], "nodeOutputs": [], "skipNodeQueue": []})
}

/// Runs the echo "workflow" and stores the exchange when there is a chatId.
fn execute(st: &mut State, input: &Input, bulk: Option<Volume>) -> Run {
    let q = &input.question;
    let lq = q.to_lowercase();
    let has = |k: &str| lq.contains(k);
    let reasoning = has("reason").then(|| format!("Thinking about: {q}"));
    let interactive = has("interactive").then(interactive_payload);
    let answer = match bulk {
        _ if interactive.is_some() => None,
        _ if q.is_empty() => None,
        Some(v) if v.realistic => {
            let mut a = String::new();
            for piece in REALISTIC.iter().cycle().take(v.n) {
                if a.len() + piece.len() > MAX_STORED_ANSWER {
                    break;
                }
                a.push_str(piece);
            }
            Some(a)
        }
        Some(v) => Some("x".repeat(v.n.saturating_mul(v.bytes).min(MAX_STORED_ANSWER))),
        None => Some(format!("Echo: {q}")),
    };
    let tool_params = has("tool").then(|| json!({ "query": q }).to_string());

    // Stored variables under the request's (the request wins), as FastGPT merges them.
    let mut vars = input
        .chat_id
        .as_deref()
        .and_then(|c| st.chat(&input.app_id, c))
        .map(|c| c.variables.clone())
        .unwrap_or_default();
    vars.extend(input.variables.clone());
    let mut update_vars = None;
    if has("variables") {
        let n = vars.get("counter").and_then(Value::as_i64).unwrap_or(0) + 1;
        vars.insert("counter".into(), n.into());
        update_vars = Some(Value::Object(vars.clone()));
    }

    let mut ai_value = Vec::new();
    if let Some(r) = &reasoning {
        ai_value.push(json!({"type": "reasoning", "reasoning": {"content": r}}));
    }
    if let Some(p) = &tool_params {
        ai_value.push(json!({"type": "tool", "tools": [{"id": "call_mock", "toolName": "Mock Search",
            "toolAvatar": "core/workflow/template/bing", "params": p,
            "response": "mock tool result", "functionName": "mock_search"}]}));
    }
    if let Some(a) = &answer {
        ai_value.push(json!({"type": "text", "text": {"content": a}}));
    }
    if let Some(i) = &interactive {
        ai_value.push(json!({"type": "interactive", "interactive": i}));
    }

    let answer_text = answer.as_deref().unwrap_or("");
    let start = json!({"id": st.nanoid(), "nodeId": "448745",
        "moduleName": "common:core.module.template.work_start", "moduleType": "workflowStart",
        "runningTime": 0});
    let mut chat_node = json!({"totalPoints": 0.0042, "model": "mock-model",
        "inputTokens": q.chars().count(), "outputTokens": answer_text.chars().count(),
        "query": q, "maxToken": 4000, "reasoningText": reasoning.as_deref().unwrap_or(""),
        "historyPreview": [{"obj": "Human", "value": preview(q)}, {"obj": "AI", "value": preview(answer_text)}],
        "contextTotalLen": 2, "finishReason": "stop", "id": st.nanoid(), "nodeId": "mockChatNode",
        "moduleName": CHAT_NODE, "moduleType": "chatNode", "runningTime": 0.01});
    let error = has("node error").then(|| "mock node failure".to_string());
    if let Some(e) = &error {
        chat_node["error"] = e.as_str().into();
    }
    let mut responses = vec![start, chat_node];
    if input.plugin {
        let result =
            if q.is_empty() { Value::Object(input.variables.clone()).to_string() } else { answer_text.to_string() };
        responses.push(json!({"id": st.nanoid(), "nodeId": "pluginOutput",
            "moduleName": "common:core.module.template.self_output", "moduleType": "pluginOutput",
            "runningTime": 0, "pluginOutput": {"result": result}}));
    }
    let value_id = input.ai_data_id.clone().unwrap_or_else(|| st.nanoid());

    if let Some(chat_id) = &input.chat_id {
        let title: String = q.chars().take(20).collect();
        let human = st.new_item("Human", input.human_data_id.clone(), Value::Array(input.human_value.clone()));
        let mut ai = st.new_item("AI", Some(value_id.clone()), Value::Array(ai_value.clone()));
        ai.responses = Value::Array(responses.clone());
        ai.duration = 0.01;
        ai.points_e4 = 42;
        ai.error = error;
        let chat = st.chat_or_create(&input.app_id, chat_id, &title, &input.user);
        chat.variables = vars.clone();
        if !human.value.as_array().is_some_and(Vec::is_empty) {
            chat.items.push(human);
        }
        chat.items.push(ai);
    }
    Run {
        answer,
        reasoning,
        tool_params,
        update_vars,
        interactive,
        responses,
        ai_value,
        new_variables: Value::Object(vars),
        value_id,
    }
}

/// The non-stream body (§2.3), written by hand to keep FastGPT's key order: the generated
/// `title` (new servers, new chats) and `error` (when the last node failed) before `id`.
fn unary(run: &Run, detail: bool, chat_id: &str, title: Option<&str>) -> Response<Body> {
    let items = &run.ai_value;
    let kind = |v: &Value| v["type"].as_str().unwrap_or("").to_string();
    let join = |t: &str| {
        items.iter().filter(|v| kind(v) == t).filter_map(|v| v[t]["content"].as_str()).collect::<Vec<_>>().join("\n")
    };
    let (content, reasoning) = match items.len() {
        0 => (Some(json!("")), String::new()),
        1 => (items[0].pointer("/text/content").cloned(), String::new()),
        _ if detail => (Some(Value::Array(items.clone())), String::new()),
        _ => (Some(join("text").into()), join("reasoning")),
    };
    let mut msg = String::from(r#"{"role":"assistant""#);
    if let Some(c) = content {
        let _ = write!(msg, r#","content":{c}"#);
    }
    if !reasoning.is_empty() {
        let _ = write!(msg, r#","reasoning_content":{}"#, json_str(&reasoning));
    }
    msg.push('}');
    let mut out = String::from("{");
    if detail {
        let _ = write!(
            out,
            r#""responseData":{},"newVariables":{},"#,
            Value::Array(run.responses.clone()),
            run.new_variables
        );
    }
    if let Some(t) = title {
        let _ = write!(out, r#""title":{},"#, json_str(t));
    }
    if let Some(err) = run.responses.last().and_then(|r| r.get("error").or_else(|| r.get("errorText"))) {
        let _ = write!(out, r#""error":{err},"#);
    }
    let _ = write!(
        out,
        r#""id":{},"model":"","usage":{{"prompt_tokens":1,"completion_tokens":1,"total_tokens":1}},"choices":[{{"message":{msg},"finish_reason":"stop","index":0}}]"#,
        json_str(chat_id)
    );
    out.push('}');
    envelope::json_response(StatusCode::OK, out)
}

/// §3.6: before the workflow starts, errors are HTTP 200 without the event-stream content type.
fn early_stream_error(e: &ApiError) -> Response<Body> {
    Response::builder()
        .body(Body::full(format!("event: error\ndata: {}\n\n", envelope::to_text(&e.sse_json()))))
        .expect("valid response")
}

fn sse_response(body: Body) -> Response<Body> {
    Response::builder()
        .header("content-type", "text/event-stream;charset=utf-8")
        .header("cache-control", "no-cache, no-transform")
        .header("x-accel-buffering", "no")
        .header("access-control-allow-origin", "*")
        .body(body)
        .expect("valid response")
}

/// One SSE frame, or `None` when `detail:false` drops the event (§3.2): only answer payloads
/// pass, without an event line; `error` and (newest `getWorkflowResponseWrite`) `chatTitle`
/// always keep their event line.
fn sse_frame(detail: bool, event: &str, data: &[u8]) -> Option<Bytes> {
    let mut f = Vec::with_capacity(data.len() + 32);
    if detail || event == "error" || event == "chatTitle" {
        f.extend_from_slice(b"event: ");
        f.extend_from_slice(event.as_bytes());
        f.push(b'\n');
    } else if !matches!(event, "answer" | "fastAnswer" | "chatTitle") {
        return None;
    }
    f.extend_from_slice(b"data: ");
    f.extend_from_slice(data);
    f.extend_from_slice(b"\n\n");
    Some(f.into())
}

/// An OpenAI-style chunk; `value` is raw JSON (so a fault can put invalid UTF-8 in it).
fn chunk(field: &str, value: &[u8], finish: &str) -> Vec<u8> {
    let mut v = br#"{"id":"","object":"","created":0,"model":"","choices":[{"delta":{"role":"assistant",""#.to_vec();
    v.extend_from_slice(field.as_bytes());
    v.extend_from_slice(b"\":");
    v.extend_from_slice(value);
    v.extend_from_slice(br#"},"index":0,"finish_reason":"#);
    v.extend_from_slice(finish.as_bytes());
    v.extend_from_slice(b"}]}");
    v
}

fn pieces(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars.chunks(CHUNK_CHARS).map(|c| c.iter().collect()).collect()
}

enum Step {
    Data(Bytes),
    /// A single answer chunk with this many bytes of content.
    Huge(usize),
    /// The same frame this many times.
    Bulk(Bytes, usize),
    /// These frames in turn, this many frames in all.
    Cycle(Vec<Bytes>, usize),
    /// Where a mid-stream fault strikes.
    Cut,
    /// Where a stopped run (`/api/v2/chat/stop`) resumes: the end of the workflow.
    End,
}

struct Plan {
    detail: bool,
    steps: Vec<Step>,
    answers: usize,
    cut: bool,
    malformed: bool,
    bad_utf8: bool,
    /// `responseValueId` of the answer frames (new servers, detail mode).
    value_id: Option<String>,
    /// Whether detail frames carry `responseValueId` at all.
    ids: bool,
}

/// Appends `"responseValueId": id` to a JSON object's text.
fn with_id(mut obj: Vec<u8>, id: &str) -> Vec<u8> {
    if obj.last() == Some(&b'}') {
        obj.pop();
        obj.extend_from_slice(br#","responseValueId":"#);
        obj.extend_from_slice(json_str(id).as_bytes());
        obj.push(b'}');
    }
    obj
}

impl Plan {
    /// An event whose payload carries `responseValueId: id` on new servers in detail mode.
    fn event_id(&mut self, name: &str, data: &str, id: &str) {
        if self.ids && self.detail {
            let d = with_id(data.as_bytes().to_vec(), id);
            self.event(name, std::str::from_utf8(&d).expect("utf-8 in, utf-8 out"));
        } else {
            self.event(name, data);
        }
    }

    fn event(&mut self, name: &str, data: &str) {
        if let Some(f) = sse_frame(self.detail, name, data.as_bytes()) {
            self.steps.push(Step::Data(f));
        }
    }

    fn delta(&mut self, field: &str, text: &str) {
        let mut value = json_str(text).into_bytes();
        if self.bad_utf8 && field == "content" {
            self.bad_utf8 = false;
            let at = value.len() - 1;
            value.splice(at..at, [0xff, 0xfe]);
        }
        let mut c = chunk(field, &value, "null");
        if let (Some(id), true) = (&self.value_id, self.detail) {
            c = with_id(c, id);
        }
        let f = sse_frame(self.detail, "answer", &c);
        self.steps.push(Step::Data(f.expect("answer frames always pass")));
        if field == "content" {
            self.answers += 1;
            if self.answers == 1 {
                self.malformed_frame();
            }
            if self.answers == 2 {
                self.cut_here();
            }
        }
    }

    fn malformed_frame(&mut self) {
        if std::mem::take(&mut self.malformed) {
            self.event("answer", "{not json");
        }
    }

    fn cut_here(&mut self) {
        if std::mem::take(&mut self.cut) {
            self.steps.push(Step::Cut);
        }
    }
}

/// The whole stream as a list of steps, in FastGPT's order (§3.4).
fn plan(run: &Run, detail: bool, v2: bool, fault: Option<&Fault>, bulk: Option<Volume>, extras: &Extras) -> Vec<Step> {
    let ids = extras.gen == ServerGen::New;
    let mut p = Plan {
        detail,
        steps: Vec::new(),
        answers: 0,
        cut: matches!(
            fault,
            Some(Fault::ResetMidStream | Fault::StallMidStream(_) | Fault::Truncate | Fault::ErrorMidStream)
        ),
        malformed: fault == Some(&Fault::MalformedJson),
        bad_utf8: fault == Some(&Fault::InvalidUtf8),
        value_id: ids.then(|| run.value_id.clone()),
        ids,
    };
    if let Some(Fault::HugeEvent(n)) = fault {
        p.steps.push(Step::Huge(*n));
    }
    if v2 && detail {
        p.event("flowNodeResponse", &run.responses[0].to_string());
    }
    p.event("flowNodeStatus", &json!({"status": "running", "name": CHAT_NODE}).to_string());
    if extras.sandbox {
        for phase in ["connecting", "ready"] {
            p.event(
                "sandboxStatus",
                &json!({"sandboxId": "mock-sandbox", "phase": phase, "isWarmStart": false}).to_string(),
            );
        }
    }
    if extras.plan {
        const PLAN_ID: &str = "agent-plan-stream";
        p.event_id("planStatus", &json!({"planStatus": {"status": "generating"}}).to_string(), PLAN_ID);
        let plan = json!({"plan": {"planId": "plan_mock", "task": "Answer the question",
            "steps": [{"id": "step_1", "title": "Echo the question", "description": "Repeat it back",
                "status": "done"}]}});
        p.event_id("plan", &plan.to_string(), PLAN_ID);
    }
    if extras.skill {
        const SKILL_ID: &str = "call_skill";
        let skill = json!({"skill": {"id": SKILL_ID, "skillName": "mock-skill", "skillAvatar": "",
            "description": "A mock skill", "skillMdPath": "/workspace/skills/mock-skill/SKILL.md"}});
        p.event_id("skillCall", &skill.to_string(), SKILL_ID);
    }
    if let Some(params) = &run.tool_params {
        let tool = |name: &str, avatar: &str, params: &str, response: &str| {
            let mut t = json!({"id": "call_mock", "toolName": name, "toolAvatar": avatar,
                "params": params, "response": response});
            if !name.is_empty() {
                t["functionName"] = "mock_search".into();
            }
            json!({ "tool": t }).to_string()
        };
        p.event_id("toolCall", &tool("Mock Search", "core/workflow/template/bing", "", ""), "call_mock");
        let split = params.char_indices().nth(params.chars().count() / 2).map_or(0, |(i, _)| i);
        p.event_id("toolParams", &tool("", "", &params[..split], ""), "call_mock");
        p.event_id("toolParams", &tool("", "", &params[split..], ""), "call_mock");
        p.event_id("toolResponse", &tool("", "", "", "mock tool result"), "call_mock");
    }
    if let Some(r) = &run.reasoning {
        for piece in pieces(r) {
            p.delta("reasoning_content", &piece);
        }
    }
    match (bulk, &run.answer) {
        (_, None) => {}
        (Some(v), Some(_)) if v.realistic => {
            for piece in REALISTIC.iter().take(v.n.min(2)) {
                p.delta("content", piece);
            }
            if v.n > 2 {
                let frames = (2..2 + REALISTIC.len())
                    .map(|i| {
                        let value = json_str(REALISTIC[i % REALISTIC.len()]);
                        sse_frame(detail, "answer", &chunk("content", value.as_bytes(), "null")).expect("answer frame")
                    })
                    .collect();
                p.steps.push(Step::Cycle(frames, v.n - 2));
            }
        }
        (Some(Volume { n, bytes, .. }), Some(_)) => {
            let content = "x".repeat(bytes);
            for _ in 0..n.min(2) {
                p.delta("content", &content);
            }
            if n > 2 {
                let value = json_str(&content);
                let frame = sse_frame(detail, "answer", &chunk("content", value.as_bytes(), "null"));
                p.steps.push(Step::Bulk(frame.expect("answer frame"), n - 2));
            }
        }
        (None, Some(a)) => {
            for piece in pieces(a) {
                p.delta("content", &piece);
            }
        }
    }
    // Answers shorter than two chunks: the faults strike at the end of the answer.
    p.malformed_frame();
    p.cut_here();
    if let Some(v) = &run.update_vars {
        p.event("updateVariables", &v.to_string());
    }
    if v2 && detail {
        for r in &run.responses[1..] {
            p.event("flowNodeResponse", &r.to_string());
        }
    }
    if let Some(i) = &run.interactive {
        p.event("interactive", &json!({ "interactive": i }).to_string());
    }
    p.steps.push(Step::End);
    p.event("workflowDuration", r#"{"durationSeconds":0.01}"#);
    // The title sender is awaited after the workflow, before the stop chunk.
    if let Some(t) = &extras.title {
        p.event("chatTitle", &json!({ "title": t }).to_string());
    }
    let stop = chunk("content", b"null", r#""stop""#);
    p.event("answer", std::str::from_utf8(&stop).expect("ascii"));
    let flow_responses = (!v2 && detail).then(|| Value::Array(run.responses.clone()).to_string());
    // Newest v1 writes flowResponses before [DONE]; 4.14.x after it.
    if let (Some(f), true) = (&flow_responses, ids) {
        p.event("flowResponses", f);
    }
    p.event("answer", "[DONE]");
    if let (Some(f), false) = (&flow_responses, ids) {
        p.event("flowResponses", f);
    }
    p.steps
}

/// The client went away.
struct Gone;

/// Counts a live stream producer for `MockServer::active_streams` until it is dropped.
struct Live(Arc<AtomicUsize>);

impl Live {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Live(counter.clone())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The producing end of a stream: heartbeats, `slow_stream` pacing, and disconnect detection.
struct Out {
    tx: Sender<io::Result<Bytes>>,
    detail: bool,
    heartbeat: Bytes,
    every: Option<Duration>,
    next_beat: Instant,
    slow: Option<Duration>,
    started: bool,
    /// The chat this stream runs on, if any (dropped with the producer).
    running: Option<Running>,
    _live: Live,
}

impl Out {
    fn new(tx: Sender<io::Result<Bytes>>, detail: bool, heartbeat_ms: u64, live: Live) -> Self {
        let every = (heartbeat_ms > 0).then(|| Duration::from_millis(heartbeat_ms));
        let hb = chunk("content", b"\"\"", "null");
        Out {
            tx,
            detail,
            heartbeat: sse_frame(detail, "answer", &hb).expect("answer frame"),
            every,
            next_beat: Instant::now() + every.unwrap_or_default(),
            slow: None,
            started: false,
            running: None,
            _live: live,
        }
    }

    /// `/api/v2/chat/stop` was called for this stream's chat.
    fn stopped(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.stop.load(Ordering::SeqCst))
    }

    async fn push(&mut self, b: Bytes) -> Result<(), Gone> {
        self.tx.send(Ok(b)).await.map_err(|_| Gone)
    }

    /// Sends one event (or one batch of events), paced by `slow_stream`.
    async fn send(&mut self, b: Bytes) -> Result<(), Gone> {
        if let (Some(d), true) = (self.slow, self.started) {
            self.wait(d, true).await?;
        }
        self.started = true;
        self.beat().await?;
        self.push(b).await
    }

    /// A heartbeat if one is due (FastGPT sends one every 10 s while the workflow runs).
    async fn beat(&mut self) -> Result<(), Gone> {
        if let Some(every) = self.every {
            if Instant::now() >= self.next_beat {
                self.next_beat = Instant::now() + every;
                self.push(self.heartbeat.clone()).await?;
            }
        }
        Ok(())
    }

    /// Waits until hyper has taken every queued chunk and had time to write it: hyper drops its
    /// unwritten buffer when a body fails, and the client must see the chunks before the cut.
    async fn drain(&mut self) -> Result<(), Gone> {
        while self.tx.capacity() < self.tx.max_capacity() {
            if self.tx.is_closed() {
                return Err(Gone);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(())
    }

    /// Waits `d`, with heartbeats when `beats`; stops early when the client goes away.
    async fn wait(&mut self, d: Duration, beats: bool) -> Result<(), Gone> {
        let end = Instant::now() + d;
        loop {
            let wake = match self.every {
                Some(_) if beats => end.min(self.next_beat),
                _ => end,
            };
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => {}
                _ = self.tx.closed() => return Err(Gone),
            }
            if Instant::now() >= end {
                return Ok(());
            }
            self.beat().await?;
        }
    }
}

async fn produce(out: &mut Out, steps: Vec<Step>, fault: Option<&Fault>) -> Result<(), Gone> {
    // A stopped run drops what is left of the workflow and still ends the stream properly.
    let mut ended = false;
    for step in steps {
        if !ended && out.stopped() && !matches!(step, Step::End) {
            continue;
        }
        match step {
            Step::End => ended = true,
            Step::Data(b) => out.send(b).await?,
            Step::Huge(n) => {
                // The frame of an empty chunk, split where the content goes; the filler is
                // sliced from one static buffer, never materialised.
                let empty = chunk("content", b"\"\"", "null");
                let frame = sse_frame(out.detail, "answer", &empty).expect("answer frame");
                let at = frame.windows(11).position(|w| w == br#""content":""#).expect("content") + 11;
                out.send(frame.slice(..at)).await?;
                let mut left = n;
                while left > 0 {
                    let k = left.min(FILLER.len());
                    out.push(Bytes::from_static(&FILLER[..k])).await?;
                    left -= k;
                }
                out.push(frame.slice(at..)).await?;
            }
            Step::Bulk(frame, count) => {
                if out.slow.is_some() {
                    for _ in 0..count {
                        out.send(frame.clone()).await?;
                    }
                    continue;
                }
                // Many frames per chunk, all slices of one buffer formatted once.
                let per = (32 * 1024 / frame.len()).max(1);
                let batch = Bytes::from(frame.repeat(per.min(count)));
                let mut left = count;
                while left > 0 {
                    let k = left.min(per);
                    out.send(batch.slice(..k * frame.len())).await?;
                    left -= k;
                }
            }
            Step::Cycle(frames, count) => {
                if out.slow.is_some() {
                    for frame in frames.iter().cycle().take(count) {
                        out.send(frame.clone()).await?;
                    }
                    continue;
                }
                // Whole cycles per chunk (~32 KiB), formatted once; `ends[k]`: the end of frame k.
                let cycle_len: usize = frames.iter().map(Bytes::len).sum();
                let per = frames.len() * (32 * 1024 / cycle_len).max(1);
                let mut buf = Vec::with_capacity(per / frames.len() * cycle_len);
                let mut ends = Vec::with_capacity(per);
                for frame in frames.iter().cycle().take(per) {
                    buf.extend_from_slice(frame);
                    ends.push(buf.len());
                }
                let batch = Bytes::from(buf);
                let mut left = count;
                while left > 0 {
                    let k = left.min(per);
                    out.send(batch.slice(..ends[k - 1])).await?;
                    left -= k;
                }
            }
            Step::Cut => match fault {
                Some(Fault::ResetMidStream) => {
                    out.drain().await?;
                    let err = io::Error::new(io::ErrorKind::ConnectionReset, "mock reset_mid_stream");
                    let _ = out.tx.send(Err(err)).await;
                    return Ok(());
                }
                Some(Fault::StallMidStream(ms)) => {
                    // Truly silent, and no heartbeat burst right after it either.
                    out.wait(Duration::from_millis(*ms), false).await?;
                    out.next_beat = Instant::now() + out.every.unwrap_or_default()
                }
                Some(Fault::Truncate) => return Ok(()),
                Some(Fault::ErrorMidStream) => {
                    let f = sse_frame(out.detail, "error", br#"{"message":"mock stream failure"}"#);
                    out.push(f.expect("error frame")).await?;
                    return Ok(());
                }
                _ => {}
            },
        }
    }
    Ok(())
}
