/*
 * chat: a one-shot (blocking) chat completion.
 *
 *   FASTGPT_BASE_URL=... FASTGPT_API_KEY=... ./chat "What is FastGPT?"
 *
 * Shows the error object: status, message, HTTP status and FastGPT's own error code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastgpt.h"

int main(int argc, char **argv) {
    const char *question = argc > 1 ? argv[1] : "Hello";
    if (strchr(question, '"') != NULL || strchr(question, '\\') != NULL) {
        fprintf(stderr, "keep the question free of quotes and backslashes in this example\n");
        return 64;
    }
    printf("libfastgpt %s (ABI %u)\n", fastgpt_version(), fastgpt_abi_version());

    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(getenv("FASTGPT_CONFIG"), &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }

    char request[1024];
    snprintf(request, sizeof request,
             "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}],\"variables\":{\"lang\":\"en\"}}",
             question);

    fastgpt_response *response = NULL;
    fastgpt_status status = fastgpt_create_chat_completion(client, request, NULL, &response, &err);
    if (status != FASTGPT_OK) {
        fprintf(stderr, "error %d (%s): %s [http %d, fastgpt code %lld]\n", status,
                fastgpt_status_str(status), fastgpt_error_message(err),
                fastgpt_error_http_status(err), (long long)fastgpt_error_api_code(err));
        fastgpt_error_free(err);
        fastgpt_client_free(client);
        return 2;
    }
    size_t len = 0;
    const char *data = fastgpt_response_data(response, &len);
    printf("HTTP %d, %zu bytes\n%s\n", fastgpt_response_status(response), len, data);
    fastgpt_response_free(response);
    fastgpt_client_free(client);
    return 0;
}
