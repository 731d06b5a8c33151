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

/* The library passes `const fastgpt_event *`; the exported Go functions' prototypes have no const. */
static int32_t fgo_stream_trampoline(void *userdata, const fastgpt_event *event) {
	return goFastgptStreamEvent((uintptr_t)userdata, (fastgpt_event *)event);
}

fastgpt_status fgo_stream_start(const fastgpt_client *client, int v2, const char *request_json,
                                const fastgpt_cancel *cancel, uintptr_t handle,
                                fastgpt_error **out_err) {
	if (v2) {
		return fastgpt_stream_chat_completion_v2_async(client, request_json, cancel,
		                                               fgo_stream_trampoline, (void *)handle, out_err);
	}
	return fastgpt_stream_chat_completion_async(client, request_json, cancel, fgo_stream_trampoline,
	                                            (void *)handle, out_err);
}

static int32_t fgo_upload_trampoline(void *userdata, const fastgpt_event *event) {
	if (event->kind != FASTGPT_EVENT_UPLOAD_PROGRESS) {
		return FASTGPT_CB_CONTINUE;
	}
	return goFastgptUploadProgress((uintptr_t)userdata, event->upload_sent, event->upload_total);
}

fastgpt_status fgo_upload(const fastgpt_client *client, const char *request_json,
                          const fastgpt_cancel *cancel, const char *path, const char *name,
                          const uint8_t *data, size_t len, uintptr_t handle,
                          fastgpt_response **out_response, fastgpt_error **out_err) {
	fastgpt_event_cb cb = handle ? fgo_upload_trampoline : NULL;
	if (path) {
		return fastgpt_create_file_collection(client, path, request_json, cancel, cb, (void *)handle,
		                                      out_response, out_err);
	}
	return fastgpt_create_file_collection_from_buffer(client, name, data, len, request_json, cancel,
	                                                  cb, (void *)handle, out_response, out_err);
}

static void fgo_log_trampoline(void *userdata, int32_t level, const char *message) {
	goFastgptLog((uintptr_t)userdata, level, (char *)message);
}

static void fgo_log_free(void *userdata) { goFastgptLogFree((uintptr_t)userdata); }

fastgpt_status fgo_set_logger(const fastgpt_client *client, int32_t level, uintptr_t handle,
                              fastgpt_error **out_err) {
	return fastgpt_client_set_log_callback(client, level, fgo_log_trampoline, (void *)handle,
	                                       fgo_log_free, out_err);
}
