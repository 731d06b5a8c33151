// The newer C++ API against fastgpt-mock: uploads with a progress callable (from a path, from a
// buffer, async), a derived client (Client::with) carrying a header, a log callable (lines
// received, the callable deleted exactly once), pause in an async stream and resume from another
// thread, OwnedResponse copies in futures. Compiled twice by tests/c_examples.rs: with exceptions
// (then also: exceptions thrown by progress and log callables, the throwing API) and with
// -fno-exceptions (the try_ API only); under ASan and valgrind too.
//
// Environment: FASTGPT_BASE_URL, FASTGPT_API_KEY (fastgpt-mockkey). Prints, for the harness to
// compare with the mock's /mock/uploads and /mock/stats:
//   upload <label>: collection=<id> file=<name> bytes=<n> fnv=<FNV-1a 64 hex>
// and "cpp uploads/logs/pause: N checks, F failures"; exits 1 on failure.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <vector>

#include "fastgpt.hpp"

#include "check.hpp"

using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<fastgpt::Operation> && std::is_nothrow_move_constructible_v<fastgpt::Operation>);
static_assert(std::is_copy_constructible_v<fastgpt::OwnedResponse>, "OwnedResponse is a plain value");
static_assert(static_cast<std::int32_t>(fastgpt::Action::pause) == FASTGPT_CB_PAUSE);
static_assert(static_cast<std::int32_t>(fastgpt::LogLevel::trace) == FASTGPT_LOG_TRACE);
static_assert(static_cast<std::uint32_t>(fastgpt::EventKind::upload_progress) == FASTGPT_EVENT_UPLOAD_PROGRESS);
static_assert(static_cast<std::uint32_t>(fastgpt::EventKind::chat_title) == FASTGPT_EVENT_CHAT_TITLE);
static_assert(static_cast<std::uint32_t>(fastgpt::EventKind::skill_call) == FASTGPT_EVENT_SKILL_CALL);

// Waits up to 5 s for `pred` (the library may release a callable on one of its threads).
template <class Pred>
static bool eventually(Pred pred) {
    for (int i = 0; i < 500 && !pred(); i++) std::this_thread::sleep_for(10ms);
    return pred();
}

