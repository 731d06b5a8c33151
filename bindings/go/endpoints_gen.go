// Code generated from the endpoint table (src/endpoints.rs) by `make generate`. DO NOT EDIT.

package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"context"
	"encoding/json"
)

// endpoint indexes the blocking C functions of shims.c (the FGO_* enum of shims_gen.h).
type endpoint C.int

const (
	epCreateChatCompletion   endpoint = C.FGO_CREATE_CHAT_COMPLETION
	epCreateChatCompletionV2 endpoint = C.FGO_CREATE_CHAT_COMPLETION_V2
	epStopChat               endpoint = C.FGO_STOP_CHAT
	epGetChatHistories       endpoint = C.FGO_GET_CHAT_HISTORIES
	epGetChatInit            endpoint = C.FGO_GET_CHAT_INIT
	epGetChatRecords         endpoint = C.FGO_GET_CHAT_RECORDS
	epGetRecordDetail        endpoint = C.FGO_GET_RECORD_DETAIL
	epUpdateChatHistory      endpoint = C.FGO_UPDATE_CHAT_HISTORY
	epDeleteChatHistory      endpoint = C.FGO_DELETE_CHAT_HISTORY
	epClearChatHistories     endpoint = C.FGO_CLEAR_CHAT_HISTORIES
	epDeleteChatRecord       endpoint = C.FGO_DELETE_CHAT_RECORD
	epSendFeedback           endpoint = C.FGO_SEND_FEEDBACK
	epGetSuggestedQuestions  endpoint = C.FGO_GET_SUGGESTED_QUESTIONS
	epGetAppLogsChart        endpoint = C.FGO_GET_APP_LOGS_CHART
	epGetAppLogsTotal        endpoint = C.FGO_GET_APP_LOGS_TOTAL
	epListDatasets           endpoint = C.FGO_LIST_DATASETS
	epCreateDataset          endpoint = C.FGO_CREATE_DATASET
	epGetDataset             endpoint = C.FGO_GET_DATASET
	epDeleteDataset          endpoint = C.FGO_DELETE_DATASET
	epCreateCollection       endpoint = C.FGO_CREATE_COLLECTION
	epCreateTextCollection   endpoint = C.FGO_CREATE_TEXT_COLLECTION
	epCreateLinkCollection   endpoint = C.FGO_CREATE_LINK_COLLECTION
	epCreateAPICollection    endpoint = C.FGO_CREATE_API_COLLECTION
	epCreateAPICollectionV2  endpoint = C.FGO_CREATE_API_COLLECTION_V2
	epListCollections        endpoint = C.FGO_LIST_COLLECTIONS
	epGetCollection          endpoint = C.FGO_GET_COLLECTION
	epUpdateCollection       endpoint = C.FGO_UPDATE_COLLECTION
	epDeleteCollections      endpoint = C.FGO_DELETE_COLLECTIONS
	epPushData               endpoint = C.FGO_PUSH_DATA
	epListData               endpoint = C.FGO_LIST_DATA
	epGetData                endpoint = C.FGO_GET_DATA
	epUpdateData             endpoint = C.FGO_UPDATE_DATA
	epDeleteData             endpoint = C.FGO_DELETE_DATA
	epSearchTest             endpoint = C.FGO_SEARCH_TEST
	epCreateTrainingUsage    endpoint = C.FGO_CREATE_TRAINING_USAGE
	epRequest                endpoint = -1 // fastgpt_request (Do)
)

// CreateChatCompletion calls fastgpt_create_chat_completion: Runs the app on `messages` and
// returns the whole answer (`stream` is forced to false) (POST /api/v1/chat/completions). It is
// never re-sent once its request may have reached the server. Every field is documented there, in
// fastgpt.h.
func (c *Client) CreateChatCompletion(ctx context.Context, req *ChatCompletionRequest, opts ...CallOption) (*ChatCompletion, error) {
	return call[*ChatCompletion](ctx, c, epCreateChatCompletion, req, opts)
}

// CreateChatCompletionV2 calls fastgpt_create_chat_completion_v2: The v2 chat completion (FastGPT
// >= 4.9.4, what FastGPT's own web UI calls): request and result as
// `fastgpt_create_chat_completion`; with `detail` its `responseData` is built from one
// `flowNodeResponse` per node, and messages carry `reasoning_content` (POST
// /api/v2/chat/completions). It is never re-sent once its request may have reached the server.
// Every field is documented there, in fastgpt.h.
func (c *Client) CreateChatCompletionV2(ctx context.Context, req *ChatCompletionRequest, opts ...CallOption) (*ChatCompletion, error) {
	return call[*ChatCompletion](ctx, c, epCreateChatCompletionV2, req, opts)
}

