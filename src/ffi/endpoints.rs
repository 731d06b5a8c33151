//! One blocking and one `_async` function per entry of the endpoint table (`crate::endpoints`),
//! plus streaming and the escape hatch. Each is a one-line call into `ffi::stream`; the doc
//! comments are the reference manual (a test checks they name each endpoint's path and fields).
//!
//! Common to every endpoint function:
//! - `request_json`: a JSON object with the endpoint's parameters by their API names; the library
//!   puts them in the query or the body as the endpoint requires. Required fields are checked
//!   before any I/O (`FASTGPT_ERR_INVALID_ARGUMENT`, naming the field).
//! - `cancel`: optional (NULL) token; triggering it ends the call with `FASTGPT_ERR_CANCELLED`.
//! - blocking: on success `*out_response` receives the result; free it with `fastgpt_response_free`.
//! - `_async`: returns at once; `cb` later receives exactly one COMPLETE event (with `response` or
//!   `error`) on a library thread. If the start fails, no callback is made.
//! - `out_err`: optional (NULL); on failure receives an error to free with `fastgpt_error_free`.

use std::ffi::{c_char, c_void};

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use super::stream::{self, endpoint_request, fastgpt_event_cb};
use super::{opt_str_arg, str_arg};
use crate::endpoints::{self, *};

/// Runs the app on `messages` and returns the whole answer (`stream` is forced to false).
/// Optional fields: `chatId` (continue a stored chat), `variables`, `detail` (adds `responseData`
/// and `newVariables`), `responseChatItemId`, `appId` (with an account key), `customUid`, `metadata`.
/// A user message's `content` may be a string or an array of `text` / `image_url` / `file_url` parts.
/// Result (`fastgpt_response_data`): the OpenAI-style body, no envelope.
/// Never re-sent once its body may have reached the server (a retry would run the app twice).
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
    stream::unary_blocking(
        client,
        || endpoint_request(&CREATE_CHAT_COMPLETION, request_json),
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
    stream::unary_async(
        client,
        || endpoint_request(&CREATE_CHAT_COMPLETION, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// Lists an app's chats, pinned first, then newest. Optional: `offset`, `pageSize`, `source`,
/// `startCreateTime`, `endCreateTime`, `startUpdateTime`, `endUpdateTime`.
/// Result: `{"list":[{"chatId","updateTime","appId","customTitle","title","top"}],"total":N}`.
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
    stream::unary_blocking(
        client,
        || endpoint_request(&GET_CHAT_HISTORIES, request_json),
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
    stream::unary_async(client, || endpoint_request(&GET_CHAT_HISTORIES, request_json), cancel, cb, userdata, out_err)
}

/// Loads a chat's title, variables and app configuration (sent as query parameters).
/// Result: `{"chatId","appId","title","variables","app":{...}}`.
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
    stream::unary_blocking(client, || endpoint_request(&GET_CHAT_INIT, request_json), cancel, out_response, out_err)
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
    stream::unary_async(client, || endpoint_request(&GET_CHAT_INIT, request_json), cancel, cb, userdata, out_err)
}

/// Pages through a chat's messages; `offset` 0 is the newest page, items within a page are in
/// chronological order. Optional: `offset`, `pageSize`, `loadCustomFeedbacks`.
/// Result: `{"list":[{"_id","dataId","obj","value",...}],"total":N}`.
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
    stream::unary_blocking(client, || endpoint_request(&GET_CHAT_RECORDS, request_json), cancel, out_response, out_err)
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
    stream::unary_async(client, || endpoint_request(&GET_CHAT_RECORDS, request_json), cancel, cb, userdata, out_err)
}

/// The node responses (workflow details) of one AI message (sent as query parameters).
/// Result: an array of node response objects (`[]` for a non-AI or unknown message).
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
    stream::unary_blocking(client, || endpoint_request(&GET_RECORD_DETAIL, request_json), cancel, out_response, out_err)
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
    stream::unary_async(client, || endpoint_request(&GET_RECORD_DETAIL, request_json), cancel, cb, userdata, out_err)
}

/// Renames or pins a chat: only the fields sent (`customTitle`, `title`, `top`) change.
/// Result: `null`.
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
    stream::unary_blocking(
        client,
        || endpoint_request(&UPDATE_CHAT_HISTORY, request_json),
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
    stream::unary_async(client, || endpoint_request(&UPDATE_CHAT_HISTORY, request_json), cancel, cb, userdata, out_err)
}

/// Deletes one chat (sent as query parameters). Result: `null`.
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
    stream::unary_blocking(
        client,
        || endpoint_request(&DELETE_CHAT_HISTORY, request_json),
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
    stream::unary_async(client, || endpoint_request(&DELETE_CHAT_HISTORY, request_json), cancel, cb, userdata, out_err)
}

/// Deletes all of an app's API chats (sent as query parameters). Result: `null`.
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
    stream::unary_blocking(
        client,
        || endpoint_request(&CLEAR_CHAT_HISTORIES, request_json),
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
    stream::unary_async(client, || endpoint_request(&CLEAR_CHAT_HISTORIES, request_json), cancel, cb, userdata, out_err)
}

/// Deletes one message (`contentId` is its `dataId`). Sent as a JSON body (FastGPT >= 4.14) with
/// the required fields also in the query (older servers), so it works with both. Result: `null`.
///
/// `DELETE /api/core/chat/item/delete`. Required: `appId`, `chatId`, `contentId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_record(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::unary_blocking(
        client,
        || endpoint_request(&DELETE_CHAT_RECORD, request_json),
        cancel,
        out_response,
        out_err,
    )
}

