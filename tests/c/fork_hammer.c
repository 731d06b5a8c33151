/*
 * fork() while other threads are busy in the library: every child must finish quickly, whatever
 * locks the parent's threads held at the fork. Run by tests/fork.rs against fastgpt-mock.
 *
 *   fork_hammer hammer N   4 threads keep calling (blocking and async, all with one shared cancel
 *                          token) while the main thread forks N children; each child calls one of
 *                          fastgpt_client_free, fastgpt_cancel_trigger, fastgpt_cancel_free,
 *                          fastgpt_client_new and a call, under alarm(3).
 *   fork_hammer init N     forks N children while another thread makes the process's first call
 *                          (the runtime starting): each child makes a call under alarm(3), which
 *                          must succeed (forked before the start) or be refused, never hang.
 *
 * Prints "children N ok N hung N failed N"; exits 0 when none hung or failed.
 */
#include <fastgpt.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static fastgpt_client *client;
static fastgpt_cancel *shared_cancel;
static atomic_int stop_busy;
static atomic_int async_in_flight;

static const char *request(void) {
    static char buf[128];
    const char *app = getenv("FASTGPT_APP_ID");
    snprintf(buf, sizeof buf, "{\"appId\":\"%s\"}", app ? app : "66e29b870b24ce35330c0f08");
    return buf;
}

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static int32_t on_event(void *userdata, const fastgpt_event *event) {
    (void)userdata;
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        atomic_fetch_sub(&async_in_flight, 1);
    }
    return 0;
}

static void *busy(void *arg) {
    long n = (long)arg;
    while (!atomic_load(&stop_busy)) {
        fastgpt_response *resp = NULL;
        if (fastgpt_get_chat_histories(client, request(), shared_cancel, &resp, NULL) == FASTGPT_OK) {
            fastgpt_response_free(resp);
        }
        if (atomic_load(&async_in_flight) < 16) {
            atomic_fetch_add(&async_in_flight, 1);
            const char *q = n % 2 ? "{\"messages\":[{\"role\":\"user\",\"content\":\"fork hammer\"}]}" : NULL;
            fastgpt_status st =
                q ? fastgpt_stream_chat_completion_async(client, q, shared_cancel, on_event, NULL, NULL)
                  : fastgpt_get_chat_init_async(client, request(), shared_cancel, on_event, NULL, NULL);
            if (st != FASTGPT_OK) {
                atomic_fetch_sub(&async_in_flight, 1);
            }
        }
        /* Cancel tokens made and dropped: the cancellation tree's locks are taken all the time. */
        fastgpt_cancel *c = fastgpt_cancel_new();
        fastgpt_response *r2 = NULL;
        if (fastgpt_get_chat_histories(client, request(), c, &r2, NULL) == FASTGPT_OK) {
            fastgpt_response_free(r2);
        }
        fastgpt_cancel_free(c);
    }
    return NULL;
}

static void child_hammer(long i) {
    alarm(3);
    switch (i % 5) {
    case 0:
        fastgpt_client_free(client);
        break;
    case 1:
        fastgpt_cancel_trigger(shared_cancel);
        if (!fastgpt_cancel_is_triggered(shared_cancel)) {
            _exit(3);
        }
        break;
    case 2:
        fastgpt_cancel_free(shared_cancel);
        break;
    case 3: {
        fastgpt_client *other = NULL;
        if (fastgpt_client_new(NULL, &other, NULL) != FASTGPT_ERR_FORKED || other != NULL) {
            _exit(4);
        }
        break;
    }
    default: {
        fastgpt_response *resp = NULL;
        if (fastgpt_get_chat_histories(client, request(), shared_cancel, &resp, NULL) != FASTGPT_ERR_FORKED) {
            _exit(5);
        }
        break;
    }
    }
    _exit(0);
}

static void *first_call(void *arg) {
    (void)arg;
    fastgpt_response *resp = NULL;
    if (fastgpt_get_chat_histories(client, request(), NULL, &resp, NULL) == FASTGPT_OK) {
        fastgpt_response_free(resp);
    }
    return NULL;
}

static void child_init(void) {
    alarm(3);
    fastgpt_response *resp = NULL;
    fastgpt_status st = fastgpt_get_chat_histories(client, request(), NULL, &resp, NULL);
    fastgpt_response_free(resp);
    _exit(st == FASTGPT_OK || st == FASTGPT_ERR_FORKED ? 0 : 6);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: fork_hammer hammer|init N\n");
        return 2;
    }
    int init = strcmp(argv[1], "init") == 0;
    long n = atol(argv[2]);
    if (fastgpt_client_new(NULL, &client, NULL) != FASTGPT_OK) {
        fprintf(stderr, "client_new failed\n");
        return 2;
    }
    shared_cancel = fastgpt_cancel_new();
    pthread_t threads[4];
    int nthreads = init ? 1 : 4;
    if (init) {
        pthread_create(&threads[0], NULL, first_call, NULL);
    } else {
        first_call(NULL);
        for (long t = 0; t < nthreads; t++) {
            pthread_create(&threads[t], NULL, busy, (void *)t);
        }
        sleep_us(100000);
    }
    long ok = 0, hung = 0, failed = 0;
    const int batch = 8;
    pid_t pids[8];
    for (long i = 0; i < n; i += batch) {
        int k = 0;
        for (; k < batch && i + k < n; k++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0) {
                perror("fork");
                return 2;
            }
            if (pid == 0) {
                if (init) {
                    child_init();
                } else {
                    child_hammer(i + k);
                }
            }
            pids[k] = pid;
            if (init) {
                sleep_us(50);
            }
        }
        for (int j = 0; j < k; j++) {
            int ws = 0;
            if (waitpid(pids[j], &ws, 0) != pids[j]) {
                perror("waitpid");
                return 2;
            }
            if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
                ok++;
            } else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM) {
                hung++;
            } else {
                failed++;
                printf("child %ld: %s %d\n", i + j, WIFSIGNALED(ws) ? "signal" : "exit",
                       WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
            }
        }
    }
    atomic_store(&stop_busy, 1);
    for (int t = 0; t < nthreads; t++) {
        pthread_join(threads[t], NULL);
    }
    while (atomic_load(&async_in_flight) > 0) {
        sleep_us(1000);
    }
    /* The parent still works. */
    fastgpt_response *resp = NULL;
    fastgpt_status st = fastgpt_get_chat_histories(client, request(), NULL, &resp, NULL);
    fastgpt_response_free(resp);
    printf("children %ld ok %ld hung %ld failed %ld parent %d\n", n, ok, hung, failed, st);
    fastgpt_cancel_free(shared_cancel);
    fastgpt_client_free(client);
    return hung == 0 && failed == 0 && st == FASTGPT_OK ? 0 : 1;
}
