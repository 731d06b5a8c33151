/* shims_gen.h: GENERATED from the endpoint table (src/endpoints.rs) by `make generate`; do not
 * edit. Indices of the blocking endpoint functions (shims.c's table) and the functions in that
 * order. */
#ifndef FASTGPT_GO_SHIMS_GEN_H
#define FASTGPT_GO_SHIMS_GEN_H

enum {
	FGO_CREATE_CHAT_COMPLETION = 0,
	FGO_CREATE_CHAT_COMPLETION_V2,
	FGO_STOP_CHAT,
	FGO_GET_CHAT_HISTORIES,
	FGO_GET_CHAT_INIT,
	FGO_GET_CHAT_RECORDS,
	FGO_GET_RECORD_DETAIL,
	FGO_UPDATE_CHAT_HISTORY,
	FGO_DELETE_CHAT_HISTORY,
	FGO_CLEAR_CHAT_HISTORIES,
	FGO_DELETE_CHAT_RECORD,
	FGO_SEND_FEEDBACK,
	FGO_GET_SUGGESTED_QUESTIONS,
	FGO_GET_APP_LOGS_CHART,
	FGO_GET_APP_LOGS_TOTAL,
	FGO_LIST_DATASETS,
	FGO_CREATE_DATASET,
	FGO_GET_DATASET,
	FGO_DELETE_DATASET,
	FGO_CREATE_COLLECTION,
	FGO_CREATE_TEXT_COLLECTION,
	FGO_CREATE_LINK_COLLECTION,
	FGO_CREATE_API_COLLECTION,
	FGO_CREATE_API_COLLECTION_V2,
	FGO_LIST_COLLECTIONS,
	FGO_GET_COLLECTION,
	FGO_UPDATE_COLLECTION,
	FGO_DELETE_COLLECTIONS,
	FGO_PUSH_DATA,
	FGO_LIST_DATA,
	FGO_GET_DATA,
	FGO_UPDATE_DATA,
	FGO_DELETE_DATA,
	FGO_SEARCH_TEST,
	FGO_CREATE_TRAINING_USAGE,
	FGO_ENDPOINT_COUNT
};

#define FGO_ENDPOINT_FUNCTIONS \
	fastgpt_create_chat_completion, \
	fastgpt_create_chat_completion_v2, \
	fastgpt_stop_chat, \
	fastgpt_get_chat_histories, \
	fastgpt_get_chat_init, \
	fastgpt_get_chat_records, \
	fastgpt_get_record_detail, \
	fastgpt_update_chat_history, \
	fastgpt_delete_chat_history, \
	fastgpt_clear_chat_histories, \
	fastgpt_delete_chat_record, \
	fastgpt_send_feedback, \
	fastgpt_get_suggested_questions, \
	fastgpt_get_app_logs_chart, \
	fastgpt_get_app_logs_total, \
	fastgpt_list_datasets, \
	fastgpt_create_dataset, \
	fastgpt_get_dataset, \
	fastgpt_delete_dataset, \
	fastgpt_create_collection, \
	fastgpt_create_text_collection, \
	fastgpt_create_link_collection, \
	fastgpt_create_api_collection, \
	fastgpt_create_api_collection_v2, \
	fastgpt_list_collections, \
	fastgpt_get_collection, \
	fastgpt_update_collection, \
	fastgpt_delete_collections, \
	fastgpt_push_data, \
	fastgpt_list_data, \
	fastgpt_get_data, \
	fastgpt_update_data, \
	fastgpt_delete_data, \
	fastgpt_search_test, \
	fastgpt_create_training_usage,

#endif
