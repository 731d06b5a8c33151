//! Status codes, event kinds and version: plain integer constants (`#define` in C) so cgo and
//! Swift import them as they are. The numbers are the core's `ErrorKind` and `EventKind`
//! discriminants; a test checks they agree. Append-only: never renumber.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use crate::error::ErrorKind;

/// The result of every fallible function: `FASTGPT_OK` (0) or one of the `FASTGPT_ERR_*` values.
pub type fastgpt_status = i32;

pub const FASTGPT_OK: fastgpt_status = 0;
/// A required pointer argument was NULL.
pub const FASTGPT_ERR_NULL_ARGUMENT: fastgpt_status = 1;
/// A string argument is not valid UTF-8.
pub const FASTGPT_ERR_INVALID_UTF8: fastgpt_status = 2;
/// The request (or config) is not JSON, or not a JSON object.
pub const FASTGPT_ERR_INVALID_JSON: fastgpt_status = 3;
/// A field is missing, of the wrong type or out of range; the message names it.
pub const FASTGPT_ERR_INVALID_ARGUMENT: fastgpt_status = 4;
/// DNS, connection refused or reset before an answer, TLS handshake or certificate, proxy.
pub const FASTGPT_ERR_CONNECT: fastgpt_status = 10;
/// Connect, whole-call (`timeout_ms`) or stream idle (`stream_idle_timeout_ms`) timeout.
pub const FASTGPT_ERR_TIMEOUT: fastgpt_status = 11;
/// A non-2xx answer without a FastGPT envelope (see `fastgpt_error_http_status`).
pub const FASTGPT_ERR_HTTP: fastgpt_status = 12;
/// The key or account may not do this: an unknown, invalid or expired API key, or no access to the
/// app, chat, team or dataset (FastGPT `unAuthApiKey`, `unAuthorization`, `openapiUnAuth`,
/// `unAuthTeam`, `unAuthApp`, `unAuthChat`, ...; codes 403, 514), or HTTP 401/403.
pub const FASTGPT_ERR_AUTH: fastgpt_status = 13;
/// FastGPT code 429 (`tooManyRequest`) or HTTP 429, after the retries ran out.
pub const FASTGPT_ERR_RATE_LIMITED: fastgpt_status = 14;
/// A balance or limit ran out: `insufficientQuota` (510), `aiPointsNotEnough`, `openapiExceedLimit`
/// (the key's own limit), and the plan's dataset/app size and count limits.
pub const FASTGPT_ERR_QUOTA: fastgpt_status = 15;
/// Any other FastGPT error envelope or `event: error` frame (see `fastgpt_error_api_code`).
pub const FASTGPT_ERR_API: fastgpt_status = 16;
/// The answer is not what the endpoint returns: an HTML page (wrong base URL), bad JSON, an event
/// over `max_event_bytes`, a body over `max_response_bytes`.
pub const FASTGPT_ERR_DECODE: fastgpt_status = 17;
/// The stream ended (or the connection broke) before `[DONE]`.
pub const FASTGPT_ERR_STREAM_TRUNCATED: fastgpt_status = 18;
/// Busy, try again later: the chat is still generating its previous answer (FastGPT
/// `chatIsGenerating`, or HTTP 409 from the newest servers). Retried like a 429 for idempotent
/// calls only; a completion (which would run the app) is returned at once.
pub const FASTGPT_ERR_BUSY: fastgpt_status = 19;
/// Cancelled by a `fastgpt_cancel` token or by `fastgpt_client_free`.
pub const FASTGPT_ERR_CANCELLED: fastgpt_status = 20;
/// The callback returned non-zero.
pub const FASTGPT_ERR_ABORTED_BY_CALLBACK: fastgpt_status = 21;
/// Called in a child process forked after the library started: refused instead of hanging.
pub const FASTGPT_ERR_FORKED: fastgpt_status = 30;
/// An internal panic, caught at the boundary (a bug: please report it).
pub const FASTGPT_ERR_PANIC: fastgpt_status = 98;
pub const FASTGPT_ERR_INTERNAL: fastgpt_status = 99;

