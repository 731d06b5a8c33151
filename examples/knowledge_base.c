/*
 * knowledge_base: a dataset from start to end — create it, add a text collection, push Q&A data,
 * run a search test, upload a file with a progress line, then delete everything it made.
 *
 *   FASTGPT_BASE_URL=... FASTGPT_API_KEY=... ./knowledge_base [file-to-upload]
 *
 * Without a file argument it uploads a small file it writes to /tmp first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastgpt.h"

static fastgpt_client *client;

typedef fastgpt_status (*endpoint_fn)(const fastgpt_client *, const char *, const fastgpt_cancel *,
                                      fastgpt_response **, fastgpt_error **);

/* Prints "<label>: <data>" (or the error); copies the result's JSON text into `out` if given. */
static int report(const char *label, fastgpt_status status, fastgpt_response *response, fastgpt_error *err,
                  char *out, size_t out_cap) {
    if (status != FASTGPT_OK) {
        printf("%s: FAILED %s (HTTP %d, FastGPT code %" PRId64 "): %s\n", label, fastgpt_status_str(status),
               fastgpt_error_http_status(err), fastgpt_error_api_code(err), fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    size_t len = 0;
    const char *data = fastgpt_response_data(response, &len);
    printf("%s: %.200s\n", label, data);
    if (out != NULL) {
        snprintf(out, out_cap, "%s", data);
    }
    fastgpt_response_free(response);
    return 0;
}

static int call(const char *label, endpoint_fn fn, const char *request, char *out, size_t out_cap) {
    fastgpt_response *response = NULL;
    fastgpt_error *err = NULL;
    fastgpt_status status = fn(client, request, NULL, &response, &err);
    return report(label, status, response, err, out, out_cap);
}

/* The value of the first "key":"value" in `json` (a tiny helper for the example, not a parser). */
static int find_string(const char *json, const char *key, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *at = strstr(json, pattern);
    if (at == NULL) return 1;
    at += strlen(pattern);
    size_t n = 0;
    while (at[n] != '"' && at[n] != '\0' && n + 1 < cap) n++;
    memcpy(out, at, n);
    out[n] = '\0';
    return 0;
}

/* A JSON string result ("the-id") without its quotes. */
static void unquote(const char *json, char *out, size_t cap) {
    size_t n = strlen(json);
    if (n >= 2 && json[0] == '"') {
        json++;
        n -= 2;
    }
    if (n >= cap) n = cap - 1;
    memcpy(out, json, n);
    out[n] = '\0';
}

/* Upload progress: one line per report, on this thread (blocking call). */
static int32_t on_progress(void *userdata, const fastgpt_event *event) {
    int *reports = userdata;
    if (event->kind == FASTGPT_EVENT_UPLOAD_PROGRESS) {
        (*reports)++;
        printf("upload progress: %" PRIu64 "/%" PRIu64 " bytes (%d%%)\n", event->upload_sent, event->upload_total,
               event->upload_total == 0 ? 100 : (int)(event->upload_sent * 100 / event->upload_total));
    }
    return FASTGPT_CB_CONTINUE;
}

int main(int argc, char **argv) {
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(getenv("FASTGPT_CONFIG"), &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    char req[2048], buf[65536], dataset[64] = "", text_collection[64] = "", manual[64] = "", file_collection[64] = "";
    int failures = 0;

    failures += call("create dataset", fastgpt_create_dataset,
                     "{\"name\":\"libfastgpt example\",\"intro\":\"made by examples/knowledge_base.c\"}", buf,
                     sizeof buf);
    unquote(buf, dataset, sizeof dataset);
    printf("dataset id: %s\n", dataset);

    snprintf(req, sizeof req,
             "{\"datasetId\":\"%s\",\"name\":\"Intro\",\"trainingType\":\"chunk\","
             "\"text\":\"libfastgpt is a native client for FastGPT.\\n\\nIt speaks C, C++, Go and Swift.\"}",
             dataset);
    failures += call("text collection", fastgpt_create_text_collection, req, buf, sizeof buf);
    find_string(buf, "collectionId", text_collection, sizeof text_collection);

    snprintf(req, sizeof req, "{\"datasetId\":\"%s\",\"name\":\"Q&A\",\"type\":\"virtual\"}", dataset);
    failures += call("empty collection", fastgpt_create_collection, req, buf, sizeof buf);
    unquote(buf, manual, sizeof manual);

    snprintf(req, sizeof req,
             "{\"collectionId\":\"%s\",\"trainingType\":\"chunk\",\"data\":["
             "{\"q\":\"Which languages does libfastgpt support?\",\"a\":\"C, C++, Go and Swift.\"},"
             "{\"q\":\"Is the API key ever logged?\",\"a\":\"No.\"}]}",
             manual);
    failures += call("push data", fastgpt_push_data, req, NULL, 0);

    snprintf(req, sizeof req, "{\"datasetId\":\"%s\",\"text\":\"languages libfastgpt\",\"limit\":2000}", dataset);
    failures += call("search test", fastgpt_search_test, req, buf, sizeof buf);
    char q[256];
    if (find_string(buf, "q", q, sizeof q) == 0) {
        printf("best match: %s\n", q);
    } else {
        printf("search test: no match\n");
        failures++;
    }

    /* A file to upload: the argument, or one written here. */
    const char *path = argc > 1 ? argv[1] : "/tmp/libfastgpt-example-upload.md";
    if (argc <= 1) {
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            perror(path);
            return 1;
        }
        for (int i = 0; i < 4000; i++) fprintf(f, "Line %d of an uploaded markdown file.\n", i);
        fclose(f);
    }
    snprintf(req, sizeof req, "{\"datasetId\":\"%s\",\"trainingType\":\"chunk\",\"chunkSize\":512}", dataset);
    int reports = 0;
    fastgpt_response *response = NULL;
    fastgpt_status status =
        fastgpt_create_file_collection(client, path, req, NULL, on_progress, &reports, &response, &err);
    failures += report("upload", status, response, err, buf, sizeof buf);
    if (status == FASTGPT_OK) {
        find_string(buf, "collectionId", file_collection, sizeof file_collection);
        printf("upload: %d progress reports\n", reports);
    }

    snprintf(req, sizeof req, "{\"datasetId\":\"%s\",\"pageSize\":30}", dataset);
    failures += call("collections", fastgpt_list_collections, req, NULL, 0);

    snprintf(req, sizeof req, "{\"collectionIds\":[\"%s\",\"%s\",\"%s\"]}", text_collection, manual, file_collection);
    failures += call("delete collections", fastgpt_delete_collections, req, NULL, 0);
    snprintf(req, sizeof req, "{\"id\":\"%s\"}", dataset);
    failures += call("delete dataset", fastgpt_delete_dataset, req, NULL, 0);

    if (argc <= 1) remove(path);
    fastgpt_client_free(client);
    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
