//! GENERATED from the endpoint table (`src/endpoints.rs`) by `make generate`: do not edit.
//!
//! The generated C functions by endpoint name, for tests and tools that walk the table through
//! the C ABI. Not part of the C API (cbindgen does not read this file).

use std::ffi::{c_char, c_void};

use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::endpoints::*;
use super::error::fastgpt_error;
use super::event::fastgpt_event_cb;
use super::response::fastgpt_response;
use super::status::fastgpt_status;

pub type UnaryFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;
pub type UnaryAsyncFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_error,
) -> fastgpt_status;
pub type StreamFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;

/// Every unary endpoint: (name, blocking function, async function).
pub const UNARY: &[(&str, UnaryFn, UnaryAsyncFn)] = &[
    ("create_chat_completion", fastgpt_create_chat_completion, fastgpt_create_chat_completion_async),
    ("create_chat_completion_v2", fastgpt_create_chat_completion_v2, fastgpt_create_chat_completion_v2_async),
    ("stop_chat", fastgpt_stop_chat, fastgpt_stop_chat_async),
    ("get_chat_histories", fastgpt_get_chat_histories, fastgpt_get_chat_histories_async),
    ("get_chat_init", fastgpt_get_chat_init, fastgpt_get_chat_init_async),
    ("get_chat_records", fastgpt_get_chat_records, fastgpt_get_chat_records_async),
    ("get_record_detail", fastgpt_get_record_detail, fastgpt_get_record_detail_async),
    ("update_chat_history", fastgpt_update_chat_history, fastgpt_update_chat_history_async),
    ("delete_chat_history", fastgpt_delete_chat_history, fastgpt_delete_chat_history_async),
    ("clear_chat_histories", fastgpt_clear_chat_histories, fastgpt_clear_chat_histories_async),
    ("delete_chat_record", fastgpt_delete_chat_record, fastgpt_delete_chat_record_async),
    ("send_feedback", fastgpt_send_feedback, fastgpt_send_feedback_async),
    ("get_suggested_questions", fastgpt_get_suggested_questions, fastgpt_get_suggested_questions_async),
    ("get_app_logs_chart", fastgpt_get_app_logs_chart, fastgpt_get_app_logs_chart_async),
    ("get_app_logs_total", fastgpt_get_app_logs_total, fastgpt_get_app_logs_total_async),
    ("list_datasets", fastgpt_list_datasets, fastgpt_list_datasets_async),
    ("create_dataset", fastgpt_create_dataset, fastgpt_create_dataset_async),
    ("get_dataset", fastgpt_get_dataset, fastgpt_get_dataset_async),
    ("delete_dataset", fastgpt_delete_dataset, fastgpt_delete_dataset_async),
    ("create_collection", fastgpt_create_collection, fastgpt_create_collection_async),
    ("create_text_collection", fastgpt_create_text_collection, fastgpt_create_text_collection_async),
    ("create_link_collection", fastgpt_create_link_collection, fastgpt_create_link_collection_async),
    ("create_api_collection", fastgpt_create_api_collection, fastgpt_create_api_collection_async),
    ("create_api_collection_v2", fastgpt_create_api_collection_v2, fastgpt_create_api_collection_v2_async),
    ("list_collections", fastgpt_list_collections, fastgpt_list_collections_async),
    ("get_collection", fastgpt_get_collection, fastgpt_get_collection_async),
    ("update_collection", fastgpt_update_collection, fastgpt_update_collection_async),
    ("delete_collections", fastgpt_delete_collections, fastgpt_delete_collections_async),
    ("push_data", fastgpt_push_data, fastgpt_push_data_async),
    ("list_data", fastgpt_list_data, fastgpt_list_data_async),
    ("get_data", fastgpt_get_data, fastgpt_get_data_async),
    ("update_data", fastgpt_update_data, fastgpt_update_data_async),
    ("delete_data", fastgpt_delete_data, fastgpt_delete_data_async),
    ("search_test", fastgpt_search_test, fastgpt_search_test_async),
    ("create_training_usage", fastgpt_create_training_usage, fastgpt_create_training_usage_async),
];

/// Every chat-completion stream: (name, blocking function, async function).
pub const STREAMS: &[(&str, StreamFn, UnaryAsyncFn)] = &[
    ("stream_chat_completion", fastgpt_stream_chat_completion, fastgpt_stream_chat_completion_async),
    ("stream_chat_completion_v2", fastgpt_stream_chat_completion_v2, fastgpt_stream_chat_completion_v2_async),
];
