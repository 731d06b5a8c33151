//! GENERATED from the endpoint table (`src/endpoints.rs`) by `make generate`: do not edit.
//!
//! One blocking and one `_async` function per unary endpoint, and both streaming functions per
//! chat-completion stream. Each is a one-line call into `ffi::call`; the doc comments are the
//! reference manual.
//!
//! Common to every endpoint function:
//! - `request_json`: a JSON object with the endpoint's parameters by their API names; the library
//!   puts them in the query or the body as the endpoint requires. Required fields (and FastGPT's
//!   own limits, such as 200 items per `fastgpt_push_data`) are checked before any I/O
//!   (`FASTGPT_ERR_INVALID_ARGUMENT`, naming the field).
//! - `cancel`: optional (NULL) token; triggering it ends the call with `FASTGPT_ERR_CANCELLED`.
//! - blocking: on success `*out_response` receives the result; free it with `fastgpt_response_free`.
//! - `_async`: returns at once; `cb` later receives exactly one COMPLETE event (with `response` or
//!   `error`) on a library thread. If the start fails, no callback is made.
//! - `out_err`: optional (NULL); on failure receives an error to free with `fastgpt_error_free`.

use std::ffi::{c_char, c_void};

use super::call::{endpoint_request, stream_async, stream_blocking, unary_async, unary_blocking};
use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::event::fastgpt_event_cb;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use crate::endpoints;

/// Runs the app on `messages` and returns the whole answer (`stream` is forced to false).
/// Optional fields: `chatId` (continue a stored chat; without it the server stores nothing),
/// `variables`, `detail` (adds `responseData` and `newVariables`), `responseChatItemId`, `appId` (with
/// an account key), `customUid`, `metadata`, `retainDatasetCite`. A user message's `content` may be
/// a string or an array of `text` / `image_url` / `file_url` parts.
/// Result (`fastgpt_response_data`): the OpenAI-style body, no envelope. FastGPT answers HTTP 200
/// even when a workflow node failed: the body then has a top-level `error` (the node's error object)
/// next to the answer, and, when the server named the chat, a `title`; both are kept as sent.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/v1/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_chat_completion(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_CHAT_COMPLETION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_chat_completion`: `POST /api/v1/chat/completions`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_chat_completion_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_CHAT_COMPLETION, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Streams a chat completion (`stream` is forced to true), calling `cb` on THIS thread for each
/// event, in order, and returns when the stream ends. No COMPLETE event: the return value is the
/// completion. Request fields as the blocking completion. Whether the stream is in detail mode is
/// decided by what the server sends (named `event:` frames), not by the request: workflow-tool apps
/// force it on, and their `flowResponses` after `[DONE]` is then read too.
///
/// `cb` may be NULL (only the accumulated result is wanted). On success `*out_response` (if not
/// NULL) receives the accumulated answer in the non-stream shape:
/// `{"responseData":[...] (detail), "newVariables":{...} (if updated), "id": chatId,
///   "model":"", "choices":[{"message":{"role":"assistant","content":"<whole answer>",
///   "reasoning_content":"<whole reasoning, if any>"},"finish_reason":"stop","index":0}],
///   "title":"<chatTitle, if sent>", "interactive":{...} (if the workflow paused),
///   "durationSeconds": N (detail)}`.
/// `id` is the request's `chatId`. A stream started without `chatId` is not stored by FastGPT, and
/// no frame or header of the stream names a chat: `id` is then "" (pass your own `chatId` to
/// continue the conversation later).
///
/// A stream is limited by `timeout_ms` until its headers and then only by silence longer than
/// `stream_idle_timeout_ms`, never by its total length. It fails with `FASTGPT_ERR_STREAM_TRUNCATED`
/// if it ends before `[DONE]`, and with the frame's error after an `event: error` frame (also when
/// FastGPT sends that frame as a plain HTTP 200 body).
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/v1/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stream_chat_completion(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream_blocking(
        client,
        &endpoints::STREAM_CHAT_COMPLETION,
        request_json,
        cancel,
        cb,
        userdata,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_stream_chat_completion`: returns at once; `cb` (required) receives the same events on a
/// library thread, then exactly one COMPLETE whose `response` is the accumulated answer.
/// `POST /api/v1/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stream_chat_completion_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream_async(client, &endpoints::STREAM_CHAT_COMPLETION, request_json, cancel, cb, userdata, out_err)
}

/// The v2 chat completion (FastGPT >= 4.9.4, what FastGPT's own web UI calls): request and result as
/// `fastgpt_create_chat_completion`; with `detail` its `responseData` is built from one
/// `flowNodeResponse` per node, and messages carry `reasoning_content`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/v2/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_chat_completion_v2(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_CHAT_COMPLETION_V2, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_chat_completion_v2`: `POST /api/v2/chat/completions`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_chat_completion_v2_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_CHAT_COMPLETION_V2, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// The v2 streamed chat completion: as `fastgpt_stream_chat_completion`, but in detail mode each
/// node's response arrives as its own `FASTGPT_EVENT_FLOW_NODE_RESPONSE` and nothing follows `[DONE]`
/// (the accumulated `responseData` is the list of those node responses). The accumulated answer has
/// the same shape as v1's. Stop it from elsewhere with `fastgpt_stop_chat`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/v2/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stream_chat_completion_v2(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream_blocking(
        client,
        &endpoints::STREAM_CHAT_COMPLETION_V2,
        request_json,
        cancel,
        cb,
        userdata,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_stream_chat_completion_v2`: returns at once; `cb` (required) receives the same events on a
/// library thread, then exactly one COMPLETE whose `response` is the accumulated answer.
/// `POST /api/v2/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stream_chat_completion_v2_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream_async(client, &endpoints::STREAM_CHAT_COMPLETION_V2, request_json, cancel, cb, userdata, out_err)
}

