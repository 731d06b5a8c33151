package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"unsafe"
)

// endpoint indexes the blocking C functions of shims.c (same order as the FGO_* enum).
type endpoint C.int

const (
	epCreateChatCompletion  endpoint = C.FGO_CREATE_CHAT_COMPLETION
	epGetChatHistories      endpoint = C.FGO_GET_CHAT_HISTORIES
	epGetChatInit           endpoint = C.FGO_GET_CHAT_INIT
	epGetChatRecords        endpoint = C.FGO_GET_CHAT_RECORDS
	epGetRecordDetail       endpoint = C.FGO_GET_RECORD_DETAIL
	epUpdateChatHistory     endpoint = C.FGO_UPDATE_CHAT_HISTORY
	epDeleteChatHistory     endpoint = C.FGO_DELETE_CHAT_HISTORY
	epClearChatHistories    endpoint = C.FGO_CLEAR_CHAT_HISTORIES
	epDeleteChatRecord      endpoint = C.FGO_DELETE_CHAT_RECORD
	epSendFeedback          endpoint = C.FGO_SEND_FEEDBACK
	epGetSuggestedQuestions endpoint = C.FGO_GET_SUGGESTED_QUESTIONS
	epGetAppLogsChart       endpoint = C.FGO_GET_APP_LOGS_CHART
	epGetAppLogsTotal       endpoint = C.FGO_GET_APP_LOGS_TOTAL
	epRequest               endpoint = -1 // fastgpt_request (Do)
)

// CreateChatCompletion runs the app and returns the whole answer (see StreamChatCompletion for
// the streamed form). It is never re-sent once its body may have reached the server.
func (c *Client) CreateChatCompletion(ctx context.Context, req *ChatCompletionRequest, opts ...CallOption) (*ChatCompletion, error) {
	return call[*ChatCompletion](ctx, c, epCreateChatCompletion, req, opts)
}

// GetChatHistories lists an app's chats (POST /api/core/chat/getHistories).
func (c *Client) GetChatHistories(ctx context.Context, req *GetChatHistoriesRequest, opts ...CallOption) (*ChatHistories, error) {
	return call[*ChatHistories](ctx, c, epGetChatHistories, req, opts)
}

// GetChatInit returns a chat's initial state (GET /api/core/chat/init).
func (c *Client) GetChatInit(ctx context.Context, req *GetChatInitRequest, opts ...CallOption) (*ChatInit, error) {
	return call[*ChatInit](ctx, c, epGetChatInit, req, opts)
}

// GetChatRecords pages through a chat's messages (POST /api/core/chat/getPaginationRecords).
func (c *Client) GetChatRecords(ctx context.Context, req *GetChatRecordsRequest, opts ...CallOption) (*ChatRecords, error) {
	return call[*ChatRecords](ctx, c, epGetChatRecords, req, opts)
}

// GetRecordDetail returns the node responses of one AI message (GET /api/core/chat/getResData).
func (c *Client) GetRecordDetail(ctx context.Context, req *GetRecordDetailRequest, opts ...CallOption) ([]NodeResponse, error) {
	return call[[]NodeResponse](ctx, c, epGetRecordDetail, req, opts)
}

// UpdateChatHistory renames or pins a chat (POST /api/core/chat/updateHistory).
func (c *Client) UpdateChatHistory(ctx context.Context, req *UpdateChatHistoryRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epUpdateChatHistory, req, opts)
	return err
}

// DeleteChatHistory deletes one chat (DELETE /api/core/chat/delHistory).
func (c *Client) DeleteChatHistory(ctx context.Context, req *DeleteChatHistoryRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteChatHistory, req, opts)
	return err
}

// ClearChatHistories deletes all of an app's API chats (DELETE /api/core/chat/clearHistories).
func (c *Client) ClearChatHistories(ctx context.Context, req *ClearChatHistoriesRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epClearChatHistories, req, opts)
	return err
}

// DeleteChatRecord deletes one message (DELETE /api/core/chat/item/delete).
func (c *Client) DeleteChatRecord(ctx context.Context, req *DeleteChatRecordRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteChatRecord, req, opts)
	return err
}

// SendFeedback sets the like/dislike of an AI message
// (POST /api/core/chat/feedback/updateUserFeedback).
func (c *Client) SendFeedback(ctx context.Context, req *SendFeedbackRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epSendFeedback, req, opts)
	return err
}

// GetSuggestedQuestions suggests follow-up questions
// (POST /api/core/ai/agent/v2/createQuestionGuide).
func (c *Client) GetSuggestedQuestions(ctx context.Context, req *GetSuggestedQuestionsRequest, opts ...CallOption) ([]string, error) {
	return call[[]string](ctx, c, epGetSuggestedQuestions, req, opts)
}

// GetAppLogsChart returns app analytics per time bucket
// (POST /api/proApi/core/app/logs/getChartData, commercial FastGPT).
func (c *Client) GetAppLogsChart(ctx context.Context, req *GetAppLogsChartRequest, opts ...CallOption) (*AppLogsChart, error) {
	return call[*AppLogsChart](ctx, c, epGetAppLogsChart, req, opts)
}

// GetAppLogsTotal returns app totals (GET /api/proApi/core/app/logs/getTotalData, commercial
// FastGPT).
func (c *Client) GetAppLogsTotal(ctx context.Context, req *GetAppLogsTotalRequest, opts ...CallOption) (*AppLogsTotal, error) {
	return call[*AppLogsTotal](ctx, c, epGetAppLogsTotal, req, opts)
}

