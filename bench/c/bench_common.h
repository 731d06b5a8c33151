/* Shared helpers of the C benchmark programs: clocks, RSS, the mock's fixed data. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_KEY "fastgpt-mockkey"
#define BENCH_APP "66e29b870b24ce35330c0f08"
/* The request bodies every contender sends, byte for byte. */
#define BENCH_HISTORIES_BODY "{\"appId\":\"" BENCH_APP "\",\"offset\":0,\"pageSize\":10}"
#define BENCH_STREAM_BODY \
    "{\"messages\":[{\"role\":\"user\",\"content\":\"bench\"}],\"detail\":true,\"stream\":true}"
#define BENCH_OPEN_BODY "{\"messages\":[{\"role\":\"user\",\"content\":\"open\"}],\"stream\":true}"

/* Streams: `x-mock-stream-content: realistic` answers, the mock's REALISTIC pieces in turn
 * (mock/src/chat.rs, the same 20 strings): English and CJK text, markdown, code with quotes,
 * newlines, a tab and a backslash; 4 of 20 frames need JSON escapes. */
#define BENCH_STREAM_HEADERS "x-mock-stream-content: realistic"
static const char *const BENCH_PIECES[20] = {
    "The quick fix is ", "to reuse the ", "connection pool", " across calls. ",
    "\xe8\xbf\x99\xe6\x98\xaf\xe4\xb8\x80\xe4\xb8\xaa\xe6\xb5\x81\xe5\xbc\x8f", /* 这是一个流式 */
    "\xe5\x9b\x9e\xe7\xad\x94\xe7\x9a\x84\xe7\xa4\xba\xe4\xbe\x8b\xef\xbc\x8c", /* 回答的示例， */
    "\xe5\x8c\x85\xe5\x90\xab\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\x8e English ", /* 包含中文与 English */
    "\xe6\xb7\xb7\xe6\x8e\x92\xe7\x9a\x84\xe5\x8f\xa5\xe5\xad\x90\xe3\x80\x82", /* 混排的句子。 */
    "\n\n## \xe6\xad\xa5\xe9\xaa\xa4\n", /* ## 步骤 */
    "- **first** ", "check the `timeout`", " setting, then ",
    "```rust\nlet s = \"hi\";\n```", " and compare ",
    "\xe7\xbb\x93\xe6\x9e\x9c\xe3\x80\x82\xe6\x80\xa7\xe8\x83\xbd", /* 结果。性能 */
    "\xe6\x8f\x90\xe5\x8d\x87\xe7\xba\xa6 3 \xe5\x80\x8d\xef\xbc\x8c", /* 提升约 3 倍， */
    "print(\"\xe4\xbd\xa0\xe5\xa5\xbd\")\t# done", /* print("你好") */
    " see C:\\temp ", "for details. ",
    "\xe8\xb0\xa2\xe8\xb0\xa2\xef\xbc\x81", /* 谢谢！ */
};

/* The answer text bytes of a realistic stream of n answer events. */
static inline size_t bench_stream_text_bytes(long n) {
    size_t total = 0;
    for (long i = 0; i < n; i++) total += strlen(BENCH_PIECES[i % 20]);
    return total;
}

static inline double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS of this process in KiB (0 if unknown). */
static inline long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    long kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

static inline void die(const char *what) {
    fprintf(stderr, "bench: %s\n", what);
    exit(2);
}

#endif
