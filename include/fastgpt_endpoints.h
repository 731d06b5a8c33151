/*
 * fastgpt_endpoints.h: the unary endpoints of include/fastgpt.h as an X-macro.
 *
 * Generated from the endpoint table (src/endpoints.rs); do not edit.
 *
 * FASTGPT_ENDPOINTS(X) expands X(name) once per unary endpoint, in the header's order. For each
 * name the C API has
 *   fastgpt_<name>(client, request_json, cancel, out_response, out_err)
 *   fastgpt_<name>_async(client, request_json, cancel, cb, userdata, out_err)
 * Streaming (fastgpt_stream_chat_completion) and fastgpt_request have other signatures and are
 * not listed. include/fastgpt.hpp expands it into one C++ method per endpoint.
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

#endif /* FASTGPT_ENDPOINTS_H */
