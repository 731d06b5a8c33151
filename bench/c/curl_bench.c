/* The libcurl contender: what a C user would write. Reused easy handles (keep-alive), the curl
 * multi interface for concurrency and many open streams, streams counted in bytes (no parsing:
 * the floor), and `stream_json`: the same stream as a C developer would read it by hand, SSE lines
 * split in the write callback and each answer frame parsed with cJSON.
 *
 *   curl_bench BASE_URL unary N | concurrent N INFLIGHT | stream N | stream_json N | open_streams N | cold
 */
#include "bench_common.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>

static const char *base_url;
static char histories_url[512], completions_url[512];

struct buf {
    char *data;
    size_t len, cap;
    size_t total;   /* bytes seen (streams) */
    double first;   /* time of the first byte */
    int seen;
};

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct buf *b = userdata;
    size_t n = size * nmemb;
    if (b->total == 0) b->first = now_s();
    b->total += n;
    b->seen = 1;
    if (b->cap) { /* keep the body (unary) */
        if (b->len + n + 1 > b->cap) {
            while (b->len + n + 1 > b->cap) b->cap *= 2;
            b->data = realloc(b->data, b->cap);
            if (!b->data) die("out of memory");
        }
        memcpy(b->data + b->len, ptr, n);
        b->len += n;
        b->data[b->len] = 0;
    }
    return n;
}

static struct curl_slist *make_headers(const char *extra) {
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Authorization: Bearer " BENCH_KEY);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: curl-bench");
    h = curl_slist_append(h, "Expect:");
    if (extra) h = curl_slist_append(h, extra);
    return h;
}

static CURL *make_easy(const char *url, const char *body, struct curl_slist *headers, struct buf *b) {
    CURL *e = curl_easy_init();
    if (!e) die("curl_easy_init");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    return e;
}

static void check_unary(CURL *e, CURLcode rc, struct buf *b) {
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200 || b->len < 2 || b->data[0] != '{') {
        fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), code);
        exit(3);
    }
}

static void histories_once(CURL *e, struct buf *b) {
    b->len = 0;
    CURLcode rc = curl_easy_perform(e);
    check_unary(e, rc, b);
}

static struct buf new_buf(void) {
    struct buf b = {0};
    b.cap = 4096;
    b.data = malloc(b.cap);
    return b;
}

/* One get_chat_histories call before a measured run (every contender warms up so); its handle
 * stays open until the run ends. */
struct warm {
    CURL *e;
    struct buf b;
};

static struct warm warm_up(struct curl_slist *h) {
    struct warm w = {NULL, new_buf()};
    w.e = make_easy(histories_url, BENCH_HISTORIES_BODY, h, &w.b);
    histories_once(w.e, &w.b);
    return w;
}

static void warm_free(struct warm *w) {
    curl_easy_cleanup(w->e);
    free(w->b.data);
}

/* The headers of a measured stream of n events (realistic content). */
static struct curl_slist *stream_headers(long n) {
    char extra[64];
    snprintf(extra, sizeof extra, "x-mock-stream-events: %ld", n);
    return curl_slist_append(make_headers(extra), BENCH_STREAM_HEADERS);
}

static int unary(long n) {
    struct curl_slist *h = make_headers(NULL);
    struct buf b = new_buf();
    CURL *e = make_easy(histories_url, BENCH_HISTORIES_BODY, h, &b);
    histories_once(e, &b);
    double t0 = now_s();
    for (long i = 0; i < n; i++) histories_once(e, &b);
    double secs = now_s() - t0;
    printf("{\"contender\":\"curl\",\"workload\":\"unary\",\"n\":%ld,\"secs\":%.6f}\n", n, secs);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    free(b.data);
    return 0;
}

static void multi_wait(CURLM *m, int *running) {
    CURLMcode mc = curl_multi_perform(m, running);
    if (mc != CURLM_OK) die(curl_multi_strerror(mc));
    if (*running) {
        mc = curl_multi_poll(m, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) die(curl_multi_strerror(mc));
    }
}

