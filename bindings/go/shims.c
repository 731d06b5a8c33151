#include "shims.h"
#include "_cgo_export.h"

typedef fastgpt_status (*fgo_endpoint_fn)(const fastgpt_client *, const char *, const fastgpt_cancel *,
                                          fastgpt_response **, fastgpt_error **);

static const fgo_endpoint_fn fgo_endpoints[FGO_ENDPOINT_COUNT] = {FGO_ENDPOINT_FUNCTIONS};

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
