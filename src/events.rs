//! FastGPT's stream, interpreted: each SSE frame becomes a typed [`StreamEvent`] (with the answer
//! and reasoning deltas extracted), and a [`StreamInterpreter`] accumulates the whole answer into
//! the non-stream response shape. Sans-IO like the SSE parser under it.
//!
//! End-of-stream rules: `data: [DONE]` is the end marker. Whether the stream is in detail mode is
//! read from the frames, not from the request (workflow-tool apps force detail on whatever the
//! request says): a named frame other than `chatTitle` and `error` (which non-detail streams name
//! too) means detail. Without detail nothing follows `[DONE]`, so the stream ends there; in detail
//! mode v1 sends `flowResponses` after it, so the stream is read until the server closes. EOF
//! without `[DONE]` is a truncation, never a success. An `event: error` frame ends the stream with
//! that error.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{kind_for_envelope, Error, ErrorKind};
use crate::response::Response;
use crate::sse::SseEvent;

/// The kind of a stream event; numbers are the C ABI's `FASTGPT_EVENT_*` (append-only).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Answer = 1,
    FastAnswer = 2,
    FlowNodeStatus = 3,
    FlowNodeResponse = 4,
    FlowResponses = 5,
    ToolCall = 6,
    ToolParams = 7,
    ToolResponse = 8,
    Interactive = 9,
    UpdateVariables = 10,
    WorkflowDuration = 11,
    Error = 12,
    Done = 13,
    Unknown = 14,
    Complete = 15,
    ChatTitle = 16,
    Plan = 17,
    PlanStatus = 18,
    SandboxStatus = 19,
    SkillCall = 20,
    UploadProgress = 21,
}

impl EventKind {
    /// The kind of a frame by its SSE event name; a nameless frame is an OpenAI-style answer.
    pub fn from_name(name: &str) -> EventKind {
        match name {
            "" | "answer" => EventKind::Answer,
            "fastAnswer" => EventKind::FastAnswer,
            "flowNodeStatus" => EventKind::FlowNodeStatus,
            "flowNodeResponse" => EventKind::FlowNodeResponse,
            "flowResponses" => EventKind::FlowResponses,
            "toolCall" => EventKind::ToolCall,
            "toolParams" => EventKind::ToolParams,
            "toolResponse" => EventKind::ToolResponse,
            "interactive" => EventKind::Interactive,
            "updateVariables" => EventKind::UpdateVariables,
            "workflowDuration" => EventKind::WorkflowDuration,
            "error" => EventKind::Error,
            "chatTitle" => EventKind::ChatTitle,
            "plan" => EventKind::Plan,
            "planStatus" => EventKind::PlanStatus,
            "sandboxStatus" => EventKind::SandboxStatus,
            "skillCall" => EventKind::SkillCall,
            // Older servers' `stepTitle`, `collectionForm`, `topAgentConfig` and anything newer.
            _ => EventKind::Unknown,
        }
    }
}

/// A text delta of an answer frame: a slice of the frame's own data when the JSON string had no
/// escapes (the common case: no copy), else the decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    InData(std::ops::Range<usize>),
    Decoded(String),
}

/// One frame of the stream, ready for the caller.
#[derive(Debug, Clone)]
pub struct StreamEvent {
    pub kind: EventKind,
    /// The SSE event name as sent ("" when none).
    pub name: String,
    /// The data payload, byte-exact.
    pub data: Vec<u8>,
    /// ANSWER / FAST_ANSWER: the content delta, never empty (heartbeats and the stop chunk: None).
    pub text: Option<Delta>,
    /// ANSWER: the reasoning delta, never empty.
    pub reasoning: Option<Delta>,
    /// ERROR: the error the frame carries (the stream then ends with it). Boxed: events are moved
    /// through the mailbox by value, and the common ones carry no error.
    pub error: Option<Box<Error>>,
    /// UPLOAD_PROGRESS: (bytes of the file sent, the file's size).
    pub progress: Option<(u64, u64)>,
}

