/* C trampolines between the Go package and libfastgpt. Declarations only: this header is included
 * by the preamble of callbacks.go, which has //export functions (a preamble there must not define
 * anything, or the definition ends up in two objects). */
#ifndef FASTGPT_GO_SHIMS_H
#define FASTGPT_GO_SHIMS_H

#include <stdint.h>
#include <stdlib.h>
#include "fastgpt.h"

/* The endpoint indices (FGO_*) and functions, generated from the endpoint table. */
#include "shims_gen.h"

/* Calls endpoint `ep` (blocking). An unknown index is reported as FASTGPT_ERR_INTERNAL without
 * touching the outputs. */
fastgpt_status fgo_call(int ep, const fastgpt_client *client, const char *request_json,
                        const fastgpt_cancel *cancel, fastgpt_response **out_response,
                        fastgpt_error **out_err);

/* Starts an async streamed chat completion (v1, or v2 when `v2` is non-zero) whose events go to
 * the exported Go function goFastgptStreamEvent with `handle` (a runtime/cgo.Handle) as
 * userdata. */
fastgpt_status fgo_stream_start(const fastgpt_client *client, int v2, const char *request_json,
                                const fastgpt_cancel *cancel, uintptr_t handle,
                                fastgpt_error **out_err);

/* Uploads a file collection (blocking): from `path` when it is not NULL, else from the buffer
 * `data`/`len` named `name`. With a non-zero `handle`, progress events go to the exported Go
 * function goFastgptUploadProgress on the calling thread. */
fastgpt_status fgo_upload(const fastgpt_client *client, const char *request_json,
                          const fastgpt_cancel *cancel, const char *path, const char *name,
                          const uint8_t *data, size_t len, uintptr_t handle,
                          fastgpt_response **out_response, fastgpt_error **out_err);

/* Sends the client's log lines up to `level` to the exported Go function goFastgptLog with
 * `handle`, which goFastgptLogFree releases when the library drops it. */
fastgpt_status fgo_set_logger(const fastgpt_client *client, int32_t level, uintptr_t handle,
                              fastgpt_error **out_err);

#endif