/// Stops the chat's running workflow (a v2 completion started with that `chatId`); the server waits up
/// to 5 s for it to stop. Result: `{"success":true}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/v2/chat/stop`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stop_chat(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::STOP_CHAT, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_stop_chat`: `POST /api/v2/chat/stop`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stop_chat_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::STOP_CHAT, request_json), cancel, cb, userdata, out_err)
}

/// Lists an app's chats, pinned first, then newest. Optional: `offset`, `pageSize`, `source`,
/// `startCreateTime`, `endCreateTime`, `startUpdateTime`, `endUpdateTime`.
/// Result: `{"list":[{"chatId","updateTime","appId","customTitle","title","top"}],"total":N}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/chat/getHistories`. Required: `appId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_histories(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_CHAT_HISTORIES, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_chat_histories`: `POST /api/core/chat/getHistories`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_histories_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::GET_CHAT_HISTORIES, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Loads a chat's title, variables and app configuration (sent as query parameters).
/// Result: `{"chatId","appId","title","variables","app":{...}}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/core/chat/init`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_init(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::GET_CHAT_INIT, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_get_chat_init`: `GET /api/core/chat/init`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_init_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_CHAT_INIT, request_json), cancel, cb, userdata, out_err)
}

/// Pages through a chat's messages; `offset` 0 is the newest page, items within a page are in
/// chronological order. Optional: `offset`, `pageSize`, `loadCustomFeedbacks`.
/// Result: `{"list":[{"_id","dataId","obj","value",...}],"total":N}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/chat/getPaginationRecords`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_records(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_CHAT_RECORDS, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_chat_records`: `POST /api/core/chat/getPaginationRecords`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_chat_records_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_CHAT_RECORDS, request_json), cancel, cb, userdata, out_err)
}

