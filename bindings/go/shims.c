#include "shims.h"
#include "_cgo_export.h"

typedef fastgpt_status (*fgo_endpoint_fn)(const fastgpt_client *, const char *, const fastgpt_cancel *,
                                          fastgpt_response **, fastgpt_error **);

static const fgo_endpoint_fn fgo_endpoints[FGO_ENDPOINT_COUNT] = {
	[FGO_CREATE_CHAT_COMPLETION] = fastgpt_create_chat_completion,
	[FGO_GET_CHAT_HISTORIES] = fastgpt_get_chat_histories,
	[FGO_GET_CHAT_INIT] = fastgpt_get_chat_init,
	[FGO_GET_CHAT_RECORDS] = fastgpt_get_chat_records,
	[FGO_GET_RECORD_DETAIL] = fastgpt_get_record_detail,
	[FGO_UPDATE_CHAT_HISTORY] = fastgpt_update_chat_history,
	[FGO_DELETE_CHAT_HISTORY] = fastgpt_delete_chat_history,
	[FGO_CLEAR_CHAT_HISTORIES] = fastgpt_clear_chat_histories,
	[FGO_DELETE_CHAT_RECORD] = fastgpt_delete_chat_record,
	[FGO_SEND_FEEDBACK] = fastgpt_send_feedback,
	[FGO_GET_SUGGESTED_QUESTIONS] = fastgpt_get_suggested_questions,
	[FGO_GET_APP_LOGS_CHART] = fastgpt_get_app_logs_chart,
	[FGO_GET_APP_LOGS_TOTAL] = fastgpt_get_app_logs_total,
};

fastgpt_status fgo_call(int ep, const fastgpt_client *client, const char *request_json,
                        const fastgpt_cancel *cancel, fastgpt_response **out_response,
                        fastgpt_error **out_err) {
	if (ep < 0 || ep >= FGO_ENDPOINT_COUNT) {
		return FASTGPT_ERR_INTERNAL;
	}
	return fgo_endpoints[ep](client, request_json, cancel, out_response, out_err);
}

/* The library passes `const fastgpt_event *`; the exported Go function's prototype has no const. */
static int32_t fgo_stream_trampoline(void *userdata, const fastgpt_event *event) {
	return goFastgptStreamEvent((uintptr_t)userdata, (fastgpt_event *)event);
}

fastgpt_status fgo_stream_start(const fastgpt_client *client, const char *request_json,
                                const fastgpt_cancel *cancel, uintptr_t handle,
                                fastgpt_error **out_err) {
	return fastgpt_stream_chat_completion_async(client, request_json, cancel, fgo_stream_trampoline,
	                                            (void *)handle, out_err);
}