// StopChat calls fastgpt_stop_chat: Stops the chat's running workflow (a v2 completion started
// with that `chatId`); the server waits up to 5 s for it to stop (POST /api/v2/chat/stop). Every
// field is documented there, in fastgpt.h.
func (c *Client) StopChat(ctx context.Context, req *StopChatRequest, opts ...CallOption) (*StopChatResult, error) {
	return call[*StopChatResult](ctx, c, epStopChat, req, opts)
}

// GetChatHistories calls fastgpt_get_chat_histories: Lists an app's chats, pinned first, then
// newest (POST /api/core/chat/getHistories). Every field is documented there, in fastgpt.h.
func (c *Client) GetChatHistories(ctx context.Context, req *GetChatHistoriesRequest, opts ...CallOption) (*ChatHistories, error) {
	return call[*ChatHistories](ctx, c, epGetChatHistories, req, opts)
}

// GetChatInit calls fastgpt_get_chat_init: Loads a chat's title, variables and app configuration
// (sent as query parameters) (GET /api/core/chat/init). Every field is documented there, in
// fastgpt.h.
func (c *Client) GetChatInit(ctx context.Context, req *GetChatInitRequest, opts ...CallOption) (*ChatInit, error) {
	return call[*ChatInit](ctx, c, epGetChatInit, req, opts)
}

// GetChatRecords calls fastgpt_get_chat_records: Pages through a chat's messages; `offset` 0 is
// the newest page, items within a page are in chronological order (POST
// /api/core/chat/getPaginationRecords). Every field is documented there, in fastgpt.h.
func (c *Client) GetChatRecords(ctx context.Context, req *GetChatRecordsRequest, opts ...CallOption) (*ChatRecords, error) {
	return call[*ChatRecords](ctx, c, epGetChatRecords, req, opts)
}

// GetRecordDetail calls fastgpt_get_record_detail: The node responses (workflow details) of one AI
// message (sent as query parameters) (GET /api/core/chat/getResData). Every field is documented
// there, in fastgpt.h.
func (c *Client) GetRecordDetail(ctx context.Context, req *GetRecordDetailRequest, opts ...CallOption) ([]NodeResponse, error) {
	return call[[]NodeResponse](ctx, c, epGetRecordDetail, req, opts)
}

// UpdateChatHistory calls fastgpt_update_chat_history: Renames or pins a chat: only the fields
// sent (`customTitle`, `title`, `top`) change (POST /api/core/chat/updateHistory). Every field is
// documented there, in fastgpt.h.
func (c *Client) UpdateChatHistory(ctx context.Context, req *UpdateChatHistoryRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epUpdateChatHistory, req, opts)
	return err
}

// DeleteChatHistory calls fastgpt_delete_chat_history: Deletes one chat (sent as query parameters)
// (DELETE /api/core/chat/delHistory). Every field is documented there, in fastgpt.h.
func (c *Client) DeleteChatHistory(ctx context.Context, req *DeleteChatHistoryRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteChatHistory, req, opts)
	return err
}

// ClearChatHistories calls fastgpt_clear_chat_histories: Deletes all of an app's API chats (sent
// as query parameters) (DELETE /api/core/chat/clearHistories). Every field is documented there, in
// fastgpt.h.
func (c *Client) ClearChatHistories(ctx context.Context, req *ClearChatHistoriesRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epClearChatHistories, req, opts)
	return err
}

// DeleteChatRecord calls fastgpt_delete_chat_record: Deletes messages: one (`contentId`, a
// message's `dataId`) or several (`contentIds`) (DELETE /api/core/chat/record/delete). Every field
// is documented there, in fastgpt.h.
func (c *Client) DeleteChatRecord(ctx context.Context, req *DeleteChatRecordRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteChatRecord, req, opts)
	return err
}

// SendFeedback calls fastgpt_send_feedback: Sets the like / dislike of an AI message:
// `userGoodFeedback` or `userBadFeedback` (string) (POST
// /api/core/chat/feedback/updateUserFeedback). Every field is documented there, in fastgpt.h.
func (c *Client) SendFeedback(ctx context.Context, req *SendFeedbackRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epSendFeedback, req, opts)
	return err
}

// GetSuggestedQuestions calls fastgpt_get_suggested_questions: Suggests follow-up questions from
// the chat's last messages (POST /api/core/ai/agent/v2/createQuestionGuide). It is never re-sent
// once its request may have reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) GetSuggestedQuestions(ctx context.Context, req *GetSuggestedQuestionsRequest, opts ...CallOption) ([]string, error) {
	return call[[]string](ctx, c, epGetSuggestedQuestions, req, opts)
}

