/*
 * How async events reach C callbacks: bounded threads, no wake-ups while idle, nothing after a
 * cancel. Run by tests/delivery.rs against fastgpt-mock (FASTGPT_BASE_URL etc. in the environment).
 *
 *   delivery threads N MS   N async calls whose COMPLETE callback sleeps MS ms; prints the most
 *                           threads the process had ("threads max T").
 *   delivery ctxsw          one async call whose COMPLETE blocks 3 s; prints the context switches
 *                           of every other thread over 2 s of it ("ctxsw N").
 *   delivery cancel         a long stream whose first event's callback triggers the stream's cancel
 *                           token, async and blocking; prints the events delivered after it.
 */
#include <fastgpt.h>

#include <dirent.h>
#include <pthread.h>
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

static const char *histories_request(void) {
    static char buf[128];
    const char *app = getenv("FASTGPT_APP_ID");
    snprintf(buf, sizeof buf, "{\"appId\":\"%s\"}", app ? app : "66e29b870b24ce35330c0f08");
    return buf;
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

/* "Threads:" of /proc/self/status. */
static int threads_now(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Threads:", 8) == 0) {
            n = atoi(line + 8);
        }
    }
    if (f) {
        fclose(f);
    }
    return n;
}

/* ---- threads ---------------------------------------------------------------------------- */

static atomic_int completes;
static atomic_int max_threads;
static long complete_sleep_ms;

static void note_threads(void) {
    int n = threads_now();
    int seen = atomic_load(&max_threads);
    while (n > seen && !atomic_compare_exchange_weak(&max_threads, &seen, n)) {
    }
}

static int32_t slow_complete(void *userdata, const fastgpt_event *event) {
    (void)userdata;
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        note_threads();
        sleep_ms(complete_sleep_ms);
        atomic_fetch_add(&completes, 1);
    }
    return 0;
}

static int run_threads(int n, long ms) {
    fastgpt_client *client = new_client(NULL);
    complete_sleep_ms = ms;
    for (int i = 0; i < n; i++) {
        if (fastgpt_get_chat_histories_async(client, histories_request(), NULL, slow_complete, NULL, NULL) !=
            FASTGPT_OK) {
            fprintf(stderr, "start failed\n");
            return 2;
        }
    }
    while (atomic_load(&completes) < n) {
        note_threads();
        sleep_ms(5);
    }
    printf("threads max %d completes %d\n", atomic_load(&max_threads), atomic_load(&completes));
    fastgpt_client_free(client);
    return 0;
}

/* ---- ctxsw -------------------------------------------------------------------------------- */

static char blocked_tid[80];
static atomic_int blocked;

static int32_t blocking_complete(void *userdata, const fastgpt_event *event) {
    (void)userdata;
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        /* /proc/thread-self -> "<pid>/task/<tid>" names this thread. */
        char link[64];
        ssize_t len = readlink("/proc/thread-self", link, sizeof link - 1);
        if (len > 0) {
            link[len] = 0;
            const char *slash = strrchr(link, '/');
            snprintf(blocked_tid, sizeof blocked_tid, "%s", slash ? slash + 1 : link);
        }
        atomic_store(&blocked, 1);
        sleep_ms(3000);
        atomic_store(&blocked, 2);
    }
    return 0;
}

#define MAX_TASKS 256
struct task {
    char tid[260];
    char comm[32];
    long switches;
};

/* Every thread of the process but the main one and the blocked callback's. */
static int snapshot(struct task *tasks) {
    DIR *dir = opendir("/proc/self/task");
    struct dirent *d;
    char self[32];
    snprintf(self, sizeof self, "%ld", (long)getpid());
    int n = 0;
    while (dir && (d = readdir(dir)) != NULL && n < MAX_TASKS) {
        if (d->d_name[0] == '.' || strcmp(d->d_name, self) == 0 || strcmp(d->d_name, blocked_tid) == 0) {
            continue;
        }
        char path[300], line[256];
        struct task *t = &tasks[n];
        snprintf(t->tid, sizeof t->tid, "%s", d->d_name);
        t->switches = 0;
        t->comm[0] = 0;
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", d->d_name);
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(t->comm, sizeof t->comm, f)) {
                t->comm[strcspn(t->comm, "\n")] = 0;
            }
            fclose(f);
        }
        snprintf(path, sizeof path, "/proc/self/task/%s/status", d->d_name);
        f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f)) {
            if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0) {
                t->switches += atol(line + 24);
            } else if (strncmp(line, "nonvoluntary_ctxt_switches:", 27) == 0) {
                t->switches += atol(line + 27);
            }
        }
        if (f) {
            fclose(f);
        }
        n++;
    }
    if (dir) {
        closedir(dir);
    }
    return n;
}

