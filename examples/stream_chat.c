/*
 * stream_chat: a streamed chat that prints the answer as it arrives.
 *
 *   FASTGPT_BASE_URL=http://localhost:3000 FASTGPT_API_KEY=fastgpt-... ./stream_chat "Hello"
 *
 * The base URL and key come from the environment (the library reads FASTGPT_BASE_URL and
 * FASTGPT_API_KEY when the config JSON leaves them out). Pass --detail for workflow events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastgpt.h"

struct progress {
    size_t answer_events;
    size_t other_events;
};

/* Called on this thread for every event, in order. Return 0 to go on. */
static int32_t on_event(void *userdata, const fastgpt_event *event) {
    struct progress *p = userdata;
    if (event->text != NULL) {
        fwrite(event->text, 1, event->text_len, stdout); /* the answer delta, ready to print */
        fflush(stdout);
        p->answer_events++;
    } else if (event->kind == FASTGPT_EVENT_FLOW_NODE_STATUS) {
        fprintf(stderr, "[node] %.*s\n", (int)event->data_len, event->data);
        p->other_events++;
    } else {
        p->other_events++;
    }
    return 0;
}

/* Writes a JSON string literal (quotes and escapes) for `s` into `out`. */
static void json_string(char *out, size_t cap, const char *s) {
    size_t n = 0;
    out[n++] = '"';
    for (; *s != '\0' && n + 8 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

int main(int argc, char **argv) {
    const char *question = "Hello from C";
    int detail = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--detail") == 0) {
            detail = 1;
        } else {
            question = argv[i];
        }
    }

    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(getenv("FASTGPT_CONFIG"), &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }

    char quoted[2048];
    json_string(quoted, sizeof quoted, question);
    char request[4096];
    snprintf(request, sizeof request,
             "{\"chatId\":\"example-stream\",\"detail\":%s,"
             "\"messages\":[{\"role\":\"user\",\"content\":%s}]}",
             detail ? "true" : "false", quoted);

    struct progress progress = {0, 0};
    fastgpt_response *response = NULL;
    fastgpt_status status =
        fastgpt_stream_chat_completion(client, request, NULL, on_event, &progress, &response, &err);
    putchar('\n');
    fflush(stdout); /* the answer line before the summary on stderr */
    if (status != FASTGPT_OK) {
        fprintf(stderr, "stream failed: %s (%s, HTTP %d, FastGPT code %lld)\n",
                fastgpt_error_message(err), fastgpt_status_str(status),
                fastgpt_error_http_status(err), (long long)fastgpt_error_api_code(err));
        fastgpt_error_free(err);
        fastgpt_client_free(client);
        return 2;
    }

    size_t len = 0;
    const char *body = fastgpt_response_body(response, &len);
    fprintf(stderr, "[done] %zu text events, %zu other events, accumulated %zu bytes: %.200s\n",
            progress.answer_events, progress.other_events, len, body);
    fastgpt_response_free(response);
    fastgpt_client_free(client);
    return 0;
}