static int concurrent(long n, long inflight) {
    struct curl_slist *h = make_headers(NULL);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, inflight);
    CURL **easy = calloc((size_t)inflight, sizeof *easy);
    struct buf *bufs = calloc((size_t)inflight, sizeof *bufs);
    long started = 0, done = 0;
    double t0 = now_s();
    for (long i = 0; i < inflight && started < n; i++, started++) {
        bufs[i] = new_buf();
        easy[i] = make_easy(histories_url, BENCH_HISTORIES_BODY, h, &bufs[i]);
        curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (void *)&bufs[i]);
        curl_multi_add_handle(m, easy[i]);
    }
    int running = 1;
    while (done < n) {
        multi_wait(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *e = msg->easy_handle;
            struct buf *b;
            curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&b);
            check_unary(e, msg->data.result, b);
            done++;
            curl_multi_remove_handle(m, e);
            if (started < n) { /* reuse the handle and its connection */
                b->len = 0;
                started++;
                curl_multi_add_handle(m, e);
            }
        }
    }
    double secs = now_s() - t0;
    printf("{\"contender\":\"curl\",\"workload\":\"concurrent\",\"n\":%ld,\"inflight\":%ld,\"secs\":%.6f}\n", n,
           inflight, secs);
    for (long i = 0; i < inflight; i++) {
        if (easy[i]) curl_easy_cleanup(easy[i]);
        free(bufs[i].data);
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(h);
    free(easy);
    free(bufs);
    return 0;
}

static int stream(long n) {
    struct curl_slist *h = stream_headers(n);
    struct warm w = warm_up(h);
    struct buf b = {0}; /* cap 0: count only */
    CURL *e = make_easy(completions_url, BENCH_STREAM_BODY, h, &b);
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(e);
    double secs = now_s() - t0;
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200 || b.total < (size_t)n * 16) {
        fprintf(stderr, "curl stream: %s, HTTP %ld, %zu bytes\n", curl_easy_strerror(rc), code, b.total);
        exit(3);
    }
    printf("{\"contender\":\"curl\",\"workload\":\"stream\",\"n\":%ld,\"secs\":%.6f,\"ttfe_ms\":%.3f,\"bytes\":%zu}\n",
           n, secs, (b.first - t0) * 1e3, b.total);
    curl_easy_cleanup(e);
    warm_free(&w);
    curl_slist_free_all(h);
    return 0;
}

/* ---- stream_json: SSE split by hand, every answer frame parsed with cJSON ---- */

struct sse {
    char *line;          /* the incomplete line carried over between writes */
    size_t len, cap;
    int answer_event;    /* the current frame's `event:` is answer (or absent) */
    int done;            /* [DONE] seen */
    long answers;
    size_t text_bytes;
    double first;
    int bad;
};

static void sse_line(struct sse *s, char *line, size_t len) {
    if (len == 0) { /* end of a frame */
        s->answer_event = 1;
        return;
    }
    if (len >= 6 && memcmp(line, "event:", 6) == 0) {
        const char *v = line + 6;
        while (*v == ' ') v++;
        s->answer_event = strcmp(v, "answer") == 0;
        return;
    }
    if (len < 5 || memcmp(line, "data:", 5) != 0 || !s->answer_event) return;
    const char *data = line + 5;
    size_t dlen = len - 5;
    if (*data == ' ') data++, dlen--;
    if (dlen == 6 && memcmp(data, "[DONE]", 6) == 0) {
        s->done = 1;
        return;
    }
    cJSON *root = cJSON_ParseWithLength(data, dlen);
    if (!root) {
        s->bad = 1;
        return;
    }
    cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    cJSON *delta = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(choices, 0), "delta");
    cJSON *content = cJSON_GetObjectItemCaseSensitive(delta, "content");
    if (cJSON_IsString(content) && content->valuestring) {
        if (s->answers++ == 0) s->first = now_s();
        s->text_bytes += strlen(content->valuestring);
    }
    cJSON_Delete(root);
}

static size_t on_sse(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct sse *s = userdata;
    size_t n = size * nmemb;
    char *p = ptr, *end = ptr + n;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t take = (size_t)((nl ? nl : end) - p);
        if (s->len + take + 1 > s->cap) {
            while (s->len + take + 1 > s->cap) s->cap = s->cap ? s->cap * 2 : 4096;
            s->line = realloc(s->line, s->cap);
            if (!s->line) die("out of memory");
        }
        memcpy(s->line + s->len, p, take);
        s->len += take;
        if (!nl) break;
        s->line[s->len] = 0;
        if (s->len && s->line[s->len - 1] == '\r') s->line[--s->len] = 0;
        sse_line(s, s->line, s->len);
        s->len = 0;
        p = nl + 1;
    }
    return n;
}

