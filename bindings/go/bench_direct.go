//go:build fastgpt_bench

// The C baseline of the Go-overhead benchmark. It is test-only C, so it is compiled only with
// -tags fastgpt_bench (go test -tags fastgpt_dev,fastgpt_bench -bench CGet): never into a user's
// binary.

package fastgpt

/*
#include "shims.h"

static const char fgo_bench_request[] = "{\"appId\":\"66e29b870b24ce35330c0f08\",\"pageSize\":1}";

static fastgpt_status fgo_bench_get_chat_histories(const fastgpt_client *client) {
	fastgpt_response *resp = NULL;
	fastgpt_error *err = NULL;
	fastgpt_status st = fastgpt_get_chat_histories(client, fgo_bench_request, NULL, &resp, &err);
	fastgpt_response_free(resp);
	fastgpt_error_free(err);
	return st;
}
*/
import "C"

// directGetChatHistories is the baseline of the Go-overhead benchmark: one C call of the blocking
// endpoint with a constant request and no Go-side work (used only by tests).
func (c *Client) directGetChatHistories() error {
	ptr, err := c.s.acquire()
	if err != nil {
		return err
	}
	defer c.s.mu.RUnlock()
	if st := C.fgo_bench_get_chat_histories(ptr); st != C.FASTGPT_OK {
		return &Error{Status: Status(st)}
	}
	return nil
}