// Do calls any FastGPT endpoint, with the client's auth, retries and error classification.
// method is "GET", "POST", "PUT" or "DELETE"; path starts with "/api/" (no query string). req
// (nil means {}) is marshalled to JSON and sent in the query for GET and DELETE, as the body
// otherwise. The result (the envelope's data, else the whole body) is unmarshalled into out
// unless out is nil (a mismatch is an *Error with StatusDecode, and the Response is still
// returned); the raw Response is returned too, and also stored by WithResponseInto.
func (c *Client) Do(ctx context.Context, method, path string, req, out any, opts ...CallOption) (*Response, error) {
	var resp *Response
	err := run(ctx, c, epRequest, method, path, req, opts, &resp, func(data []byte) error {
		if out == nil || len(data) == 0 {
			return nil
		}
		return json.Unmarshal(data, out)
	})
	return resp, err
}

// call is the one implementation behind every endpoint method: JSON in, C call, JSON out. The
// result is decoded straight from the library's buffer (no intermediate copy).
func call[T any](ctx context.Context, c *Client, ep endpoint, req any, opts []CallOption) (T, error) {
	var out T
	err := run(ctx, c, ep, "", "", req, opts, nil, func(data []byte) error {
		if len(data) == 0 {
			return nil
		}
		return json.Unmarshal(data, &out)
	})
	return out, err
}

// marshalRequest encodes req as NUL-terminated JSON.
func marshalRequest(req any) ([]byte, error) {
	if req == nil {
		return []byte("{}\x00"), nil
	}
	js, err := json.Marshal(req)
	if err != nil {
		return nil, &Error{Status: StatusInvalidJSON, Message: "cannot encode the request: " + err.Error()}
	}
	return append(js, 0), nil
}

// cStr returns a NUL-terminated copy of s in Go memory (C only borrows it during the call).
func cStr(s string) []byte { return append([]byte(s), 0) }

// cancelToken is a call's fastgpt_cancel; its mutex keeps a trigger (run by context.AfterFunc
// on another goroutine) from racing with the free.
type cancelToken struct {
	mu sync.Mutex
	p  *C.fastgpt_cancel
}

func (t *cancelToken) trigger() {
	t.mu.Lock()
	if t.p != nil {
		C.fastgpt_cancel_trigger(t.p)
	}
	t.mu.Unlock()
}

// free detaches nothing by itself: callers stop the AfterFuncs first (see newCancel).
func (t *cancelToken) free() {
	t.mu.Lock()
	C.fastgpt_cancel_free(t.p)
	t.p = nil
	t.mu.Unlock()
}

// newCancel makes the per-call cancel token, triggered when ctx is done or the client closes.
// The returned function detaches the triggers and frees the token.
func (s *clientState) newCancel(ctx context.Context) (*cancelToken, func()) {
	t := &cancelToken{p: C.fastgpt_cancel_new()}
	stopCtx := context.AfterFunc(ctx, t.trigger)
	stopBase := context.AfterFunc(s.base, t.trigger)
	return t, func() {
		stopCtx()
		stopBase()
		t.free()
	}
}

// callSettings applies the options of one call; options that only a client takes yet are an
// error (they will map onto a derived client once libfastgpt has per-call settings).
func callSettings(opts []CallOption) (settings, error) {
	var set settings
	for _, o := range opts {
		o(&set)
	}
	if set.clientOnly != "" {
		return set, &Error{Status: StatusInvalidArgument, Message: set.clientOnly + " is a client option: pass it to NewClient (per-call use is not supported yet)"}
	}
	return set, nil
}

// withCallTimeout bounds ctx by the call's WithTimeout, if any (d <= 0: no bound).
func withCallTimeout(ctx context.Context, set *settings) (context.Context, context.CancelFunc) {
	if !set.hasTimeout || set.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, set.timeout)
}

// run performs one blocking C call under ctx and hands the library-owned result data to decode
// before the response is freed (or kept for WithResponseInto and for Do's own result, doResp).
func run(ctx context.Context, c *Client, ep endpoint, method, path string, req any, opts []CallOption, doResp **Response, decode func([]byte) error) error {
	set, err := callSettings(opts)
	if err != nil {
		return err
	}
	ctx, cancel := withCallTimeout(ctx, &set)
	defer cancel()
	if ctx.Err() != nil {
		return ctxError(ctx)
	}
	js, err := marshalRequest(req)
	if err != nil {
		return err
	}
	s := c.s
	ptr, err := s.acquire()
	if err != nil {
		return err
	}
	tok, release := s.newCancel(ctx)
	var resp *C.fastgpt_response
	var cerr *C.fastgpt_error
	var st C.fastgpt_status
	cjs := (*C.char)(unsafe.Pointer(&js[0]))
	if ep == epRequest {
		m, p := cStr(method), cStr(path)
		st = C.fastgpt_request(ptr, (*C.char)(unsafe.Pointer(&m[0])), (*C.char)(unsafe.Pointer(&p[0])), cjs, tok.p, &resp, &cerr)
	} else {
		st = C.fgo_call(C.int(ep), ptr, cjs, tok.p, &resp, &cerr)
	}
	release()
	s.mu.RUnlock()
	runtime.KeepAlive(c)
	if st != C.FASTGPT_OK {
		return cancelledBy(takeError(st, cerr), ctx, s.base, false)
	}
	err = decode(responseData(resp))
	if set.into != nil || doResp != nil {
		r := newResponse(resp, true)
		if set.into != nil {
			*set.into = r
		}
		if doResp != nil {
			*doResp = r
		}
	} else {
		C.fastgpt_response_free(resp)
	}
	if err != nil {
		return &Error{Status: StatusDecode, Message: "cannot decode the result: " + err.Error()}
	}
	return nil
}
