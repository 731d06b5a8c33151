/* per_call.c: a server's pattern: one shared client with a log callback, and a derived client per
 * request carrying that request's headers, deadline and retries (fastgpt_client_with).
 *
 *   per_call [tenant ...]      (default: tenant-a tenant-b)
 *
 * Environment: FASTGPT_BASE_URL, FASTGPT_API_KEY, FASTGPT_APP_ID; FASTGPT_CONFIG (optional) is the
 * shared client's config JSON. Log lines go to stderr as "[log <level>] <line>"; each tenant's
 * result to stdout. Exit status 0, or 2 if a call failed.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "fastgpt.h"

/* The log callback's userdata: called on any thread, so the counter is atomic (and stdio locks
 * the stream for each fprintf). */
struct log_sink {
    atomic_uint lines;
};

static void on_log(void *userdata, int32_t level, const char *message) {
    static const char *const names[] = {"off", "error", "warn", "info", "debug", "trace"};
    struct log_sink *sink = userdata;
    atomic_fetch_add(&sink->lines, 1);
    fprintf(stderr, "[log %s] %s\n", level >= 0 && level <= 5 ? names[level] : "?", message);
}

/* Called once, when no client can log to the sink any more. */
static void free_sink(void *userdata) {
    struct log_sink *sink = userdata;
    fprintf(stderr, "[log] sink released after %u lines\n", atomic_load(&sink->lines));
    free(sink);
}

static int fail(const char *what, fastgpt_status st, fastgpt_error *err) {
    fprintf(stderr, "%s: error %d: %s\n", what, st, err ? fastgpt_error_message(err) : fastgpt_status_str(st));
    fastgpt_error_free(err);
    return 2;
}

int main(int argc, char **argv) {
    const char *app_id = getenv("FASTGPT_APP_ID");
    const char *config = getenv("FASTGPT_CONFIG");
    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    fastgpt_status st = fastgpt_client_new(config ? config : "{\"max_retries\": 1}", &client, &err);
    if (st != FASTGPT_OK) {
        return fail("fastgpt_client_new", st, err);
    }

    struct log_sink *sink = malloc(sizeof *sink);
    if (sink == NULL) {
        fastgpt_client_free(client);
        return 2;
    }
    atomic_init(&sink->lines, 0);
    st = fastgpt_client_set_log_callback(client, FASTGPT_LOG_INFO, on_log, sink, free_sink, &err);
    if (st != FASTGPT_OK) {
        free(sink); /* a failed call keeps nothing */
        fastgpt_client_free(client);
        return fail("fastgpt_client_set_log_callback", st, err);
    }

    char request[128];
    snprintf(request, sizeof request, "{\"appId\": \"%s\"}", app_id ? app_id : "");
    static const char *const default_tenants[] = {"tenant-a", "tenant-b"};
    int n = argc > 1 ? argc - 1 : 2;
    int failures = 0;
    for (int i = 0; i < n; i++) {
        const char *tenant = argc > 1 ? argv[i + 1] : default_tenants[i];
        /* Per call: this tenant's header (merged over the shared client's), a 5 s deadline and
         * more patience for rate limits. Cheap: no I/O, the connection pool is shared. */
        char overrides[256];
        snprintf(overrides, sizeof overrides,
                 "{\"timeout_ms\": 5000, \"max_retries\": 3, \"headers\": {\"x-tenant\": \"%s\"}}", tenant);
        fastgpt_client *call = NULL;
        st = fastgpt_client_with(client, overrides, &call, &err);
        if (st != FASTGPT_OK) {
            failures += fail("fastgpt_client_with", st, err) != 0;
            continue;
        }
        fastgpt_response *resp = NULL;
        st = fastgpt_get_chat_histories(call, request, NULL, &resp, &err);
        if (st == FASTGPT_OK) {
            printf("%s: HTTP %d\n", tenant, fastgpt_response_status(resp));
            fastgpt_response_free(resp);
        } else {
            failures += fail(tenant, st, err) != 0;
        }
        fastgpt_client_free(call); /* cancels only what `call` started */
    }

    /* Lifetimes: a derived client may outlive its parent, but freeing the parent cancelled it. */
    fastgpt_client *late = NULL;
    st = fastgpt_client_with(client, NULL, &late, &err);
    if (st != FASTGPT_OK) {
        fastgpt_client_free(client);
        return fail("fastgpt_client_with", st, err);
    }
    fastgpt_client_free(client);
    fastgpt_response *resp = NULL;
    st = fastgpt_get_chat_histories(late, request, NULL, &resp, &err);
    printf("after the parent is freed: %s\n", fastgpt_status_str(st));
    fastgpt_response_free(resp);
    fastgpt_error_free(err);
    fastgpt_client_free(late); /* the last client using the sink: free_sink runs here */
    return failures ? 2 : 0;
}
