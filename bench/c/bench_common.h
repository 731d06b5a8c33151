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