static std::string fnv1a64(const std::uint8_t *p, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

// The value of "key":"..." in a JSON text (the mock's answers are compact; enough for ids).
static std::string json_string(std::string_view json, std::string_view key) {
    std::string pat = "\"" + std::string(key) + "\":\"";
    auto at = json.find(pat);
    if (at == std::string_view::npos) return {};
    auto start = at + pat.size();
    return std::string(json.substr(start, json.find('"', start) - start));
}

static void report_upload(const char *label, std::string_view data, const char *file, const std::vector<std::uint8_t> &content) {
    std::printf("upload %s: collection=%s file=%s bytes=%zu fnv=%s\n", label, json_string(data, "collectionId").c_str(), file,
                content.size(), fnv1a64(content.data(), content.size()).c_str());
}

// Progress reports of one upload: (sent, total) and whether they came on the expected thread.
struct Progress {
    std::mutex m;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
    bool on_caller_thread = true;
    bool on_library_thread = true;
    std::thread::id caller = std::this_thread::get_id();

    void operator()(std::uint64_t sent, std::uint64_t total) {
        std::lock_guard<std::mutex> g(m);
        seen.emplace_back(sent, total);
        bool here = std::this_thread::get_id() == caller;
        on_caller_thread = on_caller_thread && here;
        on_library_thread = on_library_thread && !here;
    }
    // Strictly increasing, each with the file's size as total, the last one complete.
    bool complete(std::uint64_t size) {
        std::lock_guard<std::mutex> g(m);
        if (seen.empty() || seen.back().first != size) return false;
        for (std::size_t i = 0; i < seen.size(); i++) {
            if (seen[i].second != size || (i > 0 && seen[i].first <= seen[i - 1].first)) return false;
        }
        return true;
    }
};

// A log callable that counts its lines and its own destruction (moved-from copies do not count).
struct LogSink {
    std::mutex m;
    std::vector<std::string> lines;
    std::atomic<int> freed{0};
    std::size_t count() {
        std::lock_guard<std::mutex> g(m);
        return lines.size();
    }
    bool has(std::string_view a, std::string_view b = {}) {
        std::lock_guard<std::mutex> g(m);
        for (const auto &l : lines)
            if (contains(l, a) && contains(l, b)) return true;
        return false;
    }
};
struct LogFn {
    LogSink *sink;
    bool armed = true;
    explicit LogFn(LogSink *s) : sink(s) {}
    LogFn(LogFn &&o) noexcept : sink(o.sink), armed(std::exchange(o.armed, false)) {}
    LogFn(const LogFn &) = delete;
    ~LogFn() {
        if (armed) sink->freed++;
    }
    void operator()(fastgpt::LogLevel level, std::string_view line) const {
        std::lock_guard<std::mutex> g(sink->m);
        sink->lines.push_back(std::to_string(static_cast<int>(level)) + " " + std::string(line));
    }
};

#if FASTGPT_CPP_EXCEPTIONS
struct ProgressBoom {
    std::uint64_t sent;
};
#endif

static void uploads(const fastgpt::Client &client) {
    auto ds = client.try_create_dataset(R"({"name":"C++ uploads"})");
    check(ds.ok(), "create_dataset", ds.ok() ? "" : ds.error().message());
    if (!ds.ok()) return;
    std::string dataset(ds->data().substr(1, ds->data().size() - 2));  // a JSON string
    const std::string request = R"({"datasetId":")" + dataset + R"(","trainingType":"chunk","chunkSize":512})";

    // 300,000 bytes of text in a temporary file.
    std::vector<std::uint8_t> text(300000);
    for (std::size_t i = 0; i < text.size(); i++) text[i] = static_cast<std::uint8_t>("abcdefghij\n"[i % 11]);
    char path[] = "/tmp/fastgpt-cpp-upload-XXXXXX";
    int fd = mkstemp(path);
    check(fd >= 0, "mkstemp");
    if (fd < 0) return;
    check(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "write the file");
    close(fd);
    std::string file_name = std::string(path).substr(5);  // the last path component

    // 1. From a path, blocking, progress on this thread.
    Progress p1;
    auto r1 = client.try_create_file_collection(path, request, [&](std::uint64_t s, std::uint64_t t) { p1(s, t); });
    check(r1.ok(), "upload from a path", r1.ok() ? "" : r1.error().message());
    check(p1.complete(text.size()) && p1.seen.size() >= 2, "path: progress increasing to the size",
          std::to_string(p1.seen.size()) + " reports");
    check(p1.on_caller_thread, "path: progress on the calling thread");
    if (r1.ok()) report_upload("path", r1->data(), file_name.c_str(), text);

    // Without a progress callable; a path that is no file fails before any I/O.
    auto r0 = client.try_create_file_collection(path, request);
    check(r0.ok() && contains(r0->data(), "collectionId"), "upload without progress");
    auto missing = client.try_create_file_collection("/nonexistent/file.txt", request, nullptr);
    check(missing.status() == FASTGPT_ERR_INVALID_ARGUMENT, "a missing file", fastgpt::status_str(missing.status()));

    // 2. From a buffer (binary, with NUL bytes), blocking.
    std::vector<std::uint8_t> bin(100000);
    std::uint32_t x = 12345;
    for (auto &b : bin) {
        x = x * 1103515245u + 12345u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    Progress p2;
    auto r2 = client.try_create_file_collection_from_buffer("buffer-upload.bin", bin, request, std::ref(p2));
    check(r2.ok(), "upload from a buffer", r2.ok() ? "" : r2.error().message());
    check(p2.complete(bin.size()), "buffer: progress to the size");
    if (r2.ok()) report_upload("buffer", r2->data(), "buffer-upload.bin", bin);

    // 3. From a buffer, async: progress on a library thread, the result copied into the future.
    std::vector<std::uint8_t> small(text.begin(), text.begin() + 5000);
    Progress p3;
    auto f3 = client.try_create_file_collection_from_buffer_async(
        "async-upload.txt", fastgpt::ByteView(small.data(), small.size()), request, std::ref(p3),
        fastgpt::CopyResponse{{"content-type"}});
    check(f3.ok(), "async upload starts");
    if (f3.ok()) {
        fastgpt::Result<fastgpt::OwnedResponse> r3 = f3->get();
        check(r3.ok() && r3->status() == 200, "async upload result");
        check(p3.complete(small.size()) && p3.on_library_thread, "async: progress on a library thread");
        if (r3.ok()) {
            check(r3->header("Content-Type").value_or("").substr(0, 16) == "application/json",
                  "a copied header, looked up case-insensitively");
            check(!r3->header("x-not-copied"), "only named headers are copied");
            report_upload("async", r3->data(), "async-upload.txt", small);
        }
    }
    // Async from a path, no progress, a plain completion callable.
    auto f4 = client.try_create_file_collection_async(path, request, {}, [](fastgpt::Completion c) {
        return c.ok() ? json_string(c->data(), "collectionId") : std::string();
    });
    check(f4.ok() && !f4->get().empty(), "async upload from a path without progress");
    // A bad request fails the start: no future.
    auto bad = client.try_create_file_collection_async(path, "{not json", nullptr, fastgpt::CopyResponse{});
    check(bad.status() == FASTGPT_ERR_INVALID_JSON, "async start error", fastgpt::status_str(bad.status()));

    // 4. A progress callable that aborts: the upload stops at its first report.
    int calls = 0;
    auto ab = client.try_create_file_collection(path, request, [&](std::uint64_t, std::uint64_t) {
        calls++;
        return fastgpt::Action::abort;
    });
    check(ab.status() == FASTGPT_ERR_ABORTED_BY_CALLBACK && calls == 1, "Action::abort from progress");

#if FASTGPT_CPP_EXCEPTIONS
    // 5. An exception from the progress callable aborts the upload and reaches the caller, from
    // the throwing and the try_ form, and through an async call's future.
    calls = 0;
    auto thrower = [&](std::uint64_t sent, std::uint64_t) {
        calls++;
        throw ProgressBoom{sent};
    };
    try {
        (void)client.create_file_collection(path, request, thrower);
        check(false, "the progress exception reaches the caller");
    } catch (const ProgressBoom &b) {
        check(calls == 1 && b.sent > 0 && b.sent < text.size(), "progress exception: aborted at the first report");
    }
    try {
        (void)client.try_create_file_collection_from_buffer("x.bin", bin, request, thrower);
        check(false, "try_ form rethrows the progress exception");
    } catch (const ProgressBoom &) {
        check(calls == 2, "try_ form: once");
    }
    std::atomic<fastgpt::Status> completed{FASTGPT_OK};
    auto fut = client.create_file_collection_async(path, request, thrower, [&](fastgpt::Completion c) {
        completed = c.status();
        return 1;
    });
    try {
        (void)fut.get();
        check(false, "async: the future holds the progress exception");
    } catch (const ProgressBoom &) {
        check(completed == FASTGPT_ERR_ABORTED_BY_CALLBACK && calls == 3, "async: aborted, completion ran",
              fastgpt::status_str(completed));
    }
    // The throwing API on success; a copy into a throwing future.
    fastgpt::Response ok = client.create_file_collection_from_buffer("throwing-api.txt", std::string_view("hello"), request);
    check(contains(ok.data(), "collectionId"), "throwing upload API");
    auto owned = client.create_file_collection_async(path, request, nullptr,
                                                     [](fastgpt::Completion c) { return c.value().copy(); });
    check(contains(owned.get().data(), "collectionId"), "future<OwnedResponse> via value().copy()");
#endif
    unlink(path);
}

static void derived_clients(const fastgpt::Client &parent) {
    const std::string req = R"({"appId":"66e29b870b24ce35330c0f08"})";
    auto d = parent.try_with(R"({"max_retries":0,"timeout_ms":5000,"headers":{"x-mock-id":"cpp-derived","x-tenant":"acme"}})");
    check(d.ok(), "try_with", d.ok() ? "" : d.error().message());
    if (!d.ok()) return;
    auto r = d->try_get_chat_histories(req);
    check(r.ok() && r->status() == 200, "a call through the derived client");
    auto rp = parent.try_get_chat_histories(req);
    check(rp.ok(), "a call through the parent");
    auto typo = parent.try_with(R"({"base_url":"http://elsewhere"})");
    check(typo.status() == FASTGPT_ERR_INVALID_ARGUMENT && contains(typo.error().message(), "base_url"),
          "a key that cannot change per call", typo.ok() ? "" : typo.error().message());
    auto nul = parent.try_with(std::string_view("{}\0x", 4));
    check(nul.status() == FASTGPT_ERR_INVALID_ARGUMENT, "overrides with a NUL byte");

    // Lifetimes: the derived client outlives its parent, but the parent's end cancelled it.
    auto own_parent = fastgpt::Client::try_from_env();
    check(own_parent.ok(), "a second parent");
    if (!own_parent.ok()) return;
    auto late = own_parent->try_with(nullptr);
    check(late.ok(), "derive with no overrides");
    if (!late.ok()) return;
    { fastgpt::Client gone = std::move(*own_parent); }
    auto after = late->try_get_chat_histories(req);
    check(after.status() == FASTGPT_ERR_CANCELLED, "after the parent is destroyed", fastgpt::status_str(after.status()));
#if FASTGPT_CPP_EXCEPTIONS
    fastgpt::Client thrown_with = parent.with(R"({"headers":{"x-mock-id":"cpp-derived-2","x-tenant":"beta"}})");
    check(thrown_with.get_chat_histories(req).status() == 200, "throwing with()");
    try {
        (void)parent.with(R"({"api_key":"fastgpt-other"})");
        check(false, "with() throws");
    } catch (const fastgpt::Error &e) {
        check(e.status() == FASTGPT_ERR_INVALID_ARGUMENT && !contains(e.what(), "fastgpt-other"), "with() error", e.what());
    }
#endif
}

static void logs() {
    const std::string req = R"({"appId":"66e29b870b24ce35330c0f08"})";
    const char *key = std::getenv("FASTGPT_API_KEY");
    auto client = fastgpt::Client::try_create(R"({"max_retries":0})");
    check(client.ok(), "log client");
    if (!client.ok()) return;

    LogSink first;
    auto set = client->try_set_log_callback(fastgpt::LogLevel::info, LogFn(&first));
    check(set.ok(), "set_log_callback");
    check(first.has("client", "base_url="), "the configuration line at once");
    check(client->try_get_chat_histories(req).ok(), "a logged call");
    check(first.has("request method=POST path=/api/core/chat/getHistories", "outcome=ok"), "a request line");
    check(first.has("3 request"), "request lines at INFO (3)");
    check(first.freed == 0, "the callable lives while set");

    // A derived client logs to the same callable, which then lives as long as it does.
    auto derived = client->try_with("{}");
    check(derived.ok(), "derive a logging client");
    LogSink second;
    check(client->try_set_log_callback(fastgpt::LogLevel::debug, LogFn(&second)).ok(), "replace the callable");
    std::size_t before = first.count();
    check(derived.ok() && derived->try_get_chat_histories(req).ok(), "a call through the derived client");
    check(first.count() > before, "the derived client still logs to the first callable");
    check(first.freed == 0, "kept while the derived client lives");
    check(client->try_get_chat_histories(req).ok() && second.has("call end"), "the second callable gets DEBUG lines");
    if (derived.ok()) {
        fastgpt::Client gone = std::move(*derived);
    }
    check(eventually([&] { return first.freed.load() == 1; }), "deleted once the derived client is gone");

    // Back to stderr: the second callable is deleted and receives nothing more.
    check(client->try_set_log_callback(fastgpt::LogLevel::info, nullptr).ok(), "reset to stderr");
    check(eventually([&] { return second.freed.load() == 1; }), "the replaced callable is deleted");
    std::size_t second_lines = second.count();
    check(client->try_get_chat_histories(req).ok() && second.count() == second_lines, "no lines after the reset");

    // An invalid level fails and deletes the callable at once.
    LogSink rejected;
    auto bad = client->try_set_log_callback(static_cast<fastgpt::LogLevel>(9), LogFn(&rejected));
    check(bad.status() == FASTGPT_ERR_INVALID_ARGUMENT && rejected.freed == 1 && rejected.count() == 0,
          "an invalid level", fastgpt::status_str(bad.status()));

    // The last one is deleted with the client.
    LogSink last;
    check(client->try_set_log_callback(fastgpt::LogLevel::trace, LogFn(&last)).ok(), "a trace callable");
    check(client->try_get_chat_histories(req).ok() && last.has("response body"), "TRACE has bodies");
#if FASTGPT_CPP_EXCEPTIONS
    // A callable that throws on every line: dropped in the trampoline, the call is unaffected.
    std::atomic<int> throws{0};
    fastgpt::Client thrower = client->with("{}");
    thrower.set_log_callback(fastgpt::LogLevel::info, [&](fastgpt::LogLevel, std::string_view) {
        throws++;
        throw std::runtime_error("from a log callable");
    });
    check(thrower.get_chat_histories(req).status() == 200 && throws >= 2, "exceptions from a log callable are dropped");
#endif
    if (key != nullptr && *key != '\0') {
        check(!first.has(key) && !second.has(key) && !last.has(key), "the key never appears");
    }
    {
        fastgpt::Client gone = std::move(*client);
    }
    check(eventually([&] { return last.freed.load() == 1; }), "deleted with the client");
    std::this_thread::sleep_for(50ms);
    check(first.freed == 1 && second.freed == 1 && last.freed == 1 && rejected.freed == 1, "each deleted exactly once");
}

// Pause an async stream from its event callable and resume it from another thread.
static void pause_resume(const fastgpt::Client &client) {
    const std::string question = "pause me here and resume me from another thread";
    const std::string req = R"({"chatId":"cpp-pause","messages":[{"role":"user","content":")" + question + R"("}]})";
    struct State {
        std::mutex m;
        std::condition_variable cv;
        fastgpt::Operation op;
        bool paused = false;
        bool resumed = false;
        int texts = 0;
        int while_paused = 0;
        std::string text;
        std::string paused_text;
        std::string first_after_resume;
        bool had_operation = true;
    } st;
    fastgpt::CancelToken cancel;  // ends the stream if the resume did not work (a failure, not a hang)
    auto fut = client.try_stream_chat_completion_async(
        req,
        [&](const fastgpt::Event &ev) {
            std::unique_lock<std::mutex> g(st.m);
            if (!st.paused && ev.has_text() && st.texts == 1) {
                st.op = ev.operation();  // retained: outlives this call
                st.had_operation = static_cast<bool>(st.op);
                st.paused = true;
                st.paused_text = std::string(ev.text());
                st.cv.notify_all();
                return fastgpt::Action::pause;  // this event comes again after the resume
            }
            if (st.paused && !st.resumed) st.while_paused++;
            if (st.resumed && st.first_after_resume.empty() && ev.has_text()) st.first_after_resume = std::string(ev.text());
            if (ev.has_text()) {
                st.texts++;
                st.text += ev.text();
            }
            return fastgpt::Action::proceed;
        },
        fastgpt::CopyResponse{}, cancel);
    check(fut.ok(), "async stream starts");
    if (!fut.ok()) return;
    {
        std::unique_lock<std::mutex> g(st.m);
        check(st.cv.wait_for(g, 10s, [&] { return st.paused; }), "the callable paused");
    }
    std::this_thread::sleep_for(300ms);
    check(fut->wait_for(0ms) == std::future_status::timeout, "paused: not complete");
    {
        std::lock_guard<std::mutex> g(st.m);
        check(st.while_paused == 0 && st.had_operation, "no event while paused");
    }
    std::thread resumer([&] {
        fastgpt::Operation op;
        {
            std::lock_guard<std::mutex> g(st.m);
            st.resumed = true;
            op = std::move(st.op);
        }
        auto r = op.try_resume();
        check(r.ok(), "resume from another thread");
        check(op.try_resume().ok(), "a second resume does nothing");
    });
    resumer.join();
    bool in_time = fut->wait_for(20s) == std::future_status::ready;
    check(in_time, "the resumed stream ends");
    if (!in_time) cancel.trigger();
    auto done = fut->get();
    check(done.ok(), "the resumed stream completes", done.ok() ? "" : done.error().message());
    const std::string answer = "Echo: " + question;
    check(st.text == answer, "the whole answer, once", st.text);
    check(st.first_after_resume == st.paused_text, "the paused event is delivered again first", st.first_after_resume);
    check(done.ok() && contains(done->data(), "\"content\":\"" + answer + "\""), "the accumulated answer",
          done.ok() ? done->data() : "");
    check(fastgpt::Operation().try_resume().status() == FASTGPT_ERR_NULL_ARGUMENT, "an empty Operation");

    // Blocking streams cannot pause: the call fails; their events carry no operation.
    bool empty_op = false;
    auto blocking = client.try_stream_chat_completion(req, [&](const fastgpt::Event &ev) {
        empty_op = !ev.operation();
        return fastgpt::Action::pause;
    });
    check(blocking.status() == FASTGPT_ERR_INVALID_ARGUMENT && empty_op, "pause in a blocking stream",
          fastgpt::status_str(blocking.status()));
}

int main() {
    auto client = fastgpt::Client::try_create(R"({"headers":{"x-mock-id":"cpp-parent"}})");
    if (!client.ok()) {
        std::fprintf(stderr, "client: %s\n", client.error().what());
        return 2;
    }
    uploads(*client);
    derived_clients(*client);
    logs();
    pause_resume(*client);
    return report("cpp uploads/logs/pause");
}
