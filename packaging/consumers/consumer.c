/*
 * The consumer program of the packaging tests: built against an installed libfastgpt with
 * pkg-config (consumers/pkgconfig) and with CMake find_package (consumers/cmake), linked
 * dynamically and statically. It checks that the library it runs with is the one its header
 * describes, then asks one question (server from FASTGPT_BASE_URL / FASTGPT_API_KEY).
 *
 *   ./consumer NAME   prints "NAME: libfastgpt X.Y.Z ABI N" and "NAME: answer <content>"
 */
#include <fastgpt.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *name = argc > 1 ? argv[1] : "consumer";
    if (strcmp(fastgpt_version(), FASTGPT_VERSION) != 0 || fastgpt_abi_version() != FASTGPT_ABI_VERSION) {
        fprintf(stderr, "%s: header %s ABI %u, library %s ABI %u\n", name, FASTGPT_VERSION,
                (unsigned)FASTGPT_ABI_VERSION, fastgpt_version(), fastgpt_abi_version());
        return 3;
    }
    printf("%s: libfastgpt %s ABI %u\n", name, fastgpt_version(), fastgpt_abi_version());

    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(NULL, &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "%s: client: %s\n", name, fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    char request[256];
    snprintf(request, sizeof request,
             "{\"messages\":[{\"role\":\"user\",\"content\":\"hello from %s\"}]}", name);
    fastgpt_response *response = NULL;
    fastgpt_status status = fastgpt_create_chat_completion(client, request, NULL, &response, &err);
    if (status != FASTGPT_OK) {
        fprintf(stderr, "%s: %s: %s\n", name, fastgpt_status_str(status), fastgpt_error_message(err));
        fastgpt_error_free(err);
        fastgpt_client_free(client);
        return 2;
    }
    /* The OpenAI-style body; print the answer's content string as it is in the JSON. */
    const char *data = fastgpt_response_data(response, NULL);
    const char *content = data ? strstr(data, "\"content\":\"") : NULL;
    if (content == NULL) {
        fprintf(stderr, "%s: no content in %s\n", name, data ? data : "(null)");
        fastgpt_response_free(response);
        fastgpt_client_free(client);
        return 4;
    }
    content += strlen("\"content\":\"");
    printf("%s: answer %.*s\n", name, (int)strcspn(content, "\""), content);
    fastgpt_response_free(response);
    fastgpt_client_free(client);
    return 0;
}