/// An answer content delta (`text`), a reasoning delta (`reasoning`), a heartbeat or the stop chunk
/// (both NULL). Named `answer` in detail mode, nameless OpenAI-style chunks otherwise.
pub const FASTGPT_EVENT_ANSWER: u32 = 1;
/// A fixed reply node's text (`text`).
pub const FASTGPT_EVENT_FAST_ANSWER: u32 = 2;
/// `flowNodeStatus`: a workflow node started running (`{"status":"running","name":...}`).
pub const FASTGPT_EVENT_FLOW_NODE_STATUS: u32 = 3;
/// `flowNodeResponse` (v2 endpoint): one node's response object.
pub const FASTGPT_EVENT_FLOW_NODE_RESPONSE: u32 = 4;
/// `flowResponses`: all node responses, sent after `[DONE]` in detail mode.
pub const FASTGPT_EVENT_FLOW_RESPONSES: u32 = 5;
/// `toolCall`: the model started a tool call.
pub const FASTGPT_EVENT_TOOL_CALL: u32 = 6;
/// `toolParams`: a delta of a tool call's arguments.
pub const FASTGPT_EVENT_TOOL_PARAMS: u32 = 7;
/// `toolResponse`: a tool's result.
pub const FASTGPT_EVENT_TOOL_RESPONSE: u32 = 8;
/// `interactive`: the workflow paused for user input (userSelect, userInput, ...).
pub const FASTGPT_EVENT_INTERACTIVE: u32 = 9;
/// `updateVariables`: the whole current variable map.
pub const FASTGPT_EVENT_UPDATE_VARIABLES: u32 = 10;
/// `workflowDuration`: `{"durationSeconds": ...}`.
pub const FASTGPT_EVENT_WORKFLOW_DURATION: u32 = 11;
/// `event: error`: `error` is set; the operation then ends with that error.
pub const FASTGPT_EVENT_ERROR: u32 = 12;
/// `data: [DONE]`, the end marker.
pub const FASTGPT_EVENT_DONE: u32 = 13;
/// An event name this version does not know (newer servers add events); passed through raw.
pub const FASTGPT_EVENT_UNKNOWN: u32 = 14;
/// The last event of an async operation: `status`, and `response` or `error`.
pub const FASTGPT_EVENT_COMPLETE: u32 = 15;
/// `chatTitle`: the title the server gave the chat (also sent without detail); the accumulated
/// answer keeps it as `title`.
pub const FASTGPT_EVENT_CHAT_TITLE: u32 = 16;
/// `plan`: an agent's plan (raw JSON in `data`).
pub const FASTGPT_EVENT_PLAN: u32 = 17;
/// `planStatus`: progress of an agent's plan step (raw JSON in `data`).
pub const FASTGPT_EVENT_PLAN_STATUS: u32 = 18;
/// `sandboxStatus`: the state of a code sandbox the workflow runs (raw JSON in `data`).
pub const FASTGPT_EVENT_SANDBOX_STATUS: u32 = 19;
/// `skillCall`: the agent called a skill (raw JSON in `data`).
pub const FASTGPT_EVENT_SKILL_CALL: u32 = 20;
/// A file upload's progress: `upload_sent` of `upload_total` bytes of the file sent (`data` holds
/// `{"sent":N,"total":M}`). The last one has `upload_sent == upload_total`.
pub const FASTGPT_EVENT_UPLOAD_PROGRESS: u32 = 21;

/// The ABI version: the SONAME's number (`libfastgpt.so.0`), bumped only on an ABI break.
pub const FASTGPT_ABI_VERSION: u32 = 0;

/// The library version, e.g. "0.1.0" (static string; equals `FASTGPT_VERSION`).
#[no_mangle]
pub extern "C" fn fastgpt_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version of the loaded library; compare with `FASTGPT_ABI_VERSION` from the header.
#[no_mangle]
pub extern "C" fn fastgpt_abi_version() -> u32 {
    FASTGPT_ABI_VERSION
}