/// Async `fastgpt_delete_chat_record`: `DELETE /api/core/chat/item/delete`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_delete_chat_record_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::unary_async(client, || endpoint_request(&DELETE_CHAT_RECORD, request_json), cancel, cb, userdata, out_err)
}

/// Sets the like / dislike of an AI message: `userGoodFeedback` or `userBadFeedback` (string).
/// FastGPT clears whichever of the two is omitted. Result: `{}`.
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
    stream::unary_blocking(client, || endpoint_request(&SEND_FEEDBACK, request_json), cancel, out_response, out_err)
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
    stream::unary_async(client, || endpoint_request(&SEND_FEEDBACK, request_json), cancel, cb, userdata, out_err)
}

/// Suggests follow-up questions from the chat's last messages. Optional: `questionGuide`
/// (`{"open":true,"model":...,"customPrompt":...}`). Result: an array of strings.
/// Not retried after it may have reached the server (each call spends AI points).
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
    stream::unary_blocking(
        client,
        || endpoint_request(&GET_SUGGESTED_QUESTIONS, request_json),
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
    stream::unary_async(
        client,
        || endpoint_request(&GET_SUGGESTED_QUESTIONS, request_json),
        cancel,
        cb,
        userdata,
        out_err,
    )
}

/// App analytics per time bucket (commercial FastGPT). Optional: `source`, `offset`,
/// `userTimespan`, `chatTimespan`, `appTimespan`.
/// Result: `{"userData":[...],"chatData":[...],"appData":[...]}`.
///
/// `POST /api/proApi/core/app/logs/getChartData`. Required: `appId`, `dateStart`, `dateEnd`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_get_app_logs_chart(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::unary_blocking(
        client,
        || endpoint_request(&GET_APP_LOGS_CHART, request_json),
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
    stream::unary_async(client, || endpoint_request(&GET_APP_LOGS_CHART, request_json), cancel, cb, userdata, out_err)
}

/// App totals (commercial FastGPT), sent as query parameters.
/// Result: `{"totalUsers":N,"totalChats":N,"totalPoints":N}`.
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
    stream::unary_blocking(
        client,
        || endpoint_request(&GET_APP_LOGS_TOTAL, request_json),
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
    stream::unary_async(client, || endpoint_request(&GET_APP_LOGS_TOTAL, request_json), cancel, cb, userdata, out_err)
}

/// Streams a chat completion (`stream` is forced to true), calling `cb` on THIS thread for each
/// event, in order, and returns when the stream ends. No COMPLETE event: the return value is the
/// completion. Request fields as `fastgpt_create_chat_completion`; with `"detail": true` the
/// events carry names and the stream is read past `[DONE]` for `flowResponses`.
///
/// `cb` may be NULL (only the accumulated result is wanted). On success `*out_response` (if not
/// NULL) receives the accumulated answer in the non-stream shape:
/// `{"responseData":[...] (detail), "newVariables":{...} (if updated), "id": chatId or "",
///   "model":"", "choices":[{"message":{"role":"assistant","content":"<whole answer>",
///   "reasoning_content":"<whole reasoning, if any>"},"finish_reason":"stop","index":0}],
///   "interactive":{...} (if the workflow paused), "durationSeconds": N (detail)}`.
///
/// A stream is limited by `timeout_ms` until its headers and then only by silence longer than
/// `stream_idle_timeout_ms`, never by its total length. It fails with `FASTGPT_ERR_STREAM_TRUNCATED`
/// if it ends before `[DONE]`, and with the frame's error after an `event: error` frame (also when
/// FastGPT sends that frame as a plain HTTP 200 body).
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
    stream::stream_blocking(client, request_json, cancel, cb, userdata, out_response, out_err)
}

/// Async `fastgpt_stream_chat_completion`: returns at once; `cb` (required) receives the same
/// events on a library thread, then exactly one COMPLETE whose `response` is the accumulated
/// answer. `POST /api/v1/chat/completions`. Required: `messages`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_stream_chat_completion_async(
    client: *const fastgpt_client,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::stream_async(client, request_json, cancel, cb, userdata, out_err)
}

/// The escape hatch: calls any FastGPT endpoint not wrapped yet, with the same auth, retries and
/// error classification. `method` is "GET", "POST", "PUT" or "DELETE"; `path` starts with `/api/`
/// (no query string). `request_json` (NULL means `{}`) goes in the query for GET and DELETE, as
/// the JSON body for POST and PUT. GET, PUT and DELETE are retried like idempotent reads, POST is
/// not re-sent once it may have reached the server. The result is the envelope's `data` when the
/// answer is a FastGPT envelope, else the whole body.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_request(
    client: *const fastgpt_client,
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::unary_blocking(client, || custom_request(method, path, request_json), cancel, out_response, out_err)
}

/// Async `fastgpt_request`; delivers one COMPLETE to `cb`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_request_async(
    client: *const fastgpt_client,
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    stream::unary_async(client, || custom_request(method, path, request_json), cancel, cb, userdata, out_err)
}

unsafe fn custom_request(
    method: *const c_char,
    path: *const c_char,
    request_json: *const c_char,
) -> Result<endpoints::Prepared, crate::Error> {
    let method = str_arg(method, "method")?;
    let path = str_arg(path, "path")?;
    let request = endpoints::parse_request(opt_str_arg(request_json, "request_json")?)?;
    endpoints::prepare_custom(method, path, request)
}
