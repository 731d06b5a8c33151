// Exceptions thrown by the user's callables never unwind into the library: the wrapper catches
// them in its trampoline, aborts the operation, and hands them to the caller — rethrown after a
// blocking stream returns, or through the std::future of an async call. Also the fastgpt::Error
// exceptions of the throwing API. Run by tests/c_examples.rs against fastgpt-mock (under ASan and
// valgrind too: nothing leaks on these paths).
//
// Prints one line per failed check and "cpp exceptions: N checks, F failures"; exits 1 on failure.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "fastgpt.hpp"

#include "check.hpp"

static_assert(FASTGPT_CPP_EXCEPTIONS == 1, "exceptions are on");
// The same detector as tests/c/cpp_noexcept.cpp, which asserts the opposite without exceptions.
template <class T, class = void>
struct has_value : std::false_type {};
template <class T>
struct has_value<T, std::void_t<decltype(std::declval<T &>().value())>> : std::true_type {};
static_assert(has_value<fastgpt::Result<fastgpt::Response>>::value, "Result::value() with exceptions");
static_assert(std::is_base_of_v<std::runtime_error, fastgpt::Error>, "Error is a std::runtime_error");

// The try_ form is noexcept; a stream's try_ form only when its callable is.
static auto nothrow_cb = [](const fastgpt::Event &) noexcept {};
static auto throwing_cb = [](const fastgpt::Event &) {};
static_assert(noexcept(std::declval<const fastgpt::Client &>().try_get_chat_init("")));
static_assert(noexcept(std::declval<const fastgpt::Client &>().try_stream_chat_completion("", nothrow_cb)));
static_assert(!noexcept(std::declval<const fastgpt::Client &>().try_stream_chat_completion("", throwing_cb)));
static_assert(!noexcept(std::declval<const fastgpt::Client &>().get_chat_init("")));

// Not derived from std::exception: any type comes back as it was thrown.
struct Boom {
    int at;
};

