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
    X(get_app_logs_total)

#define FASTGPT_STREAM_ENDPOINTS(X) \
    X(stream_chat_completion)

#endif /* FASTGPT_ENDPOINTS_H */
