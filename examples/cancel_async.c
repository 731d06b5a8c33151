/*
 * cancel_async: an async streamed chat, cancelled from another thread.
 *
 * The main thread starts the stream and waits; callbacks arrive on a library thread; a third
 * thread triggers the cancel token once the first text has arrived. The callback sees exactly one
 * COMPLETE, with FASTGPT_ERR_CANCELLED, and after it the library never touches `state` again.
 *
 *   FASTGPT_BASE_URL=... FASTGPT_API_KEY=... ./cancel_async
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastgpt.h"

struct state {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int first_text_seen;
    int completed;
    int completions;
    fastgpt_status final_status;
    size_t text_events;
};

static int32_t on_event(void *userdata, const fastgpt_event *event) {
    struct state *s = userdata;
    pthread_mutex_lock(&s->lock);
    if (event->kind == FASTGPT_EVENT_COMPLETE) {
        s->completed = 1;
        s->completions++;
        s->final_status = event->status;
        if (event->error != NULL) {
            printf("complete: %s\n", fastgpt_error_message(event->error));
        }
    } else if (event->text != NULL) {
        s->text_events++;
        s->first_text_seen = 1;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

struct canceller {
    struct state *state;
    fastgpt_cancel *cancel;
};

static void *cancel_after_first_text(void *arg) {
    struct canceller *c = arg;
    pthread_mutex_lock(&c->state->lock);
    while (!c->state->first_text_seen && !c->state->completed) {
        pthread_cond_wait(&c->state->changed, &c->state->lock);
    }
    pthread_mutex_unlock(&c->state->lock);
    printf("cancelling from another thread\n");
    fastgpt_cancel_trigger(c->cancel);
    return NULL;
}

int main(void) {
    fastgpt_client *client = NULL;
    fastgpt_error *err = NULL;
    if (fastgpt_client_new(getenv("FASTGPT_CONFIG"), &client, &err) != FASTGPT_OK) {
        fprintf(stderr, "client: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 1;
    }
    struct state state;
    memset(&state, 0, sizeof state);
    pthread_mutex_init(&state.lock, NULL);
    pthread_cond_init(&state.changed, NULL);

    fastgpt_cancel *cancel = fastgpt_cancel_new();
    /* A long answer, sent slowly, so the cancel lands mid-stream. */
    const char *request =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"tell me a very long story about a slow river\"}]}";
    fastgpt_status status =
        fastgpt_stream_chat_completion_async(client, request, cancel, on_event, &state, &err);
    if (status != FASTGPT_OK) {
        fprintf(stderr, "start failed: %s\n", fastgpt_error_message(err));
        fastgpt_error_free(err);
        return 2;
    }
    pthread_t thread;
    struct canceller canceller = {&state, cancel};
    pthread_create(&thread, NULL, cancel_after_first_text, &canceller);

    pthread_mutex_lock(&state.lock);
    while (!state.completed) {
        pthread_cond_wait(&state.changed, &state.lock);
    }
    pthread_mutex_unlock(&state.lock);
    pthread_join(thread, NULL);

    printf("completions: %d, status: %s, cancel triggered: %d, text events before: %zu\n",
           state.completions, fastgpt_status_str(state.final_status),
           (int)fastgpt_cancel_is_triggered(cancel), state.text_events);
    int ok = state.completions == 1 &&
             (state.final_status == FASTGPT_ERR_CANCELLED || state.final_status == FASTGPT_OK);
    fastgpt_cancel_free(cancel);
    fastgpt_client_free(client);
    pthread_cond_destroy(&state.changed);
    pthread_mutex_destroy(&state.lock);
    return ok ? 0 : 3;
}