/// Static text describing `status`, for any value (unknown values give "unknown status").
/// Never NULL; never freed.
#[no_mangle]
pub extern "C" fn fastgpt_status_str(status: i32) -> *const c_char {
    static TEXTS: OnceLock<Vec<(i32, CString)>> = OnceLock::new();
    if status == FASTGPT_OK {
        return c"success".as_ptr();
    }
    let texts = TEXTS.get_or_init(|| {
        ErrorKind::ALL.iter().map(|k| (*k as i32, CString::new(k.describe()).expect("no NUL"))).collect()
    });
    texts.iter().find(|(s, _)| *s == status).map_or(c"unknown status".as_ptr(), |(_, t)| t.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;

    #[test]
    fn constants_equal_the_core_numbers() {
        let pairs = [
            (FASTGPT_ERR_NULL_ARGUMENT, ErrorKind::NullArgument),
            (FASTGPT_ERR_INVALID_UTF8, ErrorKind::InvalidUtf8),
            (FASTGPT_ERR_INVALID_JSON, ErrorKind::InvalidJson),
            (FASTGPT_ERR_INVALID_ARGUMENT, ErrorKind::InvalidArgument),
            (FASTGPT_ERR_CONNECT, ErrorKind::Connect),
            (FASTGPT_ERR_TIMEOUT, ErrorKind::Timeout),
            (FASTGPT_ERR_HTTP, ErrorKind::Http),
            (FASTGPT_ERR_AUTH, ErrorKind::Auth),
            (FASTGPT_ERR_RATE_LIMITED, ErrorKind::RateLimited),
            (FASTGPT_ERR_QUOTA, ErrorKind::Quota),
            (FASTGPT_ERR_API, ErrorKind::Api),
            (FASTGPT_ERR_DECODE, ErrorKind::Decode),
            (FASTGPT_ERR_STREAM_TRUNCATED, ErrorKind::StreamTruncated),
            (FASTGPT_ERR_BUSY, ErrorKind::Busy),
            (FASTGPT_ERR_CANCELLED, ErrorKind::Cancelled),
            (FASTGPT_ERR_ABORTED_BY_CALLBACK, ErrorKind::AbortedByCallback),
            (FASTGPT_ERR_FORKED, ErrorKind::Forked),
            (FASTGPT_ERR_PANIC, ErrorKind::Panic),
            (FASTGPT_ERR_INTERNAL, ErrorKind::Internal),
        ];
        assert_eq!(pairs.len(), ErrorKind::ALL.len());
        for (c, k) in pairs {
            assert_eq!(c, k as i32, "{k:?}");
        }
        let events = [
            (FASTGPT_EVENT_ANSWER, EventKind::Answer),
            (FASTGPT_EVENT_FAST_ANSWER, EventKind::FastAnswer),
            (FASTGPT_EVENT_FLOW_NODE_STATUS, EventKind::FlowNodeStatus),
            (FASTGPT_EVENT_FLOW_NODE_RESPONSE, EventKind::FlowNodeResponse),
            (FASTGPT_EVENT_FLOW_RESPONSES, EventKind::FlowResponses),
            (FASTGPT_EVENT_TOOL_CALL, EventKind::ToolCall),
            (FASTGPT_EVENT_TOOL_PARAMS, EventKind::ToolParams),
            (FASTGPT_EVENT_TOOL_RESPONSE, EventKind::ToolResponse),
            (FASTGPT_EVENT_INTERACTIVE, EventKind::Interactive),
            (FASTGPT_EVENT_UPDATE_VARIABLES, EventKind::UpdateVariables),
            (FASTGPT_EVENT_WORKFLOW_DURATION, EventKind::WorkflowDuration),
            (FASTGPT_EVENT_ERROR, EventKind::Error),
            (FASTGPT_EVENT_DONE, EventKind::Done),
            (FASTGPT_EVENT_UNKNOWN, EventKind::Unknown),
            (FASTGPT_EVENT_COMPLETE, EventKind::Complete),
            (FASTGPT_EVENT_CHAT_TITLE, EventKind::ChatTitle),
            (FASTGPT_EVENT_PLAN, EventKind::Plan),
            (FASTGPT_EVENT_PLAN_STATUS, EventKind::PlanStatus),
            (FASTGPT_EVENT_SANDBOX_STATUS, EventKind::SandboxStatus),
            (FASTGPT_EVENT_SKILL_CALL, EventKind::SkillCall),
            (FASTGPT_EVENT_UPLOAD_PROGRESS, EventKind::UploadProgress),
        ];
        for (c, k) in events {
            assert_eq!(c, k as u32, "{k:?}");
        }
    }

    #[test]
    fn status_str_covers_every_value() {
        use std::ffi::CStr;
        let text = |s| unsafe { CStr::from_ptr(fastgpt_status_str(s)) }.to_str().unwrap().to_owned();
        assert_eq!(text(0), "success");
        for k in ErrorKind::ALL {
            assert_eq!(text(k as i32), k.describe());
        }
        for unknown in [-1, 5, 22, 97, 100, i32::MAX, i32::MIN] {
            assert_eq!(text(unknown), "unknown status");
        }
    }
}