/// The node responses (workflow details) of one AI message (sent as query parameters).
/// Result: an array of node response objects (`[]` for a non-AI or unknown message).
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/core/chat/getResData`. Required: `appId`, `chatId`, `dataId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_record_detail(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_RECORD_DETAIL, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_record_detail`: `GET /api/core/chat/getResData`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_record_detail_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_RECORD_DETAIL, request_json), cancel, cb, userdata, out_err)
}

/// Renames or pins a chat: only the fields sent (`customTitle`, `title`, `top`) change.
/// Result: `null`.
///
/// On a server without this route (HTTP 404 or 405, no FastGPT envelope) the call is sent as `PUT
/// /api/core/chat/history/updateHistory` instead, and that client sends it there first from then
/// on. Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/chat/updateHistory`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_chat_history(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::UPDATE_CHAT_HISTORY, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_update_chat_history`: `POST /api/core/chat/updateHistory`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_chat_history_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::UPDATE_CHAT_HISTORY, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Deletes one chat (sent as query parameters). Result: `null`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `DELETE /api/core/chat/delHistory`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_history(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::DELETE_CHAT_HISTORY, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_delete_chat_history`: `DELETE /api/core/chat/delHistory`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_history_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::DELETE_CHAT_HISTORY, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Deletes all of an app's API chats (sent as query parameters). Result: `null`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `DELETE /api/core/chat/clearHistories`. Required: `appId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_clear_chat_histories(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CLEAR_CHAT_HISTORIES, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_clear_chat_histories`: `DELETE /api/core/chat/clearHistories`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_clear_chat_histories_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CLEAR_CHAT_HISTORIES, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Deletes messages: one (`contentId`, a message's `dataId`) or several (`contentIds`). Optional:
/// `delFile` (also delete the files the messages uploaded). Servers before `record/delete` take one
/// `contentId` per call. Result: `{}` (`null` from `item/delete`).
///
/// On a server without this route (HTTP 404 or 405, no FastGPT envelope) the call is sent as
/// `DELETE /api/core/chat/item/delete` instead, and that client sends it there first from then on.
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `DELETE /api/core/chat/record/delete`. Required: `appId`, `chatId`, `contentId` or `contentIds`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_record(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::DELETE_CHAT_RECORD, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_delete_chat_record`: `DELETE /api/core/chat/record/delete`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_record_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::DELETE_CHAT_RECORD, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Sets the like / dislike of an AI message: `userGoodFeedback` or `userBadFeedback` (string).
/// FastGPT clears whichever of the two is omitted. Result: `{}` (`null` on older servers).
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/chat/feedback/updateUserFeedback`. Required: `appId`, `chatId`, `dataId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_send_feedback(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::SEND_FEEDBACK, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_send_feedback`: `POST /api/core/chat/feedback/updateUserFeedback`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_send_feedback_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::SEND_FEEDBACK, request_json), cancel, cb, userdata, out_err)
}

/// Suggests follow-up questions from the chat's last messages. Optional: `questionGuide`
/// (`{"open":true,"model":...,"customPrompt":...}`). Result: an array of strings.
/// Not idempotent: each call runs an LLM and spends AI points.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/ai/agent/v2/createQuestionGuide`. Required: `appId`, `chatId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_suggested_questions(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_SUGGESTED_QUESTIONS, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_suggested_questions`: `POST /api/core/ai/agent/v2/createQuestionGuide`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_suggested_questions_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::GET_SUGGESTED_QUESTIONS, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// App analytics per time bucket (commercial FastGPT). The three timespans are required by the
/// server's schema and checked here; `offset` (the timezone offset the server buckets by) is sent as 1
/// when left out (older servers require it, newer default it to 1). Optional: `source` (array).
/// Result: `{"userData":[...],"chatData":[...],"appData":[...]}`.
///
/// Sent when left out: `offset` = 1. Retried like a read (it sets a state, so sending it twice is
/// harmless).
///
/// `POST /api/proApi/core/app/logs/getChartData`. Required: `appId`, `dateStart`, `dateEnd`, `userTimespan` (day/week/month/quarter), `chatTimespan` (day/week/month/quarter), `appTimespan` (day/week/month/quarter).
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_app_logs_chart(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_APP_LOGS_CHART, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_app_logs_chart`: `POST /api/proApi/core/app/logs/getChartData`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_app_logs_chart_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::GET_APP_LOGS_CHART, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// App totals (commercial FastGPT), sent as query parameters.
/// Result: `{"totalUsers":N,"totalChats":N,"totalPoints":N}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/proApi/core/app/logs/getTotalData`. Required: `appId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_app_logs_total(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::GET_APP_LOGS_TOTAL, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_get_app_logs_total`: `GET /api/proApi/core/app/logs/getTotalData`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_app_logs_total_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::GET_APP_LOGS_TOTAL, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Lists the datasets (knowledge bases) in a folder. Optional: `parentId` ("" or absent: the root),
/// `type`, `searchKey`. Result: an array of `{"_id","parentId","avatar","name","intro","type",
/// "vectorModel":{...},...}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/dataset/list`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_datasets(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::LIST_DATASETS, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_list_datasets`: `POST /api/core/dataset/list`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_datasets_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::LIST_DATASETS, request_json), cancel, cb, userdata, out_err)
}

/// Creates a dataset. Optional: `parentId`, `type` (`dataset` | `folder`), `intro`, `avatar`,
/// `vectorModel`, `agentModel`, `vlmModel` (leave the models out to use the server's defaults).
/// Result: the new dataset's id (a JSON string).
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/create`. Required: `name`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_dataset(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::CREATE_DATASET, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_create_dataset`: `POST /api/core/dataset/create`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_dataset_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::CREATE_DATASET, request_json), cancel, cb, userdata, out_err)
}