static int stream_json(long n) {
    struct curl_slist *h = stream_headers(n);
    struct warm w = warm_up(h);
    struct sse s = {.answer_event = 1};
    struct buf unused = {0};
    CURL *e = make_easy(completions_url, BENCH_STREAM_BODY, h, &unused);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_sse);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(e);
    double secs = now_s() - t0;
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200 || s.bad || !s.done || s.answers != n ||
        s.text_bytes != bench_stream_text_bytes(n)) {
        fprintf(stderr, "curl+cJSON stream: %s, HTTP %ld, %ld answers, %zu text bytes (expected %ld, %zu)%s\n",
                curl_easy_strerror(rc), code, s.answers, s.text_bytes, n, bench_stream_text_bytes(n),
                s.bad ? ", a frame that is not JSON" : "");
        exit(3);
    }
    printf("{\"contender\":\"curl-cjson\",\"workload\":\"stream\",\"n\":%ld,\"secs\":%.6f,\"ttfe_ms\":%.3f}\n", n, secs,
           (s.first - t0) * 1e3);
    curl_easy_cleanup(e);
    warm_free(&w);
    curl_slist_free_all(h);
    free(s.line);
    return 0;
}

static int open_streams(long n) {
    struct curl_slist *h = make_headers("x-mock-fault: heartbeat_only=1000");
    struct warm w = warm_up(h);
    CURLM *m = curl_multi_init();
    struct timespec ts = {0, 200000000L};
    nanosleep(&ts, NULL);
    long before = rss_kb();
    CURL **easy = calloc((size_t)n, sizeof *easy);
    struct buf *bufs = calloc((size_t)n, sizeof *bufs);
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        easy[i] = make_easy(completions_url, BENCH_OPEN_BODY, h, &bufs[i]);
        curl_multi_add_handle(m, easy[i]);
    }
    int running = 1;
    for (;;) {
        multi_wait(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) die("open streams: a stream ended");
        long live = 0;
        for (long i = 0; i < n; i++) live += bufs[i].seen;
        if (live == n) break;
        if (now_s() - t0 > 60) die("open streams: not all streams got an event");
    }
    double open_secs = now_s() - t0;
    double settle = now_s();
    while (now_s() - settle < 1.5) multi_wait(m, &running);
    long after = rss_kb();
    printf("{\"contender\":\"curl\",\"workload\":\"open_streams\",\"n\":%ld,\"rss_before_kb\":%ld,"
           "\"rss_after_kb\":%ld,\"kb_per_stream\":%.2f,\"open_secs\":%.3f}\n",
           n, before, after, (double)(after - before) / (double)n, open_secs);
    for (long i = 0; i < n; i++) {
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(m);
    warm_free(&w);
    curl_slist_free_all(h);
    free(easy);
    free(bufs);
    return 0;
}

static int cold(void) {
    double t0 = now_s();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) die("curl_global_init");
    struct curl_slist *h = make_headers(NULL);
    struct buf b = new_buf();
    CURL *e = make_easy(histories_url, BENCH_HISTORIES_BODY, h, &b);
    double t1 = now_s();
    histories_once(e, &b);
    double t2 = now_s();
    printf("{\"contender\":\"curl\",\"workload\":\"cold\",\"n\":1,\"new_ms\":%.3f,\"secs\":%.6f}\n", (t1 - t0) * 1e3,
           t2 - t0);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    free(b.data);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: curl_bench BASE_URL unary|concurrent|stream|stream_json|open_streams|cold [N [INFLIGHT]]");
    /* cold() times curl_global_init itself; the other workloads start after it. */
    if (strcmp(argv[2], "cold") != 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) die("curl_global_init");
    base_url = argv[1];
    snprintf(histories_url, sizeof histories_url, "%s/api/core/chat/getHistories", base_url);
    snprintf(completions_url, sizeof completions_url, "%s/api/v1/chat/completions", base_url);
    const char *cmd = argv[2];
    long n = argc > 3 ? atol(argv[3]) : 0;
    int rc;
    if (strcmp(cmd, "unary") == 0) rc = unary(n);
    else if (strcmp(cmd, "concurrent") == 0) rc = concurrent(n, argc > 4 ? atol(argv[4]) : 64);
    else if (strcmp(cmd, "stream") == 0) rc = stream(n);
    else if (strcmp(cmd, "stream_json") == 0) rc = stream_json(n);
    else if (strcmp(cmd, "open_streams") == 0) rc = open_streams(n);
    else if (strcmp(cmd, "cold") == 0) rc = cold();
    else die("unknown workload");
    curl_global_cleanup();
    return rc;
}
