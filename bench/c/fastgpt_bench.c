/* The libfastgpt contender: each workload through the C API, one JSON line per run on stdout.
 *
 *   fastgpt_bench BASE_URL unary N
 *   fastgpt_bench BASE_URL concurrent N INFLIGHT
 *   fastgpt_bench BASE_URL stream N            (detail mode, N answer events of 16 bytes)
 *   fastgpt_bench BASE_URL open_streams N      (N heartbeat-only streams held open at once)
 *   fastgpt_bench BASE_URL cold
 *
 * Every call's outcome is checked; any failure exits non-zero with the error on stderr.
 */
#include "bench_common.h"

#include <pthread.h>
#include <stdatomic.h>

#include "fastgpt.h"

static const char *base_url;

static fastgpt_client *make_client(const char *headers_json) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"api_key\":\"" BENCH_KEY "\",\"headers\":%s}", base_url,
             headers_json ? headers_json : "{}");
    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(config, &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client_new: %s\n", fastgpt_error_message(err));
        exit(2);
    }
    return client;
}

static void check(fastgpt_status st, fastgpt_error *err, const char *what) {
    if (st != FASTGPT_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, fastgpt_status_str(st), fastgpt_error_message(err));
        exit(3);
    }
}

static void histories_once(fastgpt_client *client) {
    fastgpt_response *resp = NULL;
    fastgpt_error *err = NULL;
    fastgpt_status st = fastgpt_get_chat_histories(client, BENCH_HISTORIES_BODY, NULL, &resp, &err);
    check(st, err, "get_chat_histories");
    size_t len = 0;
    const char *data = fastgpt_response_data(resp, &len);
    if (!data || len < 2 || data[0] != '{') die("get_chat_histories: unexpected data");
    fastgpt_response_free(resp);
}

static int unary(long n) {
    fastgpt_client *client = make_client(NULL);
    histories_once(client); /* warm-up: runtime started, connection open */
    double t0 = now_s();
    for (long i = 0; i < n; i++) histories_once(client);
    double secs = now_s() - t0;
    printf("{\"contender\":\"libfastgpt\",\"workload\":\"unary\",\"n\":%ld,\"secs\":%.6f}\n", n, secs);
    fastgpt_client_free(client);
    return 0;
}

/* ---- concurrent: the async API, at most `inflight` calls at once ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long in_flight, completed, failed;

static int32_t on_complete(void *userdata, const fastgpt_event *ev) {
    (void)userdata;
    if (ev->kind != FASTGPT_EVENT_COMPLETE) return 0;
    int ok = ev->status == FASTGPT_OK;
    if (ok) {
        size_t len = 0;
        const char *data = fastgpt_response_data(ev->response, &len);
        ok = data && len >= 2 && data[0] == '{';
    } else {
        fprintf(stderr, "async call failed: %s\n", fastgpt_error_message(ev->error));
    }
    pthread_mutex_lock(&mu);
    in_flight--;
    completed++;
    if (!ok) failed++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return 0;
}

static int concurrent(long n, long inflight) {
    fastgpt_client *client = make_client(NULL);
    histories_once(client);
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&mu);
        while (in_flight >= inflight) pthread_cond_wait(&cv, &mu);
        in_flight++;
        pthread_mutex_unlock(&mu);
        fastgpt_error *err = NULL;
        fastgpt_status st =
            fastgpt_get_chat_histories_async(client, BENCH_HISTORIES_BODY, NULL, on_complete, NULL, &err);
        check(st, err, "get_chat_histories_async");
    }
    pthread_mutex_lock(&mu);
    while (completed < n) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    double secs = now_s() - t0;
    if (failed) die("some concurrent calls failed");
    printf("{\"contender\":\"libfastgpt\",\"workload\":\"concurrent\",\"n\":%ld,\"inflight\":%ld,\"secs\":%.6f}\n",
           n, inflight, secs);
    fastgpt_client_free(client);
    return 0;
}

/* ---- stream: one detail-mode stream of n answer events through the callback ---- */

struct stream_count {
    double t0, first;
    long answers, events;
    size_t text_bytes;
};

static int32_t on_stream_event(void *userdata, const fastgpt_event *ev) {
    struct stream_count *c = userdata;
    if (c->events++ == 0) c->first = now_s();
    if (ev->kind == FASTGPT_EVENT_ANSWER && ev->text) {
        c->answers++;
        c->text_bytes += ev->text_len;
    }
    return 0;
}