/// A dataset's details (`id` is the dataset id, sent as a query parameter).
/// Result: `{"_id","name","intro","type","status","vectorModel":{...},"agentModel":{...},...}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/core/dataset/detail`. Required: `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_dataset(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::GET_DATASET, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_get_dataset`: `GET /api/core/dataset/detail`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_dataset_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_DATASET, request_json), cancel, cb, userdata, out_err)
}

/// Deletes a dataset and everything in it (`id` sent as a query parameter). Result: `null`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `DELETE /api/core/dataset/delete`. Required: `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_dataset(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::DELETE_DATASET, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_delete_dataset`: `DELETE /api/core/dataset/delete`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_dataset_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::DELETE_DATASET, request_json), cancel, cb, userdata, out_err)
}

/// Creates an empty collection: `type` is `virtual` (data pushed by hand with `fastgpt_push_data`)
/// or `folder` (the server requires it). Optional: `parentId`, `metadata`, `tags`. Result: the new
/// collection's id (a JSON string).
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/collection/create`. Required: `datasetId`, `name`, `type`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_COLLECTION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_collection`: `POST /api/core/dataset/collection/create`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::CREATE_COLLECTION, request_json), cancel, cb, userdata, out_err)
}

/// Creates a collection from `text`, split into chunks and trained.
/// Result: `{"collectionId":"...","results":{"insertLen":N}}` (older servers add `overToken`, `repeat`, `error`).
///
/// Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
/// `chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
/// `chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
/// `createTime`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/collection/create/text`. Required: `datasetId`, `name`, `text`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_text_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_TEXT_COLLECTION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_text_collection`: `POST /api/core/dataset/collection/create/text`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_text_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_TEXT_COLLECTION, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Creates a collection from a web page: the server fetches `link`, then splits and trains its text
/// (`metadata.webPageSelector` picks the element). Result: as `fastgpt_create_text_collection`
/// (`insertLen` 0: the page is fetched and trained in the background).
///
/// Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
/// `chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
/// `chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
/// `createTime`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/collection/create/link`. Required: `datasetId`, `link`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_link_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_LINK_COLLECTION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_link_collection`: `POST /api/core/dataset/collection/create/link`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_link_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_LINK_COLLECTION, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Creates a collection from one file of an API dataset (`apiFileId`; deprecated by FastGPT in favour
/// of `fastgpt_create_api_collection_v2`). Result: `null` (the file is imported in the background).
///
/// Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
/// `chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
/// `chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
/// `createTime`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/collection/create/apiCollection`. Required: `datasetId`, `name`, `apiFileId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_api_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_API_COLLECTION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_api_collection`: `POST /api/core/dataset/collection/create/apiCollection`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_api_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_API_COLLECTION, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Creates collections from files and folders of an API dataset: `apiFiles` is an array of
/// `{"id","name","type":"file"|"folder","hasChild"}` (folders are walked; files already imported
/// are skipped). Result: `null`.
///
/// Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
/// `chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
/// `chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
/// `createTime`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/collection/create/apiCollectionV2`. Required: `datasetId`, `apiFiles`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_api_collection_v2(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_API_COLLECTION_V2, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_api_collection_v2`: `POST /api/core/dataset/collection/create/apiCollectionV2`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_api_collection_v2_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_API_COLLECTION_V2, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Pages through a dataset's collections. Optional: `offset`, `pageSize` (documented as at most 30;
/// servers cap it at 100), `parentId`,
/// `searchText`. Result: `{"list":[{"_id","parentId","type","name","updateTime","dataAmount",
/// "trainingAmount","tags","forbid",...}],"total":N}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/dataset/collection/listV2`. Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_collections(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::LIST_COLLECTIONS, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_list_collections`: `POST /api/core/dataset/collection/listV2`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_collections_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::LIST_COLLECTIONS, request_json), cancel, cb, userdata, out_err)
}

/// A collection's details (`id` sent as a query parameter).
/// Result: `{"_id","datasetId":{...},"type","name","trainingType","rawTextLength",...}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/core/dataset/collection/detail`. Required: `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::GET_COLLECTION, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_get_collection`: `GET /api/core/dataset/collection/detail`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_COLLECTION, request_json), cancel, cb, userdata, out_err)
}

/// Updates a collection found by `id`, or by `datasetId` + `externalFileId`: only the fields sent
/// change (`parentId`, `name`, `tags`, `forbid`, `createTime`). Result: `null`.
///
/// On a server without this route (HTTP 404 or 405, no FastGPT envelope) the call is sent as `POST
/// /api/core/dataset/collection/update` instead, and that client sends it there first from then on.
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `PUT /api/core/dataset/collection/update`. Required: `id` or `externalFileId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_collection(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::UPDATE_COLLECTION, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_update_collection`: `PUT /api/core/dataset/collection/update`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_collection_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::UPDATE_COLLECTION, request_json), cancel, cb, userdata, out_err)
}

