/*
 * fastgpt_endpoints.h: GENERATED from the endpoint table (src/endpoints.rs) by `make generate`;
 * do not edit.
 *
 * X-macro lists of the endpoint functions of fastgpt.h, for wrappers (fastgpt.hpp):
 *  - FASTGPT_ENDPOINTS(X): X(name) for every unary endpoint, whose functions are
 *    fastgpt_<name>(client, request_json, cancel, out_response, out_err) and
 *    fastgpt_<name>_async(client, request_json, cancel, cb, userdata, out_err);
 *  - FASTGPT_STREAM_ENDPOINTS(X): X(name) for every chat-completion stream, whose functions are
 *    fastgpt_<name>(client, request_json, cancel, cb, userdata, out_response, out_err) and
 *    fastgpt_<name>_async(client, request_json, cancel, cb, userdata, out_err).
 */

#ifndef FASTGPT_ENDPOINTS_H
#define FASTGPT_ENDPOINTS_H

#define FASTGPT_ENDPOINTS(X) \
    X(create_chat_completion) \
    X(create_chat_completion_v2) \
    X(stop_chat) \
    X(get_chat_histories) \
    X(get_chat_init) \
    X(get_chat_records) \
    X(get_record_detail) \
    X(update_chat_history) \
    X(delete_chat_history) \
    X(clear_chat_histories) \
    X(delete_chat_record) \
    X(send_feedback) \
    X(get_suggested_questions) \
    X(get_app_logs_chart) \
    X(get_app_logs_total) \
    X(list_datasets) \
    X(create_dataset) \
    X(get_dataset) \
    X(delete_dataset) \
    X(create_collection) \
    X(create_text_collection) \
    X(create_link_collection) \
    X(create_api_collection) \
    X(create_api_collection_v2) \
    X(list_collections) \
    X(get_collection) \
    X(update_collection) \
    X(delete_collections) \
    X(push_data) \
    X(list_data) \
    X(get_data) \
    X(update_data) \
    X(delete_data) \
    X(search_test) \
    X(create_training_usage)

#define FASTGPT_STREAM_ENDPOINTS(X) \
    X(stream_chat_completion) \
    X(stream_chat_completion_v2)

#endif /* FASTGPT_ENDPOINTS_H */
