// The C++ API with exceptions disabled (-fno-exceptions): only the Result API is declared, and it
// does the whole job (blocking, streamed, async, cancel, errors). Run by tests/c_examples.rs
// against fastgpt-mock (FASTGPT_BASE_URL, FASTGPT_API_KEY, FASTGPT_APP_ID from the environment).
//
// Prints one line per failed check and "cpp noexcept: N checks, F failures"; exits 1 on failure.
#ifdef __cpp_exceptions
#error "compile this test with -fno-exceptions"
#endif

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fastgpt.hpp"

#include "check.hpp"

static_assert(FASTGPT_CPP_EXCEPTIONS == 0, "exceptions are off");

// The throwing API is not declared at all without exceptions.
template <class T, class = void>
struct has_value : std::false_type {};
template <class T>
struct has_value<T, std::void_t<decltype(std::declval<T &>().value())>> : std::true_type {};
template <class C, class = void>
struct has_from_env : std::false_type {};
template <class C>
struct has_from_env<C, std::void_t<decltype(C::from_env())>> : std::true_type {};
template <class C, class = void>
struct has_throwing_endpoint : std::false_type {};
template <class C>
struct has_throwing_endpoint<C, std::void_t<decltype(std::declval<const C &>().get_chat_init(""))>>
    : std::true_type {};
template <class C, class = void>
struct has_try_endpoint : std::false_type {};
template <class C>
struct has_try_endpoint<C, std::void_t<decltype(std::declval<const C &>().try_get_chat_init(""))>>
    : std::true_type {};
static_assert(!has_value<fastgpt::Result<fastgpt::Response>>::value, "no Result::value()");
static_assert(!has_value<fastgpt::Result<void>>::value, "no Result<void>::value()");
static_assert(!has_from_env<fastgpt::Client>::value, "no throwing Client::from_env()");
static_assert(!has_throwing_endpoint<fastgpt::Client>::value, "no throwing endpoint methods");
static_assert(has_try_endpoint<fastgpt::Client>::value, "the try_ endpoint methods exist");
static_assert(!std::is_constructible_v<fastgpt::Client, const char *>, "no throwing Client constructor");

// Move-only handles, noexcept moves.
static_assert(!std::is_copy_constructible_v<fastgpt::Client> && std::is_nothrow_move_constructible_v<fastgpt::Client>);
static_assert(!std::is_copy_constructible_v<fastgpt::Response> && std::is_nothrow_move_assignable_v<fastgpt::Response>);
static_assert(!std::is_copy_constructible_v<fastgpt::CancelToken> &&
              std::is_nothrow_move_constructible_v<fastgpt::CancelToken>);