/// Deletes collections and their data: `collectionIds` (array), or one `id`. Result: `null`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/dataset/collection/delete`. Required: `collectionIds` or `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_collections(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::DELETE_COLLECTIONS, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_delete_collections`: `POST /api/core/dataset/collection/delete`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_collections_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::DELETE_COLLECTIONS, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Adds data to a collection for training: `data` is an array of `{"q","a","indexes":[{"text"}]}`,
/// at most 200 per call (checked here: push more in several calls). Optional: `trainingType`,
/// `prompt`, `billId` (from `fastgpt_create_training_usage`, to bill several calls as one).
/// Result: `{"insertLen":N}` (older servers add `overToken`, `repeat`, `error`); items without `q`
/// are dropped by the server.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/data/pushData`. Required: `collectionId`, `data` (at most 200 items).
#[no_mangle]
pub unsafe extern "C" fn fastgpt_push_data(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::PUSH_DATA, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_push_data`: `POST /api/core/dataset/data/pushData`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_push_data_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::PUSH_DATA, request_json), cancel, cb, userdata, out_err)
}

/// Pages through a collection's data. Optional: `offset`, `pageSize` (at most 30), `searchText`.
/// Result: `{"list":[{"_id","datasetId","collectionId","q","a","chunkIndex"}],"total":N}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `POST /api/core/dataset/data/v2/list`. Required: `collectionId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_data(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::LIST_DATA, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_list_data`: `POST /api/core/dataset/data/v2/list`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_list_data_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::LIST_DATA, request_json), cancel, cb, userdata, out_err)
}

/// One data item (`id` sent as a query parameter).
/// Result: `{"id","q","a","chunkIndex","indexes":[...],"datasetId","collectionId","sourceName",...}`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `GET /api/core/dataset/data/detail`. Required: `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_data(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::GET_DATA, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_get_data`: `GET /api/core/dataset/data/detail`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_data_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::GET_DATA, request_json), cancel, cb, userdata, out_err)
}

/// Updates one data item: `q`, `a`, `indexes` (an index with its `dataId` is updated in place, one
/// without is added). Result: `null`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `PUT /api/core/dataset/data/update`. Required: `dataId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_data(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::UPDATE_DATA, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_update_data`: `PUT /api/core/dataset/data/update`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_update_data_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::UPDATE_DATA, request_json), cancel, cb, userdata, out_err)
}

/// Deletes one data item (`id` sent as a query parameter). Result: `"success"`.
///
/// Retried like a read (it sets a state, so sending it twice is harmless).
///
/// `DELETE /api/core/dataset/data/delete`. Required: `id`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_data(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::DELETE_DATA, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_delete_data`: `DELETE /api/core/dataset/data/delete`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_data_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::DELETE_DATA, request_json), cancel, cb, userdata, out_err)
}

/// Searches a dataset as an app's dataset-search node would. Optional: `limit` (max tokens),
/// `similarity`, `searchMode` (`embedding` | `fullTextRecall` | `mixedRecall`), `usingReRank`,
/// `datasetSearchUsingExtensionQuery`, `datasetSearchExtensionModel`, `datasetSearchExtensionBg`.
/// Result: `{"list":[{"id","q","a","datasetId","collectionId","sourceName","score":[...]}],
/// "duration","searchMode","limit","similarity","usingReRank",...}`.
/// Not idempotent: each search spends AI points.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/core/dataset/searchTest`. Required: `datasetId`, `text`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_search_test(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(client, || endpoint_request(&endpoints::SEARCH_TEST, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_search_test`: `POST /api/core/dataset/searchTest`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_search_test_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(client, || endpoint_request(&endpoints::SEARCH_TEST, request_json), cancel, cb, userdata, out_err)
}

/// Creates a training bill to group several `fastgpt_push_data` calls under one usage record.
/// Optional: `name`. Result: the bill id (a JSON string), for `billId`.
///
/// Never re-sent once its body may have reached the server.
///
/// `POST /api/support/wallet/usage/createTrainingUsage`. Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_training_usage(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_blocking(
        client,
        || endpoint_request(&endpoints::CREATE_TRAINING_USAGE, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_create_training_usage`: `POST /api/support/wallet/usage/createTrainingUsage`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_training_usage_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    unary_async(
        client,
        || endpoint_request(&endpoints::CREATE_TRAINING_USAGE, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}
