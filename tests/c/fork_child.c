/*
 * fork() after the library started: in the child every call is refused quickly with
 * FASTGPT_ERR_FORKED (its I/O threads did not survive the fork, so it must not hang), and the
 * parent keeps working. Run by tests/fork.rs against fastgpt-mock.
 *
 * Prints one line per check; exits 0 when all pass. An alarm kills a hung child.
 */
#include <fastgpt.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *histories_request(void) {
    static char buf[128];
    const char *app = getenv("FASTGPT_APP_ID");
    snprintf(buf, sizeof buf, "{\"appId\":\"%s\"}", app ? app : "66e29b870b24ce35330c0f08");
    return buf;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int call(const fastgpt_client *client, const char *who) {
    fastgpt_response *resp = NULL;
    fastgpt_error *err = NULL;
    fastgpt_status st = fastgpt_get_chat_histories(client, histories_request(), NULL, &resp, &err);
    if (st == FASTGPT_OK) {
        printf("%s: call ok (HTTP %d)\n", who, fastgpt_response_status(resp));
    } else {
        printf("%s: call status %d: %s\n", who, st, fastgpt_error_message(err));
    }
    fflush(stdout);
    fastgpt_response_free(resp);
    fastgpt_error_free(err);
    return st;
}

static int complete_events;

static int32_t on_event(void *userdata, const fastgpt_event *event) {
    (void)userdata;
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        complete_events++;
    }
    return 0;
}

static int child(fastgpt_client *client) {
    alarm(10); /* a hang is a failure, not a stuck test */
    int failures = 0;

    double start = now_ms();
    fastgpt_status st = call(client, "child");
    double took = now_ms() - start;
    if (st != FASTGPT_ERR_FORKED || took > 1000) {
        printf("child: FAIL: expected FASTGPT_ERR_FORKED at once, got %d after %.0f ms\n", st, took);
        failures++;
    }

    fastgpt_client *other = NULL;
    fastgpt_error *err = NULL;
    st = fastgpt_client_new(NULL, &other, &err);
    printf("child: client_new status %d: %s\n", st, fastgpt_error_message(err));
    if (st != FASTGPT_ERR_FORKED || other != NULL || fastgpt_error_code(err) != FASTGPT_ERR_FORKED) {
        printf("child: FAIL: client_new must be refused\n");
        failures++;
    }
    fastgpt_error_free(err);

    /* An async start is refused too, with no callback. */
    err = NULL;
    st = fastgpt_stream_chat_completion_async(client, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", NULL,
                                              on_event, NULL, &err);
    printf("child: async start status %d\n", st);
    if (st != FASTGPT_ERR_FORKED) {
        printf("child: FAIL: async start must be refused\n");
        failures++;
    }
    fastgpt_error_free(err);

    /* Blocking stream, and the escape hatch. */
    err = NULL;
    st = fastgpt_stream_chat_completion(client, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", NULL, NULL,
                                        NULL, NULL, &err);
    fastgpt_error_free(err);
    fastgpt_status st2 = fastgpt_request(client, "GET", "/api/core/chat/init", NULL, NULL, NULL, NULL);
    printf("child: stream status %d, request status %d\n", st, st2);
    if (st != FASTGPT_ERR_FORKED || st2 != FASTGPT_ERR_FORKED) {
        /* In a forked child every call is refused first, before its arguments are even looked at
         * (looking could take a lock a parent thread held at the fork). */
        printf("child: FAIL: stream must be refused\n");
        failures++;
    }
    fastgpt_response *resp = NULL;
    st2 = fastgpt_request(client, "GET", "/api/core/chat/init", NULL, NULL, &resp, NULL);
    if (st2 != FASTGPT_ERR_FORKED || resp != NULL) {
        printf("child: FAIL: request must be refused, got %d\n", st2);
        failures++;
    }

    /* Freeing the inherited client in the child must not hang either. */
    fastgpt_client_free(client);
    printf("child: client freed\n");
    printf("child: %d failures, async COMPLETE events: %d\n", failures, complete_events);
    fflush(stdout);
    _exit(failures == 0 && complete_events == 0 ? 0 : 1);
}

int main(void) {
    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(NULL, &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 2;
    }
    if (call(client, "parent before fork") != FASTGPT_OK) {
        return 2;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        child(client);
    }
    int wstatus = 0;
    if (waitpid(pid, &wstatus, 0) != pid) {
        perror("waitpid");
        return 2;
    }
    int child_ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    if (WIFSIGNALED(wstatus)) {
        printf("parent: child killed by signal %d\n", WTERMSIG(wstatus));
    }
    printf("parent: child %s\n", child_ok ? "ok" : "FAILED");

    int failures = child_ok ? 0 : 1;
    for (int i = 0; i < 3; i++) {
        if (call(client, "parent after fork") != FASTGPT_OK) {
            failures++;
        }
    }
    /* A new client in the parent works too. */
    fastgpt_client *second = NULL;
    if (fastgpt_client_new(NULL, &second, NULL) != FASTGPT_OK || call(second, "parent new client") != FASTGPT_OK) {
        failures++;
    }
    fastgpt_client_free(second);
    fastgpt_client_free(client);
    printf("parent: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