impl StreamEvent {
    /// An upload's progress report; `data` holds the same as `{"sent":N,"total":M}`.
    pub fn upload_progress(sent: u64, total: u64) -> StreamEvent {
        StreamEvent {
            kind: EventKind::UploadProgress,
            name: String::new(),
            data: format!(r#"{{"sent":{sent},"total":{total}}}"#).into_bytes(),
            text: None,
            reasoning: None,
            error: None,
            progress: Some((sent, total)),
        }
    }

    /// The answer text delta.
    pub fn text(&self) -> Option<&str> {
        self.text.as_ref().map(|d| self.delta(d))
    }

    /// The reasoning delta.
    pub fn reasoning(&self) -> Option<&str> {
        self.reasoning.as_ref().map(|d| self.delta(d))
    }

    fn delta<'a>(&'a self, delta: &'a Delta) -> &'a str {
        match delta {
            // In-data ranges are only made over data that was checked to be UTF-8.
            Delta::InData(range) => std::str::from_utf8(&self.data[range.clone()]).expect("checked UTF-8"),
            Delta::Decoded(text) => text,
        }
    }
}

/// FastGPT's answer chunk, byte for byte, around its content: a frame that is exactly
/// `PREFIX + text + SUFFIX`, where text holds no quote, backslash or control character, is that
/// JSON object with `content` = text, so it needs no JSON parser (most frames of a stream).
const CANONICAL_PREFIX: &[u8] =
    br#"{"id":"","object":"","created":0,"model":"","choices":[{"delta":{"role":"assistant","content":""#;
const CANONICAL_SUFFIX: &[u8] = br#""},"index":0,"finish_reason":null}]}"#;

/// Detail-mode frames carry the id of the answer value they belong to, as the object's first or
/// last member: `{"responseValueId":"v1",` + the rest, or the rest + `,"responseValueId":"v1"}`.
const VALUE_ID_HEAD: &[u8] = br#"{"responseValueId":""#;
const VALUE_ID_TAIL: &[u8] = br#","responseValueId":""#;

/// The content of a canonical frame: where it is in `data`, and the text (decoded when it has
/// escapes). A plain `responseValueId` member at either end of the object is allowed (it carries
/// no text).
fn canonical_content(data: &[u8]) -> Option<(std::ops::Range<usize>, Cow<'_, str>)> {
    // Where the members after `{` start, and where those before the final `}` end.
    let (members_start, members_end) = (value_id_head_end(data).unwrap_or(1), value_id_tail_start(data));
    let members_end = members_end.unwrap_or(data.len().checked_sub(1)?);
    let (prefix, suffix) = (&CANONICAL_PREFIX[1..], &CANONICAL_SUFFIX[..CANONICAL_SUFFIX.len() - 1]);
    let body = data.get(members_start..members_end)?;
    if data.first() != Some(&b'{') || data.last() != Some(&b'}') || body.len() < prefix.len() + suffix.len() {
        return None;
    }
    if !body.starts_with(prefix) || !body.ends_with(suffix) {
        return None;
    }
    let range = members_start + prefix.len()..members_end - suffix.len();
    let content = &data[range.clone()];
    if plain(content) {
        return Some((range, Cow::Borrowed(std::str::from_utf8(content).ok()?)));
    }
    // Text with escapes (newlines, quotes in code...: a fifth of a real answer's frames).
    Some((range, Cow::Owned(unescape(content)?)))
}

/// The value of a JSON string's body with escapes, or None when it is not one (a raw quote or
/// control character, a bad or cut escape, a lone surrogate: left to the parser to report).
fn unescape(body: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = memchr::memchr(b'\\', rest) {
        let (run, tail) = rest.split_at(at);
        if !plain(run) {
            return None;
        }
        out.extend_from_slice(run);
        let (&kind, tail) = tail[1..].split_first()?;
        rest = tail;
        let byte = match kind {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let (unit, tail) = hex4(rest)?;
                rest = tail;
                let c = match unit {
                    0xD800..=0xDBFF => {
                        let tail = rest.strip_prefix(b"\\u")?;
                        let (low, tail) = hex4(tail)?;
                        rest = tail;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    _ => char::from_u32(unit)?,
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            _ => return None,
        };
        out.push(byte);
    }
    if !plain(rest) {
        return None;
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).ok()
}

/// Four hex digits.
fn hex4(s: &[u8]) -> Option<(u32, &[u8])> {
    let digits = s.get(..4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((u32::from_str_radix(text, 16).ok()?, &s[4..]))
}

/// A plain string's value (no quote, backslash or control character).
fn plain(value: &[u8]) -> bool {
    value.iter().all(|&b| b != b'"' && b != b'\\' && b >= 0x20)
}

/// `{"responseValueId":"v1",...`: where the next member starts.
fn value_id_head_end(data: &[u8]) -> Option<usize> {
    let rest = data.strip_prefix(VALUE_ID_HEAD)?;
    let quote = memchr::memchr(b'"', rest)?;
    (plain(&rest[..quote]) && rest.get(quote + 1) == Some(&b',')).then_some(VALUE_ID_HEAD.len() + quote + 2)
}

/// `...,"responseValueId":"v1"}`: where the member (its comma) starts.
fn value_id_tail_start(data: &[u8]) -> Option<usize> {
    let body = data.strip_suffix(b"\"}")?;
    let open = memchr::memrchr(b'"', body)?;
    let start = (open + 1).checked_sub(VALUE_ID_TAIL.len())?;
    (&body[start..=open] == VALUE_ID_TAIL && plain(&body[open + 1..])).then_some(start)
}

#[derive(Deserialize)]
struct Chunk<'a> {
    /// The chat id, when the server fills it (FastGPT writes the request's `chatId` here).
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: Vec<Choice<'a>>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default)]
    delta: Option<WireDelta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WireDelta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
}

/// Turns frames into events and accumulates the answer.
pub struct StreamInterpreter {
    /// Detail mode, as the frames show it.
    detail: bool,
    chat_id: String,
    title: Option<Value>,
    answer: String,
    reasoning: String,
    finish_reason: Option<String>,
    flow_responses: Option<Value>,
    node_responses: Vec<Value>,
    new_variables: Option<Value>,
    interactive: Option<Value>,
    duration_seconds: Option<Value>,
    done: bool,
    error: Option<Error>,
    frames: u64,
}

impl StreamInterpreter {
    /// `chat_id`: the request's `chatId`, if any.
    pub fn new(chat_id: Option<String>) -> StreamInterpreter {
        StreamInterpreter {
            detail: false,
            chat_id: chat_id.unwrap_or_default(),
            title: None,
            answer: String::new(),
            reasoning: String::new(),
            finish_reason: None,
            flow_responses: None,
            node_responses: Vec::new(),
            new_variables: None,
            interactive: None,
            duration_seconds: None,
            done: false,
            error: None,
            frames: 0,
        }
    }

    /// True once `[DONE]` arrived.
    pub fn saw_done(&self) -> bool {
        self.done
    }

    /// True when nothing more needs to be read: an error frame, or `[DONE]` without detail.
    pub fn finished(&self) -> bool {
        self.error.is_some() || (self.done && !self.detail)
    }

    /// The error frame's error, once one arrived.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Interprets one frame. An answer frame that is not JSON fails the stream (`DECODE`).
    pub fn on_frame(&mut self, frame: SseEvent) -> Result<StreamEvent, Error> {
        self.frames += 1;
        let SseEvent { event: name, data, .. } = frame;
        let mut kind = EventKind::from_name(&name);
        if !name.is_empty() && !matches!(kind, EventKind::ChatTitle | EventKind::Error) {
            self.detail = true;
        }
        let mut text = None;
        let mut reasoning = None;
        let mut error = None;
        match kind {
            EventKind::Answer | EventKind::FastAnswer if data.as_slice() == b"[DONE]" => {
                kind = EventKind::Done;
                self.done = true;
            }
            EventKind::Answer | EventKind::FastAnswer => {
                (text, reasoning) = self.on_answer(&data)?;
            }
            EventKind::Error => {
                let err = stream_error(&data);
                self.error = Some(err.clone());
                error = Some(Box::new(err));
            }
            EventKind::FlowResponses => self.flow_responses = parse_json(&data),
            EventKind::FlowNodeResponse => self.node_responses.extend(parse_json(&data)),
            EventKind::UpdateVariables => self.new_variables = parse_json(&data),
            EventKind::Interactive => {
                self.interactive = parse_json(&data).map(|mut v| v.get_mut("interactive").map(Value::take).unwrap_or(v))
            }
            EventKind::WorkflowDuration => {
                self.duration_seconds =
                    parse_json(&data).and_then(|mut v| v.get_mut("durationSeconds").map(Value::take))
            }
            EventKind::ChatTitle => self.title = Some(title_of(&data)),
            _ => {}
        }
        Ok(StreamEvent { kind, name, data, text, reasoning, error, progress: None })
    }

    fn on_answer(&mut self, data: &[u8]) -> Result<(Option<Delta>, Option<Delta>), Error> {
        if let Some((range, text)) = canonical_content(data) {
            if text.is_empty() {
                return Ok((None, None)); // a heartbeat
            }
            self.answer.push_str(&text);
            return Ok((
                Some(match text {
                    Cow::Borrowed(_) => Delta::InData(range),
                    Cow::Owned(decoded) => Delta::Decoded(decoded),
                }),
                None,
            ));
        }
        // Invalid UTF-8 from the server is replaced, not fatal: the raw bytes stay in `data`.
        let utf8 = match std::str::from_utf8(data) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(data),
        };
        let chunk: Chunk = match serde_json::from_str(&utf8) {
            Ok(c) => c,
            Err(e) if e.is_data() => return Ok((None, None)), // valid JSON of another shape
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::Decode,
                    format!("stream frame {} is not valid JSON ({e}): {}", self.frames, crate::error::snippet(data)),
                ))
            }
        };
        if self.chat_id.is_empty() {
            if let Some(id) = chunk.id.as_deref().filter(|id| !id.is_empty()) {
                self.chat_id = id.to_owned();
            }
        }
        let Some(choice) = chunk.choices.into_iter().next() else { return Ok((None, None)) };
        if let Some(reason) = choice.finish_reason {
            self.finish_reason = Some(reason.into_owned());
        }
        let Some(delta) = choice.delta else { return Ok((None, None)) };
        // A string borrowed from `utf8` that is a borrow of `data` itself can be kept as a range.
        let base = data.as_ptr() as usize;
        let in_data = matches!(utf8, Cow::Borrowed(_));
        let keep = |text: Option<Cow<str>>, total: &mut String| {
            let text = text.filter(|t| !t.is_empty())?;
            total.push_str(&text);
            Some(match text {
                Cow::Borrowed(t) if in_data => {
                    let start = t.as_ptr() as usize - base;
                    Delta::InData(start..start + t.len())
                }
                other => Delta::Decoded(other.into_owned()),
            })
        };
        let text = keep(delta.content, &mut self.answer);
        let reasoning = keep(delta.reasoning_content, &mut self.reasoning);
        Ok((text, reasoning))
    }

    /// At EOF: the accumulated response, or why the stream failed.
    pub fn finish(self, http_status: u16, headers: reqwest::header::HeaderMap) -> Result<Response, Error> {
        // A failure keeps the stream's headers, as every failure after them does.
        if let Some(err) = self.error {
            return Err(err.with_headers(headers));
        }
        if !self.done {
            return Err(Error::new(
                ErrorKind::StreamTruncated,
                format!("the stream ended after {} frames without [DONE]", self.frames),
            )
            .with_headers(headers));
        }
        let body = self.response_json();
        let len = body.len();
        Ok(Response { status: http_status, headers, body, data: 0..len })
    }

    /// The accumulated answer in the shape of the non-stream response (see the header docs).
    fn response_json(self) -> Vec<u8> {
        let mut out = serde_json::Map::new();
        let response_data = match self.flow_responses {
            Some(v) => Some(v),
            None if !self.node_responses.is_empty() => Some(Value::Array(self.node_responses)),
            None => None,
        };
        if let Some(v) = response_data {
            out.insert("responseData".into(), v);
        }
        if let Some(v) = self.new_variables {
            out.insert("newVariables".into(), v);
        }
        out.insert("id".into(), Value::String(self.chat_id));
        out.insert("model".into(), Value::String(String::new()));
        let mut message = serde_json::Map::new();
        message.insert("role".into(), "assistant".into());
        message.insert("content".into(), Value::String(self.answer));
        if !self.reasoning.is_empty() {
            message.insert("reasoning_content".into(), Value::String(self.reasoning));
        }
        let mut choice = serde_json::Map::new();
        choice.insert("message".into(), Value::Object(message));
        choice.insert("finish_reason".into(), self.finish_reason.map_or(Value::Null, Value::String));
        choice.insert("index".into(), 0.into());
        out.insert("choices".into(), Value::Array(vec![Value::Object(choice)]));
        if let Some(v) = self.title {
            out.insert("title".into(), v);
        }
        if let Some(v) = self.interactive {
            out.insert("interactive".into(), v);
        }
        if let Some(v) = self.duration_seconds {
            out.insert("durationSeconds".into(), v);
        }
        serde_json::to_vec(&Value::Object(out)).expect("a JSON value serializes")
    }
}

