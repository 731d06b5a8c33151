/*
 * histories: a walk through chat management — chat, list histories, read records, like the
 * answer, rename and pin the chat, get suggested questions, delete a record, delete the chat.
 *
 *   FASTGPT_BASE_URL=... FASTGPT_API_KEY=... FASTGPT_APP_ID=<24-hex app id> ./histories
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastgpt.h"

static fastgpt_client *client;
static const char *app_id;

/* Runs one call, prints "<label>: <data>", returns 0 on success. */
typedef fastgpt_status (*endpoint_fn)(const fastgpt_client *, const char *, const fastgpt_cancel *,
                                      fastgpt_response **, fastgpt_error **);

static int call(const char *label, endpoint_fn fn, const char *request, char *out, size_t out_cap) {
    fastgpt_response *response = NULL;
    fastgpt_error *err = NULL;
    fastgpt_status status = fn(client, request, NULL, &response, &err);
    if (status != FASTGPT_OK) {
        printf("%s: FAILED %s: %s\n", label, fastgpt_status_str(status), fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    size_t len = 0;
    const char *data = fastgpt_response_data(response, &len);
    printf("%s: %.300s\n", label, data);
    if (out != NULL) {
        snprintf(out, out_cap, "%s", data);
    }
    fastgpt_response_free(response);
    return 0;
}

/* Copies the value of the LAST "key":"value" pair in `json` (a tiny helper, not a JSON parser:
 * records come oldest first, so the last dataId is the newest message, the answer). */
static int find_last_string(const char *json, const char *key, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *last = NULL;
    for (const char *p = strstr(json, pattern); p != NULL; p = strstr(p + 1, pattern)) last = p;
    if (last == NULL) return 1;
    last += strlen(pattern);
    size_t n = 0;
    while (last[n] != '"' && last[n] != '\0' && n + 1 < cap) n++;
    memcpy(out, last, n);
    out[n] = '\0';
    return 0;
}

int main(void) {
    app_id = getenv("FASTGPT_APP_ID");
    if (app_id == NULL) app_id = "66e29b870b24ce35330c0f08"; /* fastgpt-mock's app */
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(getenv("FASTGPT_CONFIG"), &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    const char *chat_id = "example-histories";
    char req[1024], buf[65536], data_id[128];
    int failures = 0;

    snprintf(req, sizeof req,
             "{\"appId\":\"%s\",\"chatId\":\"%s\",\"responseChatItemId\":\"example-answer-1\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"What is a histories walk?\"}]}",
             app_id, chat_id);
    failures += call("chat", fastgpt_create_chat_completion, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"offset\":0,\"pageSize\":20}", app_id);
    failures += call("histories", fastgpt_get_chat_histories, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\"}", app_id, chat_id);
    failures += call("init", fastgpt_get_chat_init, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\",\"offset\":0,\"pageSize\":10}", app_id, chat_id);
    failures += call("records", fastgpt_get_chat_records, req, buf, sizeof buf);
    if (find_last_string(buf, "dataId", data_id, sizeof data_id) != 0) {
        printf("records: no dataId found\n");
        failures++;
        snprintf(data_id, sizeof data_id, "missing");
    }
    printf("answer dataId: %s\n", data_id);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\",\"dataId\":\"%s\"}", app_id, chat_id, data_id);
    failures += call("record detail", fastgpt_get_record_detail, req, NULL, 0);

    snprintf(req, sizeof req,
             "{\"appId\":\"%s\",\"chatId\":\"%s\",\"dataId\":\"%s\",\"userGoodFeedback\":\"helpful\"}",
             app_id, chat_id, data_id);
    failures += call("feedback", fastgpt_send_feedback, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\",\"customTitle\":\"Renamed from C\",\"top\":true}",
             app_id, chat_id);
    failures += call("update", fastgpt_update_chat_history, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\"}", app_id, chat_id);
    failures += call("suggested", fastgpt_get_suggested_questions, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"offset\":0,\"pageSize\":20}", app_id);
    failures += call("histories after update", fastgpt_get_chat_histories, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\",\"contentId\":\"%s\"}", app_id, chat_id, data_id);
    failures += call("delete record", fastgpt_delete_chat_record, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"chatId\":\"%s\"}", app_id, chat_id);
    failures += call("delete chat", fastgpt_delete_chat_history, req, NULL, 0);

    snprintf(req, sizeof req, "{\"appId\":\"%s\",\"offset\":0,\"pageSize\":20}", app_id);
    failures += call("histories after delete", fastgpt_get_chat_histories, req, NULL, 0);

    fastgpt_client_free(client);
    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