static int stream(long n) {
    char headers[128];
    snprintf(headers, sizeof headers, "{\"x-mock-stream-events\":\"%ld\",\"x-mock-stream-content\":\"realistic\"}", n);
    fastgpt_client *client = make_client(headers);
    histories_once(client);
    struct stream_count c = {0};
    fastgpt_error *err = NULL;
    fastgpt_response *resp = NULL;
    c.t0 = now_s();
    fastgpt_status st = fastgpt_stream_chat_completion(client, BENCH_STREAM_BODY, NULL, on_stream_event, &c, &resp, &err);
    double secs = now_s() - c.t0;
    check(st, err, "stream_chat_completion");
    if (c.answers != n || c.text_bytes != bench_stream_text_bytes(n)) {
        fprintf(stderr, "stream: %ld answer events / %zu bytes, expected %ld / %zu\n", c.answers, c.text_bytes, n,
                bench_stream_text_bytes(n));
        exit(3);
    }
    fastgpt_response_free(resp);
    printf("{\"contender\":\"libfastgpt\",\"workload\":\"stream\",\"n\":%ld,\"secs\":%.6f,\"ttfe_ms\":%.3f}\n", n, secs,
           (c.first - c.t0) * 1e3);
    fastgpt_client_free(client);
    return 0;
}

/* ---- open streams: n heartbeat-only streams held at once ---- */

static atomic_long streams_live, streams_done, streams_cancelled;
struct open_stream {
    atomic_int seen;
};

static int32_t on_open_event(void *userdata, const fastgpt_event *ev) {
    struct open_stream *s = userdata;
    if (ev->kind == FASTGPT_EVENT_COMPLETE) {
        if (ev->status == FASTGPT_ERR_CANCELLED) atomic_fetch_add(&streams_cancelled, 1);
        else fprintf(stderr, "open stream ended with %s: %s\n", fastgpt_status_str(ev->status),
                     fastgpt_error_message(ev->error));
        atomic_fetch_add(&streams_done, 1);
        return 0;
    }
    if (atomic_exchange(&s->seen, 1) == 0) atomic_fetch_add(&streams_live, 1);
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int open_streams(long n) {
    fastgpt_client *client = make_client("{\"x-mock-fault\":\"heartbeat_only=1000\"}");
    histories_once(client); /* runtime, pools and one connection exist before the baseline */
    sleep_ms(200);
    long before = rss_kb();
    struct open_stream *streams = calloc((size_t)n, sizeof *streams);
    fastgpt_cancel *cancel = fastgpt_cancel_new();
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        fastgpt_error *err = NULL;
        check(fastgpt_stream_chat_completion_async(client, BENCH_OPEN_BODY, cancel, on_open_event, &streams[i], &err),
              err, "stream_chat_completion_async");
    }
    while (atomic_load(&streams_live) < n) {
        if (atomic_load(&streams_done) > 0 || now_s() - t0 > 60) die("open streams: not all streams got an event");
        sleep_ms(10);
    }
    double open_secs = now_s() - t0;
    sleep_ms(1500); /* a heartbeat round more: buffers in their steady state */
    long after = rss_kb();
    fastgpt_cancel_trigger(cancel);
    while (atomic_load(&streams_done) < n) {
        if (now_s() - t0 > 120) die("open streams: cancelled streams did not complete");
        sleep_ms(5);
    }
    if (atomic_load(&streams_cancelled) != n) die("open streams: a stream ended other than cancelled");
    printf("{\"contender\":\"libfastgpt\",\"workload\":\"open_streams\",\"n\":%ld,\"rss_before_kb\":%ld,"
           "\"rss_after_kb\":%ld,\"kb_per_stream\":%.2f,\"open_secs\":%.3f}\n",
           n, before, after, (double)(after - before) / (double)n, open_secs);
    fastgpt_cancel_free(cancel);
    fastgpt_client_free(client);
    free(streams);
    return 0;
}

static int cold(void) {
    double t0 = now_s();
    fastgpt_client *client = make_client(NULL);
    double t1 = now_s();
    histories_once(client);
    double t2 = now_s();
    printf("{\"contender\":\"libfastgpt\",\"workload\":\"cold\",\"n\":1,\"new_ms\":%.3f,\"secs\":%.6f}\n",
           (t1 - t0) * 1e3, t2 - t0);
    fastgpt_client_free(client);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: fastgpt_bench BASE_URL unary|concurrent|stream|open_streams|cold [N [INFLIGHT]]");
    base_url = argv[1];
    const char *cmd = argv[2];
    long n = argc > 3 ? atol(argv[3]) : 0;
    if (strcmp(cmd, "unary") == 0) return unary(n);
    if (strcmp(cmd, "concurrent") == 0) return concurrent(n, argc > 4 ? atol(argv[4]) : 64);
    if (strcmp(cmd, "stream") == 0) return stream(n);
    if (strcmp(cmd, "open_streams") == 0) return open_streams(n);
    if (strcmp(cmd, "cold") == 0) return cold();
    die("unknown workload");
    return 2;
}
