/*
 * Flow control from C: consumers that pause their streams hold no thread, and resumed, every
 * stream completes with its whole answer. Run by tests/pause.rs against fastgpt-mock.
 *
 *   pause many N    N async streams; each callback pauses on the stream's first event (keeping the
 *                   operation). With all paused: the process's threads and its RSS growth per
 *                   stream. Then the first half is resumed from this thread, and each of those
 *                   resumes its partner in the second half from inside its own callback.
 *                   Prints "paused N threads T rss_per_stream_kb K" and "completes N right R".
 *   pause big       one stream of 200,000 events paused on its first: the library stops reading
 *                   it (RSS grows by about the 1 MiB buffer, not the whole stream), and resumed it
 *                   delivers every event. Prints "rss_growth_kb K events E status S".
 */
#include <fastgpt.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long status_field(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, n) == 0) {
            v = atol(line + n);
        }
    }
    if (f) {
        fclose(f);
    }
    return v;
}

static fastgpt_client *new_client(const char *config) {
    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(config, &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client_new: %s\n", fastgpt_error_message(err));
        exit(2);
    }
    return client;
}

struct stream {
    int index;
    char text[64];
    size_t len;
    int paused_once;
    fastgpt_operation *op;
    struct stream *partner; /* resumed from inside this stream's callback */
    atomic_int status;      /* COMPLETE's status + 1000; 0 until then */
};

static atomic_int paused, completes;

static int32_t on_event(void *userdata, const fastgpt_event *ev) {
    struct stream *s = userdata;
    if (ev->kind == FASTGPT_EVENT_COMPLETE) {
        atomic_store(&s->status, ev->status + 1000);
        atomic_fetch_add(&completes, 1);
        return FASTGPT_CB_CONTINUE;
    }
    if (!s->paused_once) {
        s->paused_once = 1;
        s->op = fastgpt_operation_retain(ev->operation);
        atomic_fetch_add(&paused, 1);
        return FASTGPT_CB_PAUSE;
    }
    if (s->partner && s->partner->op) {
        /* Resume another operation from inside this callback. */
        if (fastgpt_operation_resume(s->partner->op, NULL) != FASTGPT_OK) {
            return 1;
        }
        fastgpt_operation_free(s->partner->op);
        s->partner->op = NULL;
    }
    if (ev->text && s->len + ev->text_len < sizeof s->text) {
        memcpy(s->text + s->len, ev->text, ev->text_len);
        s->len += ev->text_len;
        s->text[s->len] = 0;
    }
    return FASTGPT_CB_CONTINUE;
}

static int run_many(int n) {
    fastgpt_client *client = new_client(NULL);
    /* Start the runtime and one connection first: the baseline includes them. */
    fastgpt_response *resp = NULL;
    if (fastgpt_stream_chat_completion(client, "{\"messages\":[{\"role\":\"user\",\"content\":\"warm\"}]}", NULL,
                                       NULL, NULL, &resp, NULL) != FASTGPT_OK) {
        return 2;
    }
    fastgpt_response_free(resp);
    long rss_before = status_field("VmRSS:");
    struct stream *streams = calloc((size_t)n, sizeof *streams);
    for (int i = 0; i < n; i++) {
        struct stream *s = &streams[i];
        s->index = i;
        s->partner = i < n / 2 ? &streams[i + n / 2] : NULL;
        char req[128];
        snprintf(req, sizeof req, "{\"messages\":[{\"role\":\"user\",\"content\":\"pause %d\"}]}", i);
        if (fastgpt_stream_chat_completion_async(client, req, NULL, on_event, s, NULL) != FASTGPT_OK) {
            fprintf(stderr, "start %d failed\n", i);
            return 2;
        }
    }
    for (int waited = 0; atomic_load(&paused) < n && waited < 60000; waited += 10) {
        sleep_ms(10);
    }
    /* Let the streams read what they will while paused. */
    sleep_ms(500);
    long threads = status_field("Threads:");
    long rss = status_field("VmRSS:");
    printf("paused %d threads %ld rss_per_stream_kb %ld completes_while_paused %d\n", atomic_load(&paused), threads,
           (rss - rss_before) / n, atomic_load(&completes));
    fflush(stdout);
    for (int i = 0; i < n / 2 + n % 2; i++) {
        struct stream *s = &streams[i < n / 2 ? i : n - 1];
        if (s->op && fastgpt_operation_resume(s->op, NULL) != FASTGPT_OK) {
            return 3;
        }
    }
    for (int waited = 0; atomic_load(&completes) < n && waited < 60000; waited += 10) {
        sleep_ms(10);
    }
    int right = 0;
    for (int i = 0; i < n; i++) {
        struct stream *s = &streams[i];
        char want[64];
        snprintf(want, sizeof want, "Echo: pause %d", i);
        if (atomic_load(&s->status) == 1000 && strcmp(s->text, want) == 0) {
            right++;
        } else if (i < 5 || right + 5 > i) {
            printf("stream %d: status %d text \"%s\"\n", i, atomic_load(&s->status) - 1000, s->text);
        }
        fastgpt_operation_free(s->op); /* the resumed first half still holds its own */
    }
    printf("completes %d right %d threads_max_after %ld\n", atomic_load(&completes), right, status_field("Threads:"));
    int done = atomic_load(&completes);
    free(streams);
    fastgpt_client_free(client);
    return right == n && done == n ? 0 : 1;
}

struct big {
    fastgpt_operation *op;
    atomic_int paused;
    long events;
    atomic_int status;
};

static int32_t on_big(void *userdata, const fastgpt_event *ev) {
    struct big *b = userdata;
    if (ev->kind == FASTGPT_EVENT_COMPLETE) {
        atomic_store(&b->status, ev->status + 1000);
        return 0;
    }
    if (!atomic_load(&b->paused)) {
        b->op = fastgpt_operation_retain(ev->operation);
        atomic_store(&b->paused, 1);
        return FASTGPT_CB_PAUSE;
    }
    if (ev->text) {
        b->events++;
    }
    return 0;
}

static int run_big(void) {
    fastgpt_client *client = new_client("{\"headers\":{\"x-mock-stream-events\":\"200000\"}}");
    struct big b = {NULL, 0, 0, 0};
    long rss_before = status_field("VmRSS:");
    if (fastgpt_stream_chat_completion_async(client, "{\"messages\":[{\"role\":\"user\",\"content\":\"big\"}]}",
                                             NULL, on_big, &b, NULL) != FASTGPT_OK) {
        return 2;
    }
    while (!atomic_load(&b.paused)) {
        sleep_ms(5);
    }
    sleep_ms(1500);
    long growth = status_field("VmRSS:") - rss_before;
    fastgpt_operation_resume(b.op, NULL);
    while (atomic_load(&b.status) == 0) {
        sleep_ms(5);
    }
    int status = atomic_load(&b.status) - 1000;
    printf("rss_growth_kb %ld events %ld status %d\n", growth, b.events, status);
    fastgpt_operation_free(b.op);
    fastgpt_client_free(client);
    return status == FASTGPT_OK && b.events == 200000 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "many") == 0) {
        return run_many(atoi(argv[2]));
    }
    if (argc >= 2 && strcmp(argv[1], "big") == 0) {
        return run_big();
    }
    fprintf(stderr, "usage: pause many N | big\n");
    return 2;
}