int main() {
    const char *app_env = std::getenv("FASTGPT_APP_ID");
    const std::string app = app_env ? app_env : "66e29b870b24ce35330c0f08";
    const std::string chat = R"({"chatId":"cpp-noexcept","messages":[{"role":"user","content":"hello noexcept"}]})";

    // Config errors are values.
    fastgpt::Result<fastgpt::Client> bad = fastgpt::Client::try_create(R"({"timeout": 5})");
    check(!bad.ok() && bad.status() == FASTGPT_ERR_INVALID_ARGUMENT, "unknown config key rejected");
    check(!bad && contains(bad.error().message(), "timeout"), "the message names the key", bad.error().message());

    fastgpt::Result<fastgpt::Client> made = fastgpt::Client::try_from_env();
    check(made.ok(), "client from the environment");
    if (!made) {
        std::printf("cpp noexcept: %d checks, %d failures\n", checks, failures);
        return 1;
    }
    fastgpt::Client client = std::move(*made);

    // Blocking.
    fastgpt::Result<fastgpt::Response> r = client.try_create_chat_completion(chat);
    check(r.ok() && r->status() == 200, "blocking call");
    check(r && contains(r->data(), "Echo: hello noexcept"), "blocking answer", r ? r->data() : "");
    check(r && r->header("Content-Type").has_value() && r->header(std::string("x-nope")) == std::nullopt,
          "header lookup");

    // Invalid input: the library's and the wrapper's own checks.
    auto bad_json = client.try_get_chat_init("{not json");
    check(bad_json.status() == FASTGPT_ERR_INVALID_JSON, "invalid JSON");
    auto missing = client.try_get_chat_init(R"({"appId":")" + app + R"("})");
    check(missing.status() == FASTGPT_ERR_INVALID_ARGUMENT && contains(missing.error().message(), "chatId"),
          "missing field named", missing ? "" : missing.error().message());
    using namespace std::string_view_literals;
    auto nul = client.try_get_chat_histories("{\"appId\":\"x\"}\0junk"sv);
    check(nul.status() == FASTGPT_ERR_INVALID_ARGUMENT && contains(nul.error().message(), "NUL"), "interior NUL");
    auto null_json = client.try_get_chat_init(nullptr);
    check(null_json.status() == FASTGPT_ERR_NULL_ARGUMENT, "NULL request");

    // Every endpoint of the X-macros, blocking and async, as user code can expand them too: each
    // rejects a request that is not a JSON object before any I/O.
    int endpoints = 0;
#define CHECK_ENDPOINT(name)                                                                   \
    {                                                                                          \
        endpoints++;                                                                           \
        auto blocking = client.try_##name("[1]");                                              \
        check(blocking.status() == FASTGPT_ERR_INVALID_JSON, #name " validates");              \
        auto async = client.try_##name##_async("[1]", [](fastgpt::Completion c) { return c.status(); }); \
        fastgpt::Status st = async ? async->get() : async.status();                             \
        check(st == FASTGPT_ERR_INVALID_JSON, #name "_async validates", fastgpt::status_str(st)); \
    }
    FASTGPT_ENDPOINTS(CHECK_ENDPOINT)
#undef CHECK_ENDPOINT
    check(endpoints >= 13, "the unary endpoints");
#define CHECK_STREAM(name)                                                                     \
    {                                                                                          \
        endpoints++;                                                                           \
        auto with_cb = client.try_##name("[1]", [](const fastgpt::Event &) {});                \
        auto without = client.try_##name("[1]");                                               \
        check(with_cb.status() == FASTGPT_ERR_INVALID_JSON && without.status() == FASTGPT_ERR_INVALID_JSON, \
              #name " validates");                                                             \
        auto async = client.try_##name##_async("[1]", [](const fastgpt::Event &) {},           \
                                               [](fastgpt::Completion c) { return c.status(); }); \
        fastgpt::Status st = async ? async->get() : async.status();                             \
        check(st == FASTGPT_ERR_INVALID_JSON, #name "_async validates", fastgpt::status_str(st)); \
    }
    FASTGPT_STREAM_ENDPOINTS(CHECK_STREAM)
#undef CHECK_STREAM
    check(endpoints >= 14, "the stream endpoints");

    // Streamed, from a string_view (copied once), collecting the text.
    std::string text;
    int other = 0;
    auto streamed = client.try_stream_chat_completion(std::string_view(chat), [&](const fastgpt::Event &ev) {
        if (ev.has_text()) {
            text += ev.text();
        } else {
            other++;
        }
    });
    check(streamed.ok() && text == "Echo: hello noexcept" && other > 0, "stream text", text);
    check(streamed && contains(streamed->body(), "Echo: hello noexcept"), "stream accumulated body");
    auto quiet = client.try_stream_chat_completion(chat);
    check(quiet.ok() && contains(quiet->data(), "Echo: hello noexcept"), "stream without a callable");

    // A callable returning Action::abort ends the stream.
    int seen = 0;
    auto aborted = client.try_stream_chat_completion(chat, [&](const fastgpt::Event &ev) {
        if (!ev.has_text()) return fastgpt::Action::proceed;
        seen++;
        return fastgpt::Action::abort;
    });
    check(aborted.status() == FASTGPT_ERR_ABORTED_BY_CALLBACK && seen == 1, "Action::abort");

    // Cancel: a triggered token, and a token triggered from inside the callable.
    fastgpt::CancelToken token;
    check(!token.triggered(), "new token untriggered");
    token.trigger();
    check(token.triggered(), "token triggered");
    check(client.try_create_chat_completion(chat, token).status() == FASTGPT_ERR_CANCELLED, "cancelled call");
    fastgpt::CancelToken moved = std::move(token);
    token.trigger();  // moved-from: a no-op
    check(!token.triggered() && moved.triggered(), "moved token");

    // Server errors carry FastGPT's code; the key never shows.
    auto wrong = fastgpt::Client::try_create(R"({"api_key": "fastgpt-wrong-noexcept"})");
    check(wrong.ok(), "client with a wrong key");
    if (wrong) {
        auto denied = wrong->try_create_chat_completion(chat);
        check(denied.status() == FASTGPT_ERR_AUTH, "wrong key: AUTH");
        if (!denied) {
            const fastgpt::Error &e = denied.error();
            check(e.api_code() == 514 && e.http_status() == 500 && !e.body().empty(), "error fields");
            check(!contains(e.message(), "fastgpt-wrong-noexcept") && !contains(e.what(), "wrong-noexcept"),
                  "no key in the message");
            check(e.header("CONTENT-TYPE").has_value() && !e.headers().empty(), "error headers");
        }
    }

    // A rate limit past the retries keeps the server's Retry-After for the caller's own retry.
    auto limited = fastgpt::Client::try_create(R"({"max_retries": 0, "headers": {"x-mock-fault": "rate_limit_s=7"}})");
    check(limited.ok(), "client for 429");
    if (limited) {
        auto r = limited->try_get_chat_histories(R"({"appId":")" + app + R"("})");
        check(r.status() == FASTGPT_ERR_RATE_LIMITED, "429: RATE_LIMITED");
        if (!r) {
            auto after = r.error().header("Retry-After");
            check(after.has_value() && *after == "7", "Retry-After of the error", std::string(after.value_or("none")));
            check(!r.error().header("x-not-sent").has_value(), "absent header");
        }
    }

    // Async: the completion runs on a library thread; the future holds what it returns.
    std::atomic<int> completions{0};
    auto started = client.try_get_chat_histories_async(R"({"appId":")" + app + R"("})", [&](fastgpt::Completion c) {
        completions++;
        return c.ok() ? std::string(c->data()) : std::string("error: ") + std::string(c.error().message());
    });
    check(started.ok(), "async start");
    if (started) {
        std::string data = started->get();
        check(contains(data, "\"list\""), "async histories", data);
    }
    auto bad_start = client.try_get_chat_init_async("[1]", [&](fastgpt::Completion) { completions += 100; });
    check(bad_start.status() == FASTGPT_ERR_INVALID_JSON, "failed async start is an error");

    std::string async_text;
    auto stream_started = client.try_stream_chat_completion_async(
        chat, [&](const fastgpt::Event &ev) { async_text += ev.text(); },
        [&](fastgpt::Completion c) {
            completions++;
            return c.status();
        });
    check(stream_started.ok(), "async stream start");
    if (stream_started) {
        check(stream_started->get() == FASTGPT_OK && async_text == "Echo: hello noexcept", "async stream", async_text);
    }

    // The escape hatch.
    auto raw = client.try_request("POST", "/api/core/chat/getHistories", R"({"appId":")" + app + R"("})");
    check(raw.ok() && contains(raw->data(), "\"list\""), "fastgpt_request");
    auto raw_async = client.try_request_async("GET", "/api/core/chat/init",
                                              R"({"appId":")" + app + R"(","chatId":"cpp-noexcept"})",
                                              [](fastgpt::Completion c) { return c.ok() ? c->status() : -1; });
    check(raw_async.ok() && raw_async->get() == 200, "fastgpt_request_async");

    // Freeing the client cancels its in-flight async stream; the completion still comes.
    auto slow = fastgpt::Client::try_create(R"({"headers": {"x-mock-fault": "slow_stream=300"}})");
    check(slow.ok(), "slow client");
    if (slow) {
        // (slow: the rest of the stream has not arrived when the token is triggered)
        fastgpt::CancelToken inner;
        auto cancelled = slow->try_stream_chat_completion(
            chat, [&](const fastgpt::Event &ev) { if (ev.has_text()) inner.trigger(); }, inner);
        check(cancelled.status() == FASTGPT_ERR_CANCELLED, "cancelled from the callable",
              fastgpt::status_str(cancelled.status()));
        fastgpt::Result<fastgpt::Client> replacement = fastgpt::Client::try_create("{}");
        check(replacement.ok(), "another client");
        auto pending = slow->try_stream_chat_completion_async(
            chat, [](const fastgpt::Event &) {}, [](fastgpt::Completion c) { return c.status(); });
        check(pending.ok(), "slow stream start");
        *slow = std::move(*replacement);  // frees the first client, its stream still running
        if (pending) {
            check(pending->wait_for(std::chrono::seconds(10)) == std::future_status::ready, "completion after free");
            fastgpt::Status st = pending->get();
            check(st == FASTGPT_ERR_CANCELLED, "freed client cancels", fastgpt::status_str(st));
        }
    }

    // A moved-from client is empty.
    fastgpt::Client other_client = std::move(client);
    check(client.try_get_chat_init(R"({"appId":"a","chatId":"b"})").status() == FASTGPT_ERR_NULL_ARGUMENT,
          "moved-from client");
    check(other_client.try_create_chat_completion(chat).ok(), "moved-to client");
    check(completions.load() == 2, "one completion per started call");

    return report("cpp noexcept");
}
