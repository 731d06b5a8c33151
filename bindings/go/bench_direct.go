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

import (
	"context"
	"encoding/json"
)

// directGetChatHistories is the baseline of the Go-overhead benchmark: one C call of the blocking
// endpoint with a constant request and no Go-side work (used only by tests).
func (c *Client) directGetChatHistories() error {
	ptr, err := c.s.acquire()
	if err != nil {
		return err
	}
	defer c.s.mu.RUnlock()
	if st := C.fgo_bench_get_chat_histories(ptr); st != C.FASTGPT_OK {
		return Status(st)
	}
	return nil
}

// goLayerOnly does every step run does for one call except the C endpoint call itself: request
// encoding, client lock, cancel token with its context wiring, and decoding data (a typical
// result) into the typed struct. Used only by the overhead benchmark.
func (c *Client) goLayerOnly(ctx context.Context, req any, data []byte) error {
	js, err := marshalRequest(req)
	if err != nil {
		return err
	}
	_ = js
	if _, err := c.s.acquire(); err != nil {
		return err
	}
	_, release := c.s.newCancel(ctx)
	release()
	c.s.mu.RUnlock()
	var out *ChatHistories
	return json.Unmarshal(data, &out)
}