fn parse_json(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// A `chatTitle` frame's title: `{"title": "..."}`, a JSON string, or the text as sent.
fn title_of(data: &[u8]) -> Value {
    match parse_json(data) {
        Some(Value::Object(mut o)) if o.contains_key("title") => o.remove("title").unwrap_or(Value::Null),
        Some(Value::String(s)) => Value::String(s),
        _ => Value::String(String::from_utf8_lossy(data).into_owned()),
    }
}

/// The error an `event: error` frame carries: a FastGPT envelope, or `{"message": "..."}`.
fn stream_error(data: &[u8]) -> Error {
    let parsed: Option<Value> = parse_json(data);
    let code = parsed.as_ref().and_then(|v| match &v["code"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| crate::error::snippet(data));
    let status_text = parsed.as_ref().and_then(|v| v.get("statusText").and_then(Value::as_str)).unwrap_or("");
    let error_type = parsed.as_ref().and_then(|v| v.get("errorType").and_then(Value::as_str)).unwrap_or("");
    let zod = parsed.as_ref().is_some_and(|v| v.get("zodError").is_some());
    let kind = if code.is_none() && status_text.is_empty() && error_type.is_empty() {
        ErrorKind::Api
    } else {
        kind_for_envelope(0, code.unwrap_or(0), status_text, error_type, &message, zod)
    };
    let text = match (code, status_text) {
        (Some(c), st) if !st.is_empty() && st != "error" => format!("FastGPT stream error {c}: {st}: {message}"),
        (Some(c), _) => format!("FastGPT stream error {c}: {message}"),
        (None, _) => format!("FastGPT stream error: {message}"),
    };
    let mut err = Error::new(kind, text).with_body(data);
    err.api_code = code.unwrap_or(0);
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::SseParser;

    fn frames(transcript: &str) -> Vec<SseEvent> {
        let mut p = SseParser::new(1 << 20);
        let mut out = Vec::new();
        p.feed(transcript.as_bytes(), &mut out).unwrap();
        out
    }

    fn run(transcript: &str) -> (Vec<StreamEvent>, Result<Response, Error>) {
        run_as(Some("c1"), transcript)
    }

    /// Feeds `transcript` as the client reads a stream: frame by frame until `finished()`.
    fn run_as(chat_id: Option<&str>, transcript: &str) -> (Vec<StreamEvent>, Result<Response, Error>) {
        let mut it = StreamInterpreter::new(chat_id.map(str::to_owned));
        let mut events = Vec::new();
        for f in frames(transcript) {
            match it.on_frame(f) {
                Ok(ev) => events.push(ev),
                Err(e) => return (events, Err(e)),
            }
            if it.finished() {
                break;
            }
        }
        (events, it.finish(200, Default::default()))
    }

    const CHUNK: &str = r#"{"id":"","object":"","created":0,"model":"","choices":[{"delta":{"role":"assistant","content":"TEXT"},"index":0,"finish_reason":null}]}"#;
    const STOP: &str = r#"{"id":"","object":"","created":0,"model":"","choices":[{"delta":{"role":"assistant","content":null},"index":0,"finish_reason":"stop"}]}"#;

    fn chunk(text: &str) -> String {
        CHUNK.replace("TEXT", text)
    }

    #[test]
    fn plain_stream_accumulates_the_answer() {
        let t = format!(
            "data: {}\n\ndata: {}\n\ndata: {}\n\ndata: {STOP}\n\ndata: [DONE]\n\n",
            chunk("你好"),
            chunk(""),
            chunk("！今天")
        );
        let (events, result) = run(&t);
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        use EventKind::*;
        assert_eq!(kinds, [Answer, Answer, Answer, Answer, Done]);
        assert_eq!(events[0].text(), Some("你好"));
        assert_eq!(events[1].text(), None, "heartbeat is not text");
        assert_eq!(events[3].text(), None, "stop chunk is not text");
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["choices"][0]["message"]["content"], "你好！今天");
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
        assert_eq!(body["id"], "c1");
    }

    #[test]
    fn detail_stream_reads_flow_responses_after_done() {
        let t = format!(
            "event: flowNodeStatus\ndata: {{\"status\":\"running\",\"name\":\"AI\"}}\n\n\
             event: answer\ndata: {{\"choices\":[{{\"delta\":{{\"reasoning_content\":\"think\"}}}}]}}\n\n\
             event: answer\ndata: {}\n\n\
             event: updateVariables\ndata: {{\"uid\":\"u1\"}}\n\n\
             event: interactive\ndata: {{\"interactive\":{{\"type\":\"userSelect\"}}}}\n\n\
             event: workflowDuration\ndata: {{\"durationSeconds\":1.5}}\n\n\
             event: answer\ndata: {STOP}\n\n\
             event: answer\ndata: [DONE]\n\n\
             event: flowResponses\ndata: [{{\"nodeId\":\"n1\"}}]\n\n\
             event: stepTitle\ndata: {{}}\n\n",
            chunk("hi")
        );
        let (events, result) = run(&t);
        use EventKind::*;
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                FlowNodeStatus,
                Answer,
                Answer,
                UpdateVariables,
                Interactive,
                WorkflowDuration,
                Answer,
                Done,
                FlowResponses,
                Unknown
            ]
        );
        assert_eq!(events[1].reasoning(), Some("think"));
        assert_eq!(events[1].text(), None);
        assert_eq!(events[9].name, "stepTitle", "older servers' events pass through as UNKNOWN");
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["responseData"][0]["nodeId"], "n1");
        assert_eq!(body["newVariables"]["uid"], "u1");
        assert_eq!(body["interactive"]["type"], "userSelect");
        assert_eq!(body["choices"][0]["message"]["reasoning_content"], "think");
        assert_eq!(body["durationSeconds"], 1.5);
    }

    #[test]
    fn detail_mode_is_read_from_the_frames_not_the_request() {
        // A workflow-tool app forces detail on whatever the request said: its frames are named,
        // and `flowResponses` (with `pluginOutput`) follows [DONE].
        let t = format!(
            "event: answer\ndata: {}\n\nevent: answer\ndata: [DONE]\n\n\
             event: flowResponses\ndata: [{{\"moduleType\":\"pluginOutput\",\"pluginOutput\":{{\"out\":1}}}}]\n\n",
            chunk("x")
        );
        let (events, result) = run(&t);
        assert_eq!(events.last().unwrap().kind, EventKind::FlowResponses, "read past [DONE]");
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["responseData"][0]["pluginOutput"]["out"], 1);

        // chatTitle and error frames are named without detail too: they do not mean detail.
        let t = format!(
            "event: chatTitle\ndata: {{\"title\":\"Greeting\"}}\n\ndata: {}\n\ndata: [DONE]\n\ndata: {{\"late\":1}}\n\n",
            chunk("hi")
        );
        let (events, result) = run(&t);
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::ChatTitle, EventKind::Answer, EventKind::Done], "stops at [DONE]");
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["title"], "Greeting", "the title is kept in the accumulated answer");
    }

    #[test]
    fn every_current_event_has_a_kind() {
        use EventKind::*;
        for (name, kind) in [
            ("answer", Answer),
            ("fastAnswer", FastAnswer),
            ("flowNodeStatus", FlowNodeStatus),
            ("flowNodeResponse", FlowNodeResponse),
            ("flowResponses", FlowResponses),
            ("toolCall", ToolCall),
            ("toolParams", ToolParams),
            ("toolResponse", ToolResponse),
            ("interactive", Interactive),
            ("updateVariables", UpdateVariables),
            ("workflowDuration", WorkflowDuration),
            ("error", Error),
            ("chatTitle", ChatTitle),
            ("plan", Plan),
            ("planStatus", PlanStatus),
            ("sandboxStatus", SandboxStatus),
            ("skillCall", SkillCall),
            ("stepTitle", Unknown),
            ("collectionForm", Unknown),
            ("topAgentConfig", Unknown),
            ("somethingNew", Unknown),
        ] {
            assert_eq!(EventKind::from_name(name), kind, "{name}");
        }
        let t = "event: plan\ndata: {\"steps\":[]}\n\nevent: planStatus\ndata: {\"id\":\"s1\"}\n\n\
                 event: sandboxStatus\ndata: {\"status\":\"ready\"}\n\nevent: skillCall\ndata: {\"name\":\"k\"}\n\n\
                 event: chatTitle\ndata: \"T\"\n\nevent: answer\ndata: [DONE]\n\n";
        let (events, result) = run(t);
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [Plan, PlanStatus, SandboxStatus, SkillCall, ChatTitle, Done]);
        assert_eq!(events[0].data, br#"{"steps":[]}"#, "raw payload kept");
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["title"], "T");
    }

    #[test]
    fn the_chat_id_comes_from_the_request_else_from_the_frames() {
        let framed = r#"{"id":"srv42","object":"","created":0,"model":"","choices":[{"delta":{"content":"a"},"index":0,"finish_reason":null}]}"#;
        let t = format!("data: {framed}\n\ndata: [DONE]\n\n");
        let (_, result) = run_as(None, &t);
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["id"], "srv42");
        let (_, result) = run_as(Some("mine"), &t);
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["id"], "mine", "the request's chatId wins");
        let (_, result) = run_as(None, &format!("data: {}\n\ndata: [DONE]\n\n", chunk("a")));
        let body: Value = serde_json::from_slice(&result.unwrap().body).unwrap();
        assert_eq!(body["id"], "", "FastGPT's frames carry no id when the request had none");
    }

    #[test]
    fn error_frames_are_classified_by_name() {
        let (_, result) = run("event: error\ndata: {\"code\":500002,\"statusText\":\"aiPointsNotEnough\",\"message\":\"m\",\"data\":null}\n\n");
        assert_eq!(result.unwrap_err().kind, ErrorKind::Quota);
        let (_, result) =
            run("event: error\ndata: {\"code\":507000,\"statusText\":\"chatIsGenerating\",\"message\":\"m\"}\n\n");
        assert_eq!(result.unwrap_err().kind, ErrorKind::Busy);
    }

    #[test]
    fn error_frame_ends_the_stream_with_its_code() {
        let t = format!(
            "data: {}\n\nevent: error\ndata: {{\"code\":514,\"statusText\":\"unAuthApiKey\",\"message\":\"m\",\"data\":null}}\n\n",
            chunk("partial")
        );
        let (events, result) = run(&t);
        assert_eq!(events.last().unwrap().kind, EventKind::Error);
        let err = result.unwrap_err();
        assert_eq!((err.kind, err.api_code), (ErrorKind::Auth, 514));
        let (_, result) = run("event: error\ndata: {\"message\":\"boom\"}\n\n");
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Api);
        assert!(err.message.contains("boom"));
    }

    #[test]
    fn canonical_frames_skip_the_parser_and_agree_with_it() {
        for content in [
            "hello",
            "你好",
            "",
            "with \\\"quote\\\"",
            "tab\\t",
            "back\\\\slash",
            "\\u4f60",
            "a\\nb",
            "\\ud83d\\ude00 smile",
            "\\/\\b\\f\\r",
            "```rust\\nlet s = \\\"hi\\\";\\n```",
        ] {
            let data = chunk(content).into_bytes();
            let parsed: Value = serde_json::from_slice(&data).unwrap();
            let expected = parsed["choices"][0]["delta"]["content"].as_str().unwrap().to_owned();
            let (_, fast) = canonical_content(&data).unwrap_or_else(|| panic!("fast path: {content}"));
            assert_eq!(fast, expected, "{content}");
            let mut it = StreamInterpreter::new(None);
            let ev = it.on_frame(SseEvent { event: String::new(), data, id: None, retry: None }).unwrap();
            assert_eq!(ev.text().unwrap_or(""), expected, "{content}");
        }
        // Detail frames with their responseValueId at either end stay on the fast path.
        let canonical = chunk("hi");
        let tail = format!("{},\"responseValueId\":\"v1\"}}", &canonical[..canonical.len() - 1]);
        let head = format!("{{\"responseValueId\":\"v1\",{}", &canonical[1..]);
        for data in [tail, head] {
            let (range, text) = canonical_content(data.as_bytes()).unwrap_or_else(|| panic!("fast path: {data}"));
            assert_eq!((&*text, &data[range]), ("hi", "hi"));
            let parsed: Value = serde_json::from_str(&data).unwrap();
            assert_eq!(parsed["choices"][0]["delta"]["content"], "hi", "{data} is the chunk it claims");
        }
        for odd in [
            format!("{},\"responseValueId\":\"v\\\"1\"}}", &canonical[..canonical.len() - 1]),
            format!("{{\"responseValueId\":\"v1\"{}", &canonical[1..]),
            format!("{},\"other\":\"v1\"}}", &canonical[..canonical.len() - 1]),
        ] {
            assert!(canonical_content(odd.as_bytes()).is_none(), "{odd}");
        }
        // Bodies that are not a valid JSON string's are left to the parser (which reports them).
        for bad in ["cut\\", "bad\\x", "short\\u12", "lone\\ud83d", "lone\\ud83d\\u0041", "raw\"quote", "nul\\u0000ok"]
        {
            let data = chunk(bad).into_bytes();
            let fast = canonical_content(&data);
            match serde_json::from_slice::<Value>(&data) {
                Ok(v) => assert_eq!(
                    fast.map(|(_, t)| t.into_owned()).as_deref(),
                    v["choices"][0]["delta"]["content"].as_str(),
                    "{bad}"
                ),
                Err(_) => assert!(fast.is_none(), "{bad}"),
            }
        }
        // A near-canonical frame (a different finish_reason) goes through the parser.
        let data = STOP.as_bytes().to_vec();
        assert!(canonical_content(&data).is_none());
        let mut it = StreamInterpreter::new(None);
        it.on_frame(SseEvent { event: String::new(), data, id: None, retry: None }).unwrap();
        assert_eq!(it.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn missing_done_is_truncation() {
        let (_, result) = run(&format!("data: {}\n\n", chunk("a")));
        assert_eq!(result.unwrap_err().kind, ErrorKind::StreamTruncated);
    }

    #[test]
    fn malformed_json_is_a_decode_error_and_other_shapes_pass() {
        let (_, result) = run("data: {not json\n\n");
        assert_eq!(result.unwrap_err().kind, ErrorKind::Decode);
        let (events, _) = run("data: {\"choices\":\"odd\"}\n\ndata: [DONE]\n\n");
        assert_eq!(events[0].text(), None);
    }

    #[test]
    fn invalid_utf8_is_replaced_in_text_and_kept_in_data() {
        let mut it = StreamInterpreter::new(None);
        let data = b"{\"choices\":[{\"delta\":{\"content\":\"a\xffb\"}}]}".to_vec();
        let ev = it.on_frame(SseEvent { event: String::new(), data: data.clone(), id: None, retry: None }).unwrap();
        assert_eq!(ev.text(), Some("a\u{fffd}b"));
        assert_eq!(ev.data, data);
    }
}