// GetAppLogsChart calls fastgpt_get_app_logs_chart: App analytics per time bucket (commercial
// FastGPT) (POST /api/proApi/core/app/logs/getChartData). Every field is documented there, in
// fastgpt.h.
func (c *Client) GetAppLogsChart(ctx context.Context, req *GetAppLogsChartRequest, opts ...CallOption) (*AppLogsChart, error) {
	return call[*AppLogsChart](ctx, c, epGetAppLogsChart, req, opts)
}

// GetAppLogsTotal calls fastgpt_get_app_logs_total: App totals (commercial FastGPT), sent as query
// parameters (GET /api/proApi/core/app/logs/getTotalData). Every field is documented there, in
// fastgpt.h.
func (c *Client) GetAppLogsTotal(ctx context.Context, req *GetAppLogsTotalRequest, opts ...CallOption) (*AppLogsTotal, error) {
	return call[*AppLogsTotal](ctx, c, epGetAppLogsTotal, req, opts)
}

// ListDatasets calls fastgpt_list_datasets: Lists the datasets (knowledge bases) in a folder (POST
// /api/core/dataset/list). Every field is documented there, in fastgpt.h.
func (c *Client) ListDatasets(ctx context.Context, req *ListDatasetsRequest, opts ...CallOption) ([]Dataset, error) {
	return call[[]Dataset](ctx, c, epListDatasets, req, opts)
}

// CreateDataset calls fastgpt_create_dataset: Creates a dataset (POST /api/core/dataset/create).
// It is never re-sent once its request may have reached the server. Every field is documented
// there, in fastgpt.h.
func (c *Client) CreateDataset(ctx context.Context, req *CreateDatasetRequest, opts ...CallOption) (string, error) {
	return call[string](ctx, c, epCreateDataset, req, opts)
}

// GetDataset calls fastgpt_get_dataset: A dataset's details (`id` is the dataset id, sent as a
// query parameter) (GET /api/core/dataset/detail). Every field is documented there, in fastgpt.h.
func (c *Client) GetDataset(ctx context.Context, req *GetDatasetRequest, opts ...CallOption) (*Dataset, error) {
	return call[*Dataset](ctx, c, epGetDataset, req, opts)
}

// DeleteDataset calls fastgpt_delete_dataset: Deletes a dataset and everything in it (`id` sent as
// a query parameter) (DELETE /api/core/dataset/delete). Every field is documented there, in
// fastgpt.h.
func (c *Client) DeleteDataset(ctx context.Context, req *DeleteDatasetRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteDataset, req, opts)
	return err
}

// CreateCollection calls fastgpt_create_collection: Creates an empty collection: `type` is
// `virtual` (data pushed by hand with `fastgpt_push_data`) or `folder` (the server requires it)
// (POST /api/core/dataset/collection/create). It is never re-sent once its request may have
// reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) CreateCollection(ctx context.Context, req *CreateCollectionRequest, opts ...CallOption) (string, error) {
	return call[string](ctx, c, epCreateCollection, req, opts)
}

// CreateTextCollection calls fastgpt_create_text_collection: Creates a collection from `text`,
// split into chunks and trained (POST /api/core/dataset/collection/create/text). It is never
// re-sent once its request may have reached the server. Every field is documented there, in
// fastgpt.h.
func (c *Client) CreateTextCollection(ctx context.Context, req *CreateTextCollectionRequest, opts ...CallOption) (*CollectionCreated, error) {
	return call[*CollectionCreated](ctx, c, epCreateTextCollection, req, opts)
}

// CreateLinkCollection calls fastgpt_create_link_collection: Creates a collection from a web page:
// the server fetches `link`, then splits and trains its text (`metadata.webPageSelector` picks the
// element) (POST /api/core/dataset/collection/create/link). It is never re-sent once its request
// may have reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) CreateLinkCollection(ctx context.Context, req *CreateLinkCollectionRequest, opts ...CallOption) (*CollectionCreated, error) {
	return call[*CollectionCreated](ctx, c, epCreateLinkCollection, req, opts)
}

// CreateAPICollection calls fastgpt_create_api_collection: Creates a collection from one file of
// an API dataset (`apiFileId`; deprecated by FastGPT in favour of
// `fastgpt_create_api_collection_v2`) (POST /api/core/dataset/collection/create/apiCollection). It
// is never re-sent once its request may have reached the server. Every field is documented there,
// in fastgpt.h.
func (c *Client) CreateAPICollection(ctx context.Context, req *CreateAPICollectionRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epCreateAPICollection, req, opts)
	return err
}

// CreateAPICollectionV2 calls fastgpt_create_api_collection_v2: Creates collections from files and
// folders of an API dataset: `apiFiles` is an array of
// `{"id","name","type":"file"|"folder","hasChild"}` (folders are walked; files already imported
// are skipped) (POST /api/core/dataset/collection/create/apiCollectionV2). It is never re-sent
// once its request may have reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) CreateAPICollectionV2(ctx context.Context, req *CreateAPICollectionV2Request, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epCreateAPICollectionV2, req, opts)
	return err
}