static struct task before[MAX_TASKS], after[MAX_TASKS];

static int run_ctxsw(void) {
    fastgpt_client *client = new_client(NULL);
    if (fastgpt_get_chat_histories_async(client, histories_request(), NULL, blocking_complete, NULL, NULL) !=
        FASTGPT_OK) {
        return 2;
    }
    while (atomic_load(&blocked) == 0) {
        sleep_ms(1);
    }
    sleep_ms(500);
    int nb = snapshot(before);
    sleep_ms(2000);
    int na = snapshot(after);
    long total = 0;
    for (int i = 0; i < na; i++) {
        long was = 0;
        int found = 0;
        for (int j = 0; j < nb; j++) {
            if (strcmp(before[j].tid, after[i].tid) == 0) {
                was = before[j].switches;
                found = 1;
            }
        }
        long d = found ? after[i].switches - was : after[i].switches;
        if (d != 0) {
            printf("thread %s (%s): %ld switches%s\n", after[i].tid, after[i].comm, d, found ? "" : " (new)");
        }
        total += d;
    }
    printf("ctxsw %ld over 2 s (%d other threads, still blocked: %s)\n", total, na,
           atomic_load(&blocked) == 1 ? "yes" : "no");
    while (atomic_load(&blocked) != 2) {
        sleep_ms(10);
    }
    fastgpt_client_free(client);
    return 0;
}

/* ---- cancel ------------------------------------------------------------------------------- */

struct cancel_state {
    fastgpt_cancel *cancel;
    int seen;
    int after_cancel;
    atomic_int complete_status;
};

static int32_t cancel_in_first(void *userdata, const fastgpt_event *event) {
    struct cancel_state *s = userdata;
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        atomic_store(&s->complete_status, event->status + 1000);
        return 0;
    }
    if (s->seen++ == 0) {
        sleep_ms(100); /* the stream meanwhile queues hundreds of events behind this one */
        fastgpt_cancel_trigger(s->cancel);
    } else {
        s->after_cancel++;
    }
    return 0;
}

static int run_cancel(void) {
    /* 5000 answer events: the first network reads bring hundreds of them at once. */
    fastgpt_client *client = new_client("{\"headers\":{\"x-mock-stream-events\":\"5000\"}}");
    const char *req = "{\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";

    struct cancel_state a = {fastgpt_cancel_new(), 0, 0, 0};
    if (fastgpt_stream_chat_completion_async(client, req, a.cancel, cancel_in_first, &a, NULL) != FASTGPT_OK) {
        return 2;
    }
    while (atomic_load(&a.complete_status) == 0) {
        sleep_ms(1);
    }
    printf("async further events %d status %d\n", a.after_cancel, atomic_load(&a.complete_status) - 1000);

    struct cancel_state b = {fastgpt_cancel_new(), 0, 0, 0};
    fastgpt_status st = fastgpt_stream_chat_completion(client, req, b.cancel, cancel_in_first, &b, NULL, NULL);
    printf("blocking further events %d status %d\n", b.after_cancel, st);

    fastgpt_cancel_free(a.cancel);
    fastgpt_cancel_free(b.cancel);
    fastgpt_client_free(client);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "threads") == 0) {
        return run_threads(atoi(argv[2]), atol(argv[3]));
    }
    if (argc >= 2 && strcmp(argv[1], "ctxsw") == 0) {
        return run_ctxsw();
    }
    if (argc >= 2 && strcmp(argv[1], "cancel") == 0) {
        return run_cancel();
    }
    fprintf(stderr, "usage: delivery threads N MS | ctxsw | cancel\n");
    return 2;
}