int main() {
    // Events arrive 50 ms apart, so an abort is visible: the rest of the answer never comes.
    fastgpt::Client client(R"({"headers": {"x-mock-fault": "slow_stream=50"}})");
    // A 136-character answer: 17 text events, so a whole stream takes over 850 ms.
    const std::string question = "the quick brown fox jumps over the lazy dog, the quick brown fox jumps over the lazy "
                                 "dog, the quick brown fox jumps over the lazy dog";
    const std::string chat = R"({"chatId":"cpp-exceptions","messages":[{"role":"user","content":")" + question + R"("}]})";

    // The reference: one whole stream, timed after a warm-up call (the first call starts the
    // library's runtime, which is slow under valgrind).
    (void)client.create_chat_completion(chat);
    auto t0 = std::chrono::steady_clock::now();
    std::string whole_text;
    client.stream_chat_completion(chat, [&](const fastgpt::Event &ev) { whole_text += ev.text(); });
    double whole_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    check(whole_text == "Echo: " + question, "the whole stream", whole_text);

    // 1. Blocking stream: the lambda throws at the second text event.
    int texts = 0;
    int after_throw = 0;
    bool thrown = false;
    auto throw_at_second = [&](const fastgpt::Event &ev) {
        if (thrown) after_throw++;
        if (!ev.has_text()) return;
        if (++texts == 2) {
            thrown = true;
            throw Boom{texts};
        }
    };
    auto start = std::chrono::steady_clock::now();
    try {
        client.stream_chat_completion(chat, throw_at_second);
        check(false, "the exception reached the caller");
    } catch (const Boom &b) {
        check(b.at == 2, "the same exception object's value");
    } catch (...) {
        check(false, "rethrown as its own type");
    }
    check(after_throw == 0 && texts == 2, "no event after the throw: the stream was aborted");

    // 2. The try_ form converts library errors only: the user's exception still comes back.
    texts = 0;
    thrown = false;
    try {
        auto r = client.try_stream_chat_completion(chat, throw_at_second);
        check(false, "try_ form rethrows", fastgpt::status_str(r.status()));
    } catch (const Boom &) {
        check(after_throw == 0, "try_ form: aborted");
    }
    // Each aborted stream skips at least 14 of the 50 ms pauses of a whole one.
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 2;
    check(ms + 400 < whole_ms, "aborted streams end early",
          "aborted " + std::to_string(ms) + " ms, whole " + std::to_string(whole_ms) + " ms");

    // 3. Async stream: on_event throws; on_complete still runs once (ABORTED_BY_CALLBACK), and the
    // future rethrows the event's exception.
    std::atomic<int> completions{0};
    std::atomic<fastgpt::Status> completed_with{FASTGPT_OK};
    std::atomic<int> async_after_throw{0};
    std::atomic<bool> async_thrown{false};
    auto fut = client.stream_chat_completion_async(
        chat,
        [&](const fastgpt::Event &ev) {
            if (async_thrown) async_after_throw++;
            if (ev.has_text()) {
                async_thrown = true;
                throw std::runtime_error("thrown on a library thread");
            }
        },
        [&](fastgpt::Completion c) {
            completions++;
            completed_with = c.status();
            return 42;
        });
    try {
        int v = fut.get();
        check(false, "async: the future holds the exception", std::to_string(v));
    } catch (const std::runtime_error &e) {
        check(std::string_view(e.what()) == "thrown on a library thread", "async: the event's exception", e.what());
    }
    check(completions == 1 && completed_with == FASTGPT_ERR_ABORTED_BY_CALLBACK && async_after_throw == 0,
          "async: one completion, aborted by the callable", fastgpt::status_str(completed_with));

    // 4. Async unary: the completion callable throws; the future rethrows it.
    fastgpt::Client fast = fastgpt::Client::from_env();
    auto unary = fast.create_chat_completion_async(chat, [](fastgpt::Completion c) -> std::string {
        if (c.ok()) throw std::logic_error("completion threw");
        return "not reached";
    });
    try {
        unary.get();
        check(false, "async unary: rethrown");
    } catch (const std::logic_error &e) {
        check(std::string_view(e.what()) == "completion threw", "async unary: the completion's exception");
    }
    // Completion::value() throws the call's fastgpt::Error into the future.
    fastgpt::CancelToken cancelled;
    cancelled.trigger();
    auto failing = fast.get_chat_init_async(R"({"appId":"66e29b870b24ce35330c0f08","chatId":"x"})",
                                            [](fastgpt::Completion c) { return std::string(c.value().data()); },
                                            cancelled);
    try {
        failing.get();
        check(false, "a cancelled call's value() throws");
    } catch (const fastgpt::Error &e) {
        check(e.status() == FASTGPT_ERR_CANCELLED, "the future of an Error", e.what());
    }

    // 5. fastgpt::Error from the throwing API, catchable as std::runtime_error.
    try {
        fastgpt::Client typo(R"({"timeout": 5})");
        check(false, "unknown config key throws");
    } catch (const std::runtime_error &e) {
        auto *fe = dynamic_cast<const fastgpt::Error *>(&e);
        check(fe != nullptr && fe->status() == FASTGPT_ERR_INVALID_ARGUMENT, "config error", e.what());
    }
    try {
        fastgpt::Client wrong(R"({"api_key": "fastgpt-wrong-cpp"})");
        wrong.create_chat_completion(chat);
        check(false, "a wrong key throws");
    } catch (const fastgpt::Error &e) {
        check(e.status() == FASTGPT_ERR_AUTH && e.api_code() == 514 && e.http_status() == 500, "auth error fields");
        check(std::string_view(e.what()).find("fastgpt-wrong-cpp") == std::string_view::npos, "no key in what()");
    }
    try {
        (void)fast.get_chat_init_async("not json", [](fastgpt::Completion) {});
        check(false, "a failed async start throws");
    } catch (const fastgpt::Error &e) {
        check(e.status() == FASTGPT_ERR_INVALID_JSON, "failed async start", e.what());
    }

    // 6. The client is still fine after all of that.
    std::string text;
    fastgpt::Response whole = fast.stream_chat_completion(chat, [&](const fastgpt::Event &ev) { text += ev.text(); });
    check(text == "Echo: " + question && whole.status() == 200, "a normal stream afterwards", text);

    return report("cpp exceptions");
}