// ListCollections calls fastgpt_list_collections: Pages through a dataset's collections (POST
// /api/core/dataset/collection/listV2). Every field is documented there, in fastgpt.h.
func (c *Client) ListCollections(ctx context.Context, req *ListCollectionsRequest, opts ...CallOption) (*CollectionList, error) {
	return call[*CollectionList](ctx, c, epListCollections, req, opts)
}

// GetCollection calls fastgpt_get_collection: A collection's details (`id` sent as a query
// parameter) (GET /api/core/dataset/collection/detail). Every field is documented there, in
// fastgpt.h.
func (c *Client) GetCollection(ctx context.Context, req *GetCollectionRequest, opts ...CallOption) (*Collection, error) {
	return call[*Collection](ctx, c, epGetCollection, req, opts)
}

// UpdateCollection calls fastgpt_update_collection: Updates a collection found by `id`, or by
// `datasetId` + `externalFileId`: only the fields sent change (`parentId`, `name`, `tags`,
// `forbid`, `createTime`) (PUT /api/core/dataset/collection/update). Every field is documented
// there, in fastgpt.h.
func (c *Client) UpdateCollection(ctx context.Context, req *UpdateCollectionRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epUpdateCollection, req, opts)
	return err
}

// DeleteCollections calls fastgpt_delete_collections: Deletes collections and their data:
// `collectionIds` (array), or one `id` (POST /api/core/dataset/collection/delete). Every field is
// documented there, in fastgpt.h.
func (c *Client) DeleteCollections(ctx context.Context, req *DeleteCollectionsRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteCollections, req, opts)
	return err
}

// PushData calls fastgpt_push_data: Adds data to a collection for training: `data` is an array of
// `{"q","a","indexes":[{"text"}]}`, at most 200 per call (checked here: push more in several
// calls) (POST /api/core/dataset/data/pushData). It is never re-sent once its request may have
// reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) PushData(ctx context.Context, req *PushDataRequest, opts ...CallOption) (*PushDataResult, error) {
	return call[*PushDataResult](ctx, c, epPushData, req, opts)
}

// ListData calls fastgpt_list_data: Pages through a collection's data (POST
// /api/core/dataset/data/v2/list). Every field is documented there, in fastgpt.h.
func (c *Client) ListData(ctx context.Context, req *ListDataRequest, opts ...CallOption) (*DataList, error) {
	return call[*DataList](ctx, c, epListData, req, opts)
}

// GetData calls fastgpt_get_data: One data item (`id` sent as a query parameter) (GET
// /api/core/dataset/data/detail). Every field is documented there, in fastgpt.h.
func (c *Client) GetData(ctx context.Context, req *GetDataRequest, opts ...CallOption) (*DataItem, error) {
	return call[*DataItem](ctx, c, epGetData, req, opts)
}

// UpdateData calls fastgpt_update_data: Updates one data item: `q`, `a`, `indexes` (an index with
// its `dataId` is updated in place, one without is added) (PUT /api/core/dataset/data/update).
// Every field is documented there, in fastgpt.h.
func (c *Client) UpdateData(ctx context.Context, req *UpdateDataRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epUpdateData, req, opts)
	return err
}

// DeleteData calls fastgpt_delete_data: Deletes one data item (`id` sent as a query parameter)
// (DELETE /api/core/dataset/data/delete). Every field is documented there, in fastgpt.h.
func (c *Client) DeleteData(ctx context.Context, req *DeleteDataRequest, opts ...CallOption) error {
	_, err := call[json.RawMessage](ctx, c, epDeleteData, req, opts)
	return err
}

// SearchTest calls fastgpt_search_test: Searches a dataset as an app's dataset-search node would
// (POST /api/core/dataset/searchTest). It is never re-sent once its request may have reached the
// server. Every field is documented there, in fastgpt.h.
func (c *Client) SearchTest(ctx context.Context, req *SearchTestRequest, opts ...CallOption) (*SearchTestResult, error) {
	return call[*SearchTestResult](ctx, c, epSearchTest, req, opts)
}

// CreateTrainingUsage calls fastgpt_create_training_usage: Creates a training bill to group
// several `fastgpt_push_data` calls under one usage record (POST
// /api/support/wallet/usage/createTrainingUsage). It is never re-sent once its request may have
// reached the server. Every field is documented there, in fastgpt.h.
func (c *Client) CreateTrainingUsage(ctx context.Context, req *CreateTrainingUsageRequest, opts ...CallOption) (string, error) {
	return call[string](ctx, c, epCreateTrainingUsage, req, opts)
}
