/*
 * fastgpt.hpp: the C++17 API of libfastgpt, header-only over the C API (fastgpt.h).
 *
 * fastgpt.h stays the reference manual (endpoints, request fields, statuses, the callback
 * contract); this header gives it C++ ownership and error handling:
 *
 *  - RAII, move-only handles: fastgpt::Client, fastgpt::Response, fastgpt::CancelToken,
 *    fastgpt::Operation. A moved-from object is empty; calls through an empty Client fail with
 *    FASTGPT_ERR_NULL_ARGUMENT. fastgpt::OwnedResponse is a plain (copyable) copy of a response.
 *  - Two forms of every fallible call:
 *      Response r = client.get_chat_init(req);                  // throws fastgpt::Error
 *      Result<Response> r = client.try_get_chat_init(req);      // never throws an Error
 *    The try_ form is the primitive (the throwing one is `try_...(...).value()`). Result<T>::value()
 *    throws the Error it holds; operator* and operator-> read the value and abort the program (a
 *    bug, never undefined behaviour) if there is none.
 *  - With exceptions disabled (-fno-exceptions, or FASTGPT_CPP_EXCEPTIONS defined to 0 before the
 *    include) only the non-throwing API is declared: the try_ methods, Client::try_create and
 *    Result without value(). fastgpt::Error is then only the error value inside a Result.
 *  - noexcept means: never throws. Out-of-memory terminates the program, as it does in the
 *    library's Rust core.
 *  - Your exceptions never unwind into the library. An exception thrown by a stream's event
 *    callable or an upload's progress callable aborts the operation and is rethrown to the caller
 *    when the C call has returned, from the throwing and from the try_ form alike (such a try_
 *    method is noexcept only when the callable is). In async calls it arrives through the
 *    returned std::future. The one exception that is swallowed: a log callable's (a log line has
 *    no caller to rethrow to).
 *  - Async calls: on_complete(Completion) runs once on a library thread; the std::future holds what
 *    it returns. Its response is borrowed (valid during on_complete only: the C API lends it and
 *    cannot clone it), so keep a copy: fastgpt::CopyResponse{} as on_complete gives a
 *    std::future<Result<OwnedResponse>>.
 *  - Uploads: create_file_collection[_from_buffer][_async] with an optional progress callable
 *    (sent, total). Per-call settings: client.with(overrides) derives a Client sharing the pool.
 *    Logs: client.set_log_callback(level, callable); the callable is deleted exactly once when the
 *    library drops it. Pause: an async event callable returns Action::pause after taking
 *    event.operation(); Operation::resume() continues it later, from any thread.
 *  - String arguments: const char * and std::string are passed to C as they are; a
 *    std::string_view is copied once (the C API takes NUL-terminated strings). A string containing
 *    a NUL byte is rejected (FASTGPT_ERR_INVALID_ARGUMENT) instead of being cut short.
 *  - No global state of its own: everything lives in the objects you hold.
 *
 * Threads: a Client may be used from any number of threads at once (its methods are const);
 * Responses are immutable; a CancelToken may be triggered and an Operation resumed from any
 * thread. Event and progress callables of a blocking call run on the calling thread; async
 * completion, event and progress callables run on a library thread (never an I/O worker: they may
 * block or make blocking calls, but a consumer that cannot keep up should pause instead, see
 * fastgpt.h rule 8). Log callables run on any thread, concurrently: make them thread-safe.
 */
#ifndef FASTGPT_HPP
#define FASTGPT_HPP

#if __cplusplus < 201703L
#error "fastgpt.hpp needs C++17 or later (-std=c++17)"
#endif

#include "fastgpt.h"
#include "fastgpt_endpoints.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <future>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#ifndef FASTGPT_CPP_EXCEPTIONS
#ifdef __cpp_exceptions
#define FASTGPT_CPP_EXCEPTIONS 1
#else
#define FASTGPT_CPP_EXCEPTIONS 0
#endif
#endif
#if FASTGPT_CPP_EXCEPTIONS && !defined(__cpp_exceptions)
#error "FASTGPT_CPP_EXCEPTIONS is 1 but exceptions are disabled"
#endif

namespace fastgpt {

/// FASTGPT_OK or one of the FASTGPT_ERR_* values of fastgpt.h (see Error for the ones a program
/// usually branches on).
using Status = fastgpt_status;

/// The FASTGPT_LOG_* levels, for Client::set_log_callback: each level includes the ones above it.
enum class LogLevel : std::int32_t {
    off = FASTGPT_LOG_OFF,
    error = FASTGPT_LOG_ERROR,
    warn = FASTGPT_LOG_WARN,
    info = FASTGPT_LOG_INFO,
    debug = FASTGPT_LOG_DEBUG,
    /// Also request and response bodies and stream data (the API key redacted).
    trace = FASTGPT_LOG_TRACE,
};

/// The library's version ("0.1.0") and ABI version, as loaded at run time.
inline std::string_view version() noexcept { return fastgpt_version(); }
inline std::uint32_t abi_version() noexcept { return fastgpt_abi_version(); }
/// Static text for any status value.
inline std::string_view status_str(Status status) noexcept { return fastgpt_status_str(status); }

namespace detail {
inline std::string_view view(const char *p, std::size_t n) noexcept {
    return p != nullptr ? std::string_view(p, n) : std::string_view();
}
/// A precondition of the wrapper was broken (reading the value of a failed Result, ...): a bug in
/// the calling program, reported and stopped rather than left undefined.
[[noreturn]] inline void misuse(const char *what) noexcept {
    std::fprintf(stderr, "fastgpt.hpp: %s\n", what);
    std::abort();
}
/// ASCII case-insensitive equality (HTTP header names).
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < a.size(); i++)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}
using Headers = std::vector<std::pair<std::string, std::string>>;
/// The value of the first header called `name` (case-insensitive) in `headers`.
inline std::optional<std::string_view> find_header(const Headers &headers, std::string_view name) noexcept {
    for (const auto &h : headers)
        if (iequals(h.first, name)) return std::string_view(h.second);
    return std::nullopt;
}
}  // namespace detail

/// A string argument for the C API, which takes NUL-terminated text. Made implicitly from
/// const char * (NULL allowed where the C function allows it), std::string (both passed through)
/// and std::string_view (copied). Only lives for the call it is an argument of.
class StringArg {
public:
    StringArg(const char *s) noexcept : p_(s) {}
    StringArg(std::nullptr_t) noexcept {}
    StringArg(const std::string &s) noexcept : p_(s.c_str()), nul_(std::memchr(s.data(), 0, s.size()) != nullptr) {}
    StringArg(std::string_view s)
        : owned_(s), own_(true), nul_(std::memchr(s.data(), 0, s.size()) != nullptr) {}

    /// The NUL-terminated text (NULL if made from NULL).
    const char *c_str() const noexcept { return own_ ? owned_.c_str() : p_; }
    /// Whether the text had a NUL byte inside (so C would see only a prefix of it).
    bool has_interior_nul() const noexcept { return nul_; }

private:
    const char *p_ = nullptr;
    std::string owned_;
    bool own_ = false;
    bool nul_ = false;
};

namespace detail {
/// Whether C is a contiguous range of one-byte elements (std::string, std::vector<std::uint8_t>,
/// std::array<std::byte, N>, std::span<const char>, ...). Not char arrays: a string literal's
/// size includes its NUL.
template <class C, class = void>
struct is_byte_range : std::false_type {};
template <class C>
struct is_byte_range<C, std::void_t<decltype(std::data(std::declval<const C &>())),
                                    decltype(std::size(std::declval<const C &>()))>>
    : std::bool_constant<
          std::is_pointer_v<decltype(std::data(std::declval<const C &>()))> &&
          sizeof(*std::data(std::declval<const C &>())) == 1 &&
          !(std::is_array_v<C> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<C>>, char>)> {};
}  // namespace detail

/// Bytes for an upload from memory: made from (pointer, size) as `{data, size}`, a
/// std::string_view, or any contiguous range of one-byte elements (std::string,
/// std::vector<std::uint8_t>, std::array, std::span, ...). Borrowed for the call only: the library
/// copies the bytes before the call returns (also in async calls).
class ByteView {
public:
    ByteView() noexcept = default;
    ByteView(const void *data, std::size_t size) noexcept : p_(static_cast<const std::uint8_t *>(data)), n_(size) {}
    ByteView(std::string_view s) noexcept : ByteView(s.data(), s.size()) {}
    template <class C, class = std::enable_if_t<detail::is_byte_range<C>::value>>
    ByteView(const C &range) noexcept : ByteView(std::data(range), std::size(range)) {}

    const std::uint8_t *data() const noexcept { return p_; }
    std::size_t size() const noexcept { return n_; }

private:
    const std::uint8_t *p_ = nullptr;
    std::size_t n_ = 0;
};

/// The error of a failed call: the library status, the message (also what()), the HTTP status
/// (0 if no answer caused it), FastGPT's own code (0 if none), the server's body (capped at
/// 64 KiB, empty if none) and headers (none if no answer caused it; e.g. Retry-After after
/// FASTGPT_ERR_RATE_LIMITED). A copy of the C fastgpt_error, so it outlives the call. The message
/// never contains the API key.
///
/// status() is a FASTGPT_ERR_* value of fastgpt.h (its comments are the full list); those a
/// program usually branches on: FASTGPT_ERR_AUTH (key or access), FASTGPT_ERR_QUOTA,
/// FASTGPT_ERR_RATE_LIMITED (after the retries ran out), FASTGPT_ERR_BUSY (the chat is still
/// generating its previous answer: try again later), FASTGPT_ERR_TIMEOUT, FASTGPT_ERR_CANCELLED,
/// FASTGPT_ERR_ABORTED_BY_CALLBACK, FASTGPT_ERR_INVALID_ARGUMENT / _INVALID_JSON (a bad request,
/// rejected before any I/O).
class Error : public std::runtime_error {
public:
    Error(Status status, const std::string &message, std::int32_t http_status = 0, std::int64_t api_code = 0,
          std::string body = std::string())
        : std::runtime_error(message.empty() ? std::string(fastgpt_status_str(status)) : message),
          status_(status),
          http_status_(http_status),
          api_code_(api_code),
          body_(std::move(body)) {}

    /// Copies `err` (NULL allowed: then only `status` and its status text).
    Error(Status status, const fastgpt_error *err)
        : Error(err != nullptr ? fastgpt_error_code(err) : status, err != nullptr ? fastgpt_error_message(err) : "",
                fastgpt_error_http_status(err), fastgpt_error_api_code(err), body_of(err)) {
        const char *name = nullptr;
        for (std::size_t i = 0; const char *value = fastgpt_error_header_at(err, i, &name); i++)
            headers_.emplace_back(name, value);
    }

    Status status() const noexcept { return status_; }
    std::string_view status_str() const noexcept { return fastgpt_status_str(status_); }
    std::string_view message() const noexcept { return what(); }
    std::int32_t http_status() const noexcept { return http_status_; }
    std::int64_t api_code() const noexcept { return api_code_; }
    const std::string &body() const noexcept { return body_; }
    /// The value of header `name` (case-insensitive; the first if repeated) of the answer that
    /// caused the error (the last attempt's when the call was retried), if it had one.
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return detail::find_header(headers_, name);
    }
    /// All headers of that answer, as (name in lower case, value); empty if there was no answer.
    const std::vector<std::pair<std::string, std::string>> &headers() const noexcept { return headers_; }

private:
    static std::string body_of(const fastgpt_error *err) {
        std::size_t len = 0;
        const char *b = fastgpt_error_body(err, &len);
        return b != nullptr ? std::string(b, len) : std::string();
    }
    Status status_;
    std::int32_t http_status_;
    std::int64_t api_code_;
    std::string body_;
    detail::Headers headers_;
};

/// A value or an Error, like std::expected<T, Error>. Returned by every try_ method.
template <class T>
class [[nodiscard]] Result {
    static_assert(!std::is_reference_v<T> && !std::is_same_v<std::decay_t<T>, Error>, "Result<T> holds a value");

public:
    Result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
        : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) noexcept : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    /// FASTGPT_OK, or the error's status.
    Status status() const noexcept { return ok() ? FASTGPT_OK : err().status(); }
    /// The error. Only when !ok().
    const Error &error() const noexcept {
        if (ok()) detail::misuse("Result::error() on a successful result");
        return err();
    }

    /// The value. Only when ok().
    T &operator*() & noexcept { return val(); }
    const T &operator*() const & noexcept { return val(); }
    T &&operator*() && noexcept { return std::move(val()); }
    T *operator->() noexcept { return &val(); }
    const T *operator->() const noexcept { return &val(); }

#if FASTGPT_CPP_EXCEPTIONS
    /// The value, or throws the Error.
    T &value() & {
        if (!ok()) throw err();
        return val();
    }
    const T &value() const & {
        if (!ok()) throw err();
        return val();
    }
    T &&value() && {
        if (!ok()) throw std::move(err());
        return std::move(val());
    }
#endif

private:
    T &val() noexcept {
        if (!ok()) detail::misuse("reading the value of a failed Result (check ok() first)");
        return *std::get_if<0>(&v_);
    }
    const T &val() const noexcept {
        if (!ok()) detail::misuse("reading the value of a failed Result (check ok() first)");
        return *std::get_if<0>(&v_);
    }
    Error &err() noexcept { return *std::get_if<1>(&v_); }
    const Error &err() const noexcept { return *std::get_if<1>(&v_); }
    std::variant<T, Error> v_;
};

/// Success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() noexcept = default;
    Result(Error error) noexcept : e_(std::move(error)) {}
    bool ok() const noexcept { return !e_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    Status status() const noexcept { return ok() ? FASTGPT_OK : e_->status(); }
    const Error &error() const noexcept {
        if (ok()) detail::misuse("Result::error() on a successful result");
        return *e_;
    }
#if FASTGPT_CPP_EXCEPTIONS
    void value() const {
        if (!ok()) throw *e_;
    }
#endif

private:
    std::optional<Error> e_;
};

/// An owning copy of a response: its status, body, data and the headers named when copying, as
/// std::strings. A plain value (copyable, no handle), made by ResponseView::copy, Response::copy
/// and the CopyResponse completion callable.
///
/// Why a copy: the response an async completion receives belongs to the library's COMPLETE event
/// and is only valid during the completion callable (hence Completion holds a ResponseView), and
/// the C API has no way to clone or keep a fastgpt_response. So what outlives the callable (a
/// std::future's value) is copied out through the accessors, field by field. fastgpt.h can only
/// look headers up by name, not list them: only the headers you name are copied.
class OwnedResponse {
public:
    OwnedResponse() = default;

    /// Copies `resp` (NULL: an empty copy with status 0), with the headers among `header_names`
    /// that it has.
    static OwnedResponse copy_of(const fastgpt_response *resp, const std::string_view *header_names,
                                 std::size_t count) noexcept {
        OwnedResponse r;
        if (resp == nullptr) return r;
        r.status_ = fastgpt_response_status(resp);
        std::size_t n = 0;
        const char *b = fastgpt_response_body(resp, &n);
        if (b != nullptr) r.body_.assign(b, n);
        n = 0;
        const char *d = fastgpt_response_data(resp, &n);
        if (d != nullptr) r.data_.assign(d, n);
        for (std::size_t i = 0; i < count; i++) {
            std::string name(header_names[i]);
            if (name.find('\0') != std::string::npos) continue;
            const char *v = fastgpt_response_header(resp, name.c_str());
            if (v != nullptr) r.headers_.emplace_back(std::move(name), v);
        }
        return r;
    }

    /// The HTTP status (e.g. 200); 0 when empty.
    std::int32_t status() const noexcept { return status_; }
    /// The whole body as received (see ResponseView::body).
    const std::string &body() const noexcept { return body_; }
    /// The result as JSON text (see ResponseView::data).
    const std::string &data() const noexcept { return data_; }
    /// The value of header `name` (case-insensitive), if it was copied: only headers named when
    /// copying are kept.
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return detail::find_header(headers_, name);
    }
    /// The copied headers, as (name as given when copying, value).
    const std::vector<std::pair<std::string, std::string>> &headers() const noexcept { return headers_; }

private:
    std::int32_t status_ = 0;
    std::string body_;
    std::string data_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

/// A borrowed view of a response: valid while its owner lives (a Response, or the C event that
/// carried it: in an async completion, only during the completion callable).
class ResponseView {
public:
    ResponseView() noexcept = default;
    explicit ResponseView(const fastgpt_response *resp) noexcept : p_(resp) {}

    /// The HTTP status (e.g. 200); 0 when empty.
    std::int32_t status() const noexcept { return fastgpt_response_status(p_); }
    /// The whole body as received (a stream: the accumulated answer in the non-stream shape).
    std::string_view body() const noexcept {
        std::size_t n = 0;
        const char *b = fastgpt_response_body(p_, &n);
        return detail::view(b, n);
    }
    /// The result as JSON text: the envelope's `data`, or the whole body (see fastgpt.h).
    std::string_view data() const noexcept {
        std::size_t n = 0;
        const char *d = fastgpt_response_data(p_, &n);
        return detail::view(d, n);
    }
    /// The value of header `name` (case-insensitive; the first if repeated), if present.
    std::optional<std::string_view> header(const StringArg &name) const noexcept {
        if (name.has_interior_nul()) return std::nullopt;
        const char *v = fastgpt_response_header(p_, name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string_view(v);
    }
    /// An owning copy of status, body, data and the named headers (see OwnedResponse): what to
    /// keep from a completion callable, whose view dies with it.
    OwnedResponse copy(std::initializer_list<std::string_view> header_names = {}) const noexcept {
        return OwnedResponse::copy_of(p_, header_names.begin(), header_names.size());
    }
    const fastgpt_response *native_handle() const noexcept { return p_; }

private:
    const fastgpt_response *p_ = nullptr;
};

/// A call's result, owned (fastgpt_response_free on destruction). Move-only.
class Response {
public:
    Response() noexcept = default;
    /// Takes ownership of `resp` (NULL allowed: an empty Response).
    static Response adopt(fastgpt_response *resp) noexcept { return Response(resp); }
    Response(Response &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Response &operator=(Response &&o) noexcept {
        if (this != &o) fastgpt_response_free(std::exchange(p_, std::exchange(o.p_, nullptr)));
        return *this;
    }
    Response(const Response &) = delete;
    Response &operator=(const Response &) = delete;
    ~Response() { fastgpt_response_free(p_); }

    std::int32_t status() const noexcept { return view().status(); }
    std::string_view body() const noexcept { return view().body(); }
    std::string_view data() const noexcept { return view().data(); }
    std::optional<std::string_view> header(const StringArg &name) const noexcept { return view().header(name); }
    /// Borrowed: valid while this Response lives.
    ResponseView view() const noexcept { return ResponseView(p_); }
    /// An owning, copyable copy (see OwnedResponse).
    OwnedResponse copy(std::initializer_list<std::string_view> header_names = {}) const noexcept {
        return view().copy(header_names);
    }
    const fastgpt_response *native_handle() const noexcept { return p_; }
    /// Gives up ownership; free the result with fastgpt_response_free.
    fastgpt_response *release() noexcept { return std::exchange(p_, nullptr); }

private:
    explicit Response(fastgpt_response *resp) noexcept : p_(resp) {}
    fastgpt_response *p_ = nullptr;
};

/// A cancellation token (fastgpt_cancel). Pass it to any number of calls; trigger() (from any
/// thread, also inside a callable) ends all of them with FASTGPT_ERR_CANCELLED. Destroying it while
/// async calls still use it is safe: they hold their own reference. Move-only.
class CancelToken {
public:
    /// A new, untriggered token.
    CancelToken() noexcept : p_(fastgpt_cancel_new()) {}
    static CancelToken adopt(fastgpt_cancel *cancel) noexcept { return CancelToken(cancel); }
    CancelToken(CancelToken &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    CancelToken &operator=(CancelToken &&o) noexcept {
        if (this != &o) fastgpt_cancel_free(std::exchange(p_, std::exchange(o.p_, nullptr)));
        return *this;
    }
    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;
    ~CancelToken() { fastgpt_cancel_free(p_); }

    /// Idempotent; a no-op on a moved-from token.
    void trigger() const noexcept { fastgpt_cancel_trigger(p_); }
    bool triggered() const noexcept { return fastgpt_cancel_is_triggered(p_); }
    const fastgpt_cancel *native_handle() const noexcept { return p_; }
    fastgpt_cancel *release() noexcept { return std::exchange(p_, nullptr); }

private:
    explicit CancelToken(fastgpt_cancel *cancel) noexcept : p_(cancel) {}
    fastgpt_cancel *p_ = nullptr;
};

/// The optional cancel argument of every call: a CancelToken, or nothing.
class CancelRef {
public:
    CancelRef() noexcept = default;
    CancelRef(std::nullptr_t) noexcept {}
    CancelRef(const CancelToken &token) noexcept : p_(token.native_handle()) {}
    const fastgpt_cancel *get() const noexcept { return p_; }

private:
    const fastgpt_cancel *p_ = nullptr;
};

/// A reference to an async operation (fastgpt_operation), for resuming it after its event
/// callable returned Action::pause: take one with Event::operation() inside the callable, keep it
/// (it is move-only; move it to whoever will resume), and call resume() later from any thread.
/// The destructor releases the reference (fastgpt_operation_free); that never affects the
/// operation. A reference stays valid after the operation has ended (resume() then does nothing)
/// and does not keep the operation or its callables alive.
class Operation {
public:
    /// An empty reference: resume() fails with FASTGPT_ERR_NULL_ARGUMENT.
    Operation() noexcept = default;
    /// A new reference to `op` (fastgpt_operation_retain; NULL gives an empty Operation).
    static Operation retain(const fastgpt_operation *op) noexcept { return Operation(fastgpt_operation_retain(op)); }
    /// Takes ownership of a reference from fastgpt_operation_retain.
    static Operation adopt(fastgpt_operation *op) noexcept { return Operation(op); }
    Operation(Operation &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Operation &operator=(Operation &&o) noexcept {
        if (this != &o) fastgpt_operation_free(std::exchange(p_, std::exchange(o.p_, nullptr)));
        return *this;
    }
    Operation(const Operation &) = delete;
    Operation &operator=(const Operation &) = delete;
    ~Operation() { fastgpt_operation_free(p_); }

    explicit operator bool() const noexcept { return p_ != nullptr; }

    /// fastgpt_operation_resume: the paused event is delivered again, then the rest, on a library
    /// thread (never inside this call). Callable from any thread, also inside a callable. On an
    /// operation that is not paused or has ended it does nothing and succeeds; a resume that comes
    /// while the pausing callable is still running undoes that pause (no lost wake-up).
    [[nodiscard]] Result<void> try_resume() const noexcept {
        fastgpt_error *err = nullptr;
        Status st = fastgpt_operation_resume(p_, &err);
        if (st == FASTGPT_OK) {
            fastgpt_error_free(err);
            return {};
        }
        Error e(st, err);
        fastgpt_error_free(err);
        return e;
    }
#if FASTGPT_CPP_EXCEPTIONS
    void resume() const { try_resume().value(); }
#endif

    const fastgpt_operation *native_handle() const noexcept { return p_; }
    fastgpt_operation *release() noexcept { return std::exchange(p_, nullptr); }

private:
    explicit Operation(fastgpt_operation *op) noexcept : p_(op) {}
    fastgpt_operation *p_ = nullptr;
};

/// The FASTGPT_EVENT_* kinds. Newer libraries may send values not listed here.
enum class EventKind : std::uint32_t {
    answer = FASTGPT_EVENT_ANSWER,
    fast_answer = FASTGPT_EVENT_FAST_ANSWER,
    flow_node_status = FASTGPT_EVENT_FLOW_NODE_STATUS,
    flow_node_response = FASTGPT_EVENT_FLOW_NODE_RESPONSE,
    flow_responses = FASTGPT_EVENT_FLOW_RESPONSES,
    tool_call = FASTGPT_EVENT_TOOL_CALL,
    tool_params = FASTGPT_EVENT_TOOL_PARAMS,
    tool_response = FASTGPT_EVENT_TOOL_RESPONSE,
    interactive = FASTGPT_EVENT_INTERACTIVE,
    update_variables = FASTGPT_EVENT_UPDATE_VARIABLES,
    workflow_duration = FASTGPT_EVENT_WORKFLOW_DURATION,
    error = FASTGPT_EVENT_ERROR,
    done = FASTGPT_EVENT_DONE,
    unknown = FASTGPT_EVENT_UNKNOWN,
    complete = FASTGPT_EVENT_COMPLETE,
    // Kinds of newer headers, named when the fastgpt.h in use defines them.
#ifdef FASTGPT_EVENT_CHAT_TITLE
    chat_title = FASTGPT_EVENT_CHAT_TITLE,
#endif
#ifdef FASTGPT_EVENT_PLAN
    plan = FASTGPT_EVENT_PLAN,
#endif
#ifdef FASTGPT_EVENT_PLAN_STATUS
    plan_status = FASTGPT_EVENT_PLAN_STATUS,
#endif
#ifdef FASTGPT_EVENT_SANDBOX_STATUS
    sandbox_status = FASTGPT_EVENT_SANDBOX_STATUS,
#endif
#ifdef FASTGPT_EVENT_SKILL_CALL
    skill_call = FASTGPT_EVENT_SKILL_CALL,
#endif
#ifdef FASTGPT_EVENT_UPLOAD_PROGRESS
    upload_progress = FASTGPT_EVENT_UPLOAD_PROGRESS,
#endif
};

/// One stream event (a view of fastgpt_event): every string_view is valid only during the
/// callable it is passed to; copy what you keep.
class Event {
public:
    explicit Event(const fastgpt_event &e) noexcept : e_(&e) {}
    EventKind kind() const noexcept { return static_cast<EventKind>(e_->kind); }
    /// The SSE event name as sent ("" if none).
    std::string_view name() const noexcept { return detail::view(e_->name, e_->name_len); }
    /// The raw data payload, byte-exact.
    std::string_view data() const noexcept { return detail::view(e_->data, e_->data_len); }
    /// ANSWER / FAST_ANSWER: the answer text delta, ready to print; empty otherwise.
    std::string_view text() const noexcept { return detail::view(e_->text, e_->text_len); }
    bool has_text() const noexcept { return e_->text != nullptr; }
    /// ANSWER: the reasoning delta; empty otherwise.
    std::string_view reasoning() const noexcept { return detail::view(e_->reasoning, e_->reasoning_len); }
    bool has_reasoning() const noexcept { return e_->reasoning != nullptr; }
    /// ERROR: the status of the error it carries; FASTGPT_OK otherwise.
    Status status() const noexcept { return e_->status; }
#ifdef FASTGPT_EVENT_UPLOAD_PROGRESS
    /// UPLOAD_PROGRESS: bytes of the file sent so far, and the file's size; 0 for other kinds.
    std::uint64_t upload_sent() const noexcept { return e_->upload_sent; }
    std::uint64_t upload_total() const noexcept { return e_->upload_total; }
#endif
    /// Async operations: a new reference to the operation this event belongs to, to resume it
    /// after returning Action::pause (see Operation); an empty Operation in blocking calls.
    Operation operation() const noexcept { return Operation::retain(e_->operation); }
    /// ERROR: a copy of the error it carries.
    std::optional<Error> error() const {
        if (e_->error == nullptr) return std::nullopt;
        return Error(e_->status, e_->error);
    }
    const fastgpt_event &raw() const noexcept { return *e_; }

private:
    const fastgpt_event *e_;
};

/// What an event callable may return instead of void (void means proceed). New values will mirror
/// new callback return codes of the C API.
enum class Action : std::int32_t {
    proceed = 0,
    /// End the stream now: it fails with FASTGPT_ERR_ABORTED_BY_CALLBACK.
    abort = 1,
    /// Async calls only (FASTGPT_CB_PAUSE): pause the operation until Operation::resume(). Take
    /// the Operation (event.operation()) before returning this. The same event is handed to the
    /// callable again, first, after the resume, so act on it then (not now); until then no
    /// callable of the operation runs and no thread waits for it. Its cancel token and the client's
    /// destruction still end it. In a blocking stream or upload pausing is not supported: the
    /// call stops and fails with FASTGPT_ERR_INVALID_ARGUMENT.
    pause = FASTGPT_CB_PAUSE,
};

/// The argument of an async completion callable: the result, borrowed for the callable's duration
/// (see OwnedResponse for why, and how to keep it).
using Completion = Result<ResponseView>;

/// A ready-made completion callable that copies the result, so the std::future of any async call
/// holds it: `std::future<Result<OwnedResponse>> f = client.get_chat_init_async(req,
/// fastgpt::CopyResponse{});`. `headers` names the response headers to copy too. With exceptions,
/// `[](fastgpt::Completion c) { return c.value().copy(); }` gives a std::future<OwnedResponse>
/// whose get() throws the Error instead.
struct CopyResponse {
    std::vector<std::string> headers;

    Result<OwnedResponse> operator()(Completion c) const noexcept {
        if (!c.ok()) return c.error();
        std::vector<std::string_view> names(headers.begin(), headers.end());
        return OwnedResponse::copy_of(c->native_handle(), names.data(), names.size());
    }
};

namespace detail {

template <class F>
inline constexpr bool is_event_callable = std::is_invocable_v<std::decay_t<F> &, const Event &>;

template <class F>
std::int32_t invoke_event(F &f, const Event &ev) {
    using R = std::invoke_result_t<F &, const Event &>;
    if constexpr (std::is_void_v<R>) {
        std::invoke(f, ev);
        return 0;
    } else {
        static_assert(std::is_same_v<std::decay_t<R>, Action>,
                      "an event callable returns void or fastgpt::Action");
        return static_cast<std::int32_t>(std::invoke(f, ev));
    }
}

/// Whether calling F with an Event never throws (always so without exceptions): a blocking
/// stream's try_ form is noexcept exactly then, since it rethrows what the callable throws.
template <class F>
inline constexpr bool nothrow_event_callable =
    std::is_nothrow_invocable_v<std::decay_t<F> &, const Event &> || !FASTGPT_CPP_EXCEPTIONS;

/// The result type of an async call with completion callable F.
template <class F>
using completion_result_t = std::decay_t<std::invoke_result_t<std::decay_t<F> &, Completion &&>>;

template <class F>
inline constexpr bool nothrow_store = std::is_nothrow_constructible_v<std::decay_t<F>, F &&>;

inline Result<Response> finish(Status st, fastgpt_response *resp, fastgpt_error *err) noexcept {
    if (st == FASTGPT_OK) {
        fastgpt_error_free(err);
        return Response::adopt(resp);
    }
    fastgpt_response_free(resp);
    Error e(st, err);
    fastgpt_error_free(err);
    return e;
}

inline Error nul_error(const char *param) {
    return Error(FASTGPT_ERR_INVALID_ARGUMENT, std::string(param) + ": contains a NUL byte");
}

/// The blocking stream's userdata: the callable and the exception it threw, if any.
template <class F>
struct StreamCall {
    F &on_event;
    std::exception_ptr thrown;

    static std::int32_t trampoline(void *userdata, const fastgpt_event *event) noexcept {
        auto *self = static_cast<StreamCall *>(userdata);
#if FASTGPT_CPP_EXCEPTIONS
        try {
            return invoke_event(self->on_event, Event(*event));
        } catch (...) {
            self->thrown = std::current_exception();
            return 1;  // abort the stream; rethrown once the C call has returned
        }
#else
        return invoke_event(self->on_event, Event(*event));
#endif
    }
};

/// The event callable of an async call that has none (unary calls).
struct NoEvents {};

/// An upload without a progress callable: the default argument, or nullptr.
struct NoProgress {};
template <class P>
inline constexpr bool is_no_progress =
    std::is_same_v<std::decay_t<P>, NoProgress> || std::is_same_v<std::decay_t<P>, std::nullptr_t>;
template <class P>
inline constexpr bool is_progress_callable =
    is_no_progress<P> || std::is_invocable_v<std::decay_t<P> &, std::uint64_t, std::uint64_t>;
template <class P>
inline constexpr bool nothrow_progress =
    is_no_progress<P> || std::is_nothrow_invocable_v<std::decay_t<P> &, std::uint64_t, std::uint64_t> ||
    !FASTGPT_CPP_EXCEPTIONS;

/// An event callable over a progress callable `(uint64_t sent, uint64_t total)` returning void or
/// an Action: it passes on the UPLOAD_PROGRESS events. Q is a reference (blocking: the caller's
/// callable) or a value (async: the call owns it).
template <class Q>
struct ProgressEvents {
    Q on_progress;

    Action operator()(const Event &ev) noexcept(
        std::is_nothrow_invocable_v<std::remove_reference_t<Q> &, std::uint64_t, std::uint64_t>) {
        if (ev.kind() != EventKind::upload_progress) return Action::proceed;
        using R = std::invoke_result_t<std::remove_reference_t<Q> &, std::uint64_t, std::uint64_t>;
        if constexpr (std::is_void_v<R>) {
            std::invoke(on_progress, ev.upload_sent(), ev.upload_total());
            return Action::proceed;
        } else {
            static_assert(std::is_same_v<std::decay_t<R>, Action>,
                          "a progress callable returns void or fastgpt::Action");
            return std::invoke(on_progress, ev.upload_sent(), ev.upload_total());
        }
    }
};

template <class F>
inline constexpr bool is_log_callable = std::is_invocable_v<std::decay_t<F> &, LogLevel, std::string_view>;

/// A log callable's C side: `userdata` is the callable on the heap, deleted by `destroy` when the
/// library drops it (the free_userdata of fastgpt_client_set_log_callback).
template <class F>
struct LogCall {
    static void trampoline(void *userdata, std::int32_t level, const char *message) noexcept {
        std::string_view line = message != nullptr ? std::string_view(message) : std::string_view();
#if FASTGPT_CPP_EXCEPTIONS
        try {
            std::invoke(*static_cast<F *>(userdata), static_cast<LogLevel>(level), line);
        } catch (...) {
            // Dropped: a log line has no caller to rethrow to, and nothing may unwind into C.
        }
#else
        std::invoke(*static_cast<F *>(userdata), static_cast<LogLevel>(level), line);
#endif
    }
    static void destroy(void *userdata) noexcept { delete static_cast<F *>(userdata); }
};

/// An async call's userdata, owned by the library from a successful start until COMPLETE.
template <class F, class E = void>
struct AsyncCall {
    using R = completion_result_t<F>;
    F on_complete;
    std::conditional_t<std::is_void_v<E>, NoEvents, E> on_event;  // async streams only
    std::promise<R> promise;
    std::exception_ptr thrown;  // by on_event; wins over on_complete's outcome

    template <class G, class H>
    AsyncCall(G &&c, H &&e) : on_complete(std::forward<G>(c)), on_event(std::forward<H>(e)) {}

    static std::int32_t trampoline(void *userdata, const fastgpt_event *event) noexcept {
        auto *self = static_cast<AsyncCall *>(userdata);
        if (event->kind != FASTGPT_EVENT_COMPLETE) {
            if constexpr (std::is_void_v<E>) {
                return 0;
            } else {
                if (self->thrown) return 1;
#if FASTGPT_CPP_EXCEPTIONS
                try {
                    return invoke_event(self->on_event, Event(*event));
                } catch (...) {
                    self->thrown = std::current_exception();
                    return 1;
                }
#else
                return invoke_event(self->on_event, Event(*event));
#endif
            }
        }
        // COMPLETE is the last call: the library never touches userdata again.
        std::unique_ptr<AsyncCall> owned(self);
        if (event->status == FASTGPT_OK) {
            owned->complete(Completion(ResponseView(event->response)));
        } else {
            owned->complete(Completion(Error(event->status, event->error)));
        }
        return 0;
    }

    void complete(Completion &&c) noexcept {
#if FASTGPT_CPP_EXCEPTIONS
        try {
            deliver(std::move(c));
        } catch (...) {
            if (!thrown) thrown = std::current_exception();
        }
        if (thrown) promise.set_exception(thrown);
#else
        deliver(std::move(c));
#endif
    }

    void deliver(Completion &&c) {
        if constexpr (std::is_void_v<R>) {
            std::invoke(on_complete, std::move(c));
            if (!thrown) promise.set_value();
        } else {
            R r = std::invoke(on_complete, std::move(c));
            if (!thrown) promise.set_value(std::move(r));
        }
    }
};

/// Starts an async call: `start(cb, userdata, &err)` is the C start function with its other
/// arguments bound. On failure nothing was delivered and nothing will be.
template <class Call, class Start>
Result<std::future<typename Call::R>> start_async(std::unique_ptr<Call> call, Start &&start) noexcept {
    std::future<typename Call::R> fut = call->promise.get_future();
    fastgpt_error *err = nullptr;
    Status st = start(&Call::trampoline, static_cast<void *>(call.get()), &err);
    if (st != FASTGPT_OK) {
        fut = std::future<typename Call::R>();  // no broken-promise error for a future nobody holds
        Error e(st, err);
        fastgpt_error_free(err);
        return e;
    }
    call.release();  // the library owns it now; COMPLETE deletes it
    return Result<std::future<typename Call::R>>(std::move(fut));
}

}  // namespace detail

/// A client (fastgpt_client): configuration, connection pool, cancellation scope. Thread-safe:
/// share one. Destroying it cancels what it started (blocking calls return
/// FASTGPT_ERR_CANCELLED, async calls still get their completion) and never blocks. Move-only.
///
/// Endpoints: for each name in FASTGPT_ENDPOINTS (fastgpt_endpoints.h), i.e. every C function
/// fastgpt_<name>, there are
///   Result<Response>       try_<name>(request_json, cancel = {}) const noexcept
///   Response               <name>(request_json, cancel = {}) const                  (throws Error)
///   Result<std::future<R>> try_<name>_async(request_json, on_complete, cancel = {}) const
///   std::future<R>         <name>_async(request_json, on_complete, cancel = {}) const (throws Error)
/// where on_complete(Completion) runs once on a library thread when the call ends, whatever the
/// outcome; its Completion (Result<ResponseView>) is borrowed for the callable's duration (keep
/// view.copy(), or pass fastgpt::CopyResponse{} as on_complete), and what it returns (type R,
/// possibly void) or throws is what the future holds. An async start
/// that fails (invalid JSON, ...) returns or throws the error and never calls on_complete.
/// try_<name>_async is noexcept when moving (or copying) on_complete into the call is.
class Client {
public:
    /// Takes ownership of `client` (NULL allowed: an empty Client).
    static Client adopt(fastgpt_client *client) noexcept { return Client(client); }

    /// fastgpt_client_new(config_json): every key optional (see fastgpt.h), unknown keys rejected.
    [[nodiscard]] static Result<Client> try_create(const StringArg &config_json) noexcept {
        if (config_json.has_interior_nul()) return detail::nul_error("config_json");
        fastgpt_client *c = nullptr;
        fastgpt_error *err = nullptr;
        Status st = fastgpt_client_new(config_json.c_str(), &c, &err);
        if (st != FASTGPT_OK) {
            Error e(st, err);
            fastgpt_error_free(err);
            return e;
        }
        return Client(c);
    }
    /// The default configuration: base URL and key from FASTGPT_BASE_URL and FASTGPT_API_KEY.
    [[nodiscard]] static Result<Client> try_from_env() noexcept { return try_create(nullptr); }

#if FASTGPT_CPP_EXCEPTIONS
    explicit Client(const StringArg &config_json) : Client(try_create(config_json).value()) {}
    static Client from_env() { return try_from_env().value(); }
#endif

    Client(Client &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Client &operator=(Client &&o) noexcept {
        if (this != &o) fastgpt_client_free(std::exchange(p_, std::exchange(o.p_, nullptr)));
        return *this;
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    ~Client() { fastgpt_client_free(p_); }

    const fastgpt_client *native_handle() const noexcept { return p_; }
    fastgpt_client *release() noexcept { return std::exchange(p_, nullptr); }

    /// fastgpt_client_with: a client derived from this one, overriding `timeout_ms`,
    /// `max_retries`, `stream_idle_timeout_ms` and `headers` (merged over this client's) for one
    /// call or one tenant; any other key is FASTGPT_ERR_INVALID_ARGUMENT. It shares this client's
    /// connection pool, runtime, key and (as it is now) log callable, and does no I/O: cheap
    /// enough per call. An owning Client like any other. Lifetimes: either may be destroyed first
    /// (the derived one holds its own reference to the shared state); destroying the derived client
    /// cancels only what it started; destroying this one cancels what it and every client derived
    /// from it started, and later calls through those fail with FASTGPT_ERR_CANCELLED.
    [[nodiscard]] Result<Client> try_with(const StringArg &overrides_json) const noexcept {
        if (overrides_json.has_interior_nul()) return detail::nul_error("overrides_json");
        fastgpt_client *c = nullptr;
        fastgpt_error *err = nullptr;
        Status st = fastgpt_client_with(p_, overrides_json.c_str(), &c, &err);
        if (st != FASTGPT_OK) {
            Error e(st, err);
            fastgpt_error_free(err);
            return e;
        }
        return Client(c);
    }

    /// fastgpt_client_set_log_callback: this client's log lines up to `level` go to
    /// `on_log(fastgpt::LogLevel, std::string_view line)` instead of stderr. The line is valid only
    /// during the call. The callable is moved (or copied) to the heap and deleted exactly once
    /// when the library drops it: when it is replaced, or when this client, the clients derived
    /// from it while it was set and all their operations are gone; that may happen on any thread.
    /// It is called on library threads and callers' threads, concurrently: it must be
    /// thread-safe, short, and call no fastgpt function but CancelToken::trigger. An exception it
    /// throws is caught and dropped (a log line has nobody to report to). On failure (an invalid
    /// level) the callable is destroyed at once. On success it at once receives the client's
    /// configuration line (at LogLevel::info).
    template <class F, class = std::enable_if_t<detail::is_log_callable<F>>>
    [[nodiscard]] Result<void> try_set_log_callback(LogLevel level, F &&on_log) const
        noexcept(detail::nothrow_store<F>) {
        using G = std::decay_t<F>;
        std::unique_ptr<G> held(new G(std::forward<F>(on_log)));
        fastgpt_error *err = nullptr;
        Status st = fastgpt_client_set_log_callback(p_, static_cast<std::int32_t>(level),
                                                    &detail::LogCall<G>::trampoline, held.get(),
                                                    &detail::LogCall<G>::destroy, &err);
        if (st != FASTGPT_OK) {
            Error e(st, err);  // a failed call keeps nothing: `held` deletes the callable
            fastgpt_error_free(err);
            return e;
        }
        held.release();  // the library owns it now; LogCall::destroy deletes it
        return {};
    }
    /// Back to stderr at the FASTGPT_LOG level (the previous callable is released as above).
    [[nodiscard]] Result<void> try_set_log_callback(LogLevel, std::nullptr_t) const noexcept {
        return try_reset_log_callback();
    }
    [[nodiscard]] Result<void> try_reset_log_callback() const noexcept {
        fastgpt_error *err = nullptr;
        Status st = fastgpt_client_set_log_callback(p_, FASTGPT_LOG_OFF, nullptr, nullptr, nullptr, &err);
        if (st != FASTGPT_OK) {
            Error e(st, err);
            fastgpt_error_free(err);
            return e;
        }
        return {};
    }

#if FASTGPT_CPP_EXCEPTIONS
    Client with(const StringArg &overrides_json) const { return try_with(overrides_json).value(); }
    template <class F, class = std::enable_if_t<detail::is_log_callable<F>>>
    void set_log_callback(LogLevel level, F &&on_log) const {
        try_set_log_callback(level, std::forward<F>(on_log)).value();
    }
    void set_log_callback(LogLevel level, std::nullptr_t) const { try_set_log_callback(level, nullptr).value(); }
    void reset_log_callback() const { try_reset_log_callback().value(); }
#endif

#define FASTGPT_CPP_TRY_METHODS_(name)                                                                    \
    [[nodiscard]] Result<Response> try_##name(const StringArg &request_json, CancelRef cancel = {})      \
        const noexcept {                                                                                  \
        return unary_("request_json", request_json, [&](fastgpt_response **resp, fastgpt_error **err) {  \
            return ::fastgpt_##name(p_, request_json.c_str(), cancel.get(), resp, err);                   \
        });                                                                                               \
    }                                                                                                     \
    template <class F>                                                                                    \
    [[nodiscard]] Result<std::future<detail::completion_result_t<F>>> try_##name##_async(                 \
        const StringArg &request_json, F &&on_complete, CancelRef cancel = {}) const                      \
        noexcept(detail::nothrow_store<F>) {                                                              \
        return async_<F, void>("request_json", request_json, std::forward<F>(on_complete), detail::NoEvents{}, \
                               [&](fastgpt_event_cb cb, void *ud, fastgpt_error **err) {                  \
                                   return ::fastgpt_##name##_async(p_, request_json.c_str(), cancel.get(), \
                                                                   cb, ud, err);                          \
                               });                                                                        \
    }
#if FASTGPT_CPP_EXCEPTIONS
#define FASTGPT_CPP_THROWING_METHODS_(name)                                                               \
    Response name(const StringArg &request_json, CancelRef cancel = {}) const {                           \
        return try_##name(request_json, cancel).value();                                                  \
    }                                                                                                     \
    template <class F>                                                                                    \
    std::future<detail::completion_result_t<F>> name##_async(const StringArg &request_json,               \
                                                             F &&on_complete, CancelRef cancel = {})      \
        const {                                                                                           \
        return try_##name##_async(request_json, std::forward<F>(on_complete), cancel).value();            \
    }
#else
#define FASTGPT_CPP_THROWING_METHODS_(name)
#endif
#define FASTGPT_CPP_METHODS_(name) FASTGPT_CPP_TRY_METHODS_(name) FASTGPT_CPP_THROWING_METHODS_(name)
    FASTGPT_ENDPOINTS(FASTGPT_CPP_METHODS_)
#undef FASTGPT_CPP_METHODS_
#undef FASTGPT_CPP_THROWING_METHODS_
#undef FASTGPT_CPP_TRY_METHODS_

    /// fastgpt_request: any endpoint by method ("GET", "POST", "PUT", "DELETE") and path
    /// ("/api/..."); request_json NULL means {}.
    [[nodiscard]] Result<Response> try_request(const StringArg &method, const StringArg &path,
                                               const StringArg &request_json = nullptr,
                                               CancelRef cancel = {}) const noexcept {
        if (method.has_interior_nul()) return detail::nul_error("method");
        if (path.has_interior_nul()) return detail::nul_error("path");
        return unary_("request_json", request_json, [&](fastgpt_response **resp, fastgpt_error **err) {
            return fastgpt_request(p_, method.c_str(), path.c_str(), request_json.c_str(), cancel.get(), resp, err);
        });
    }
    template <class F>
    [[nodiscard]] Result<std::future<detail::completion_result_t<F>>> try_request_async(
        const StringArg &method, const StringArg &path, const StringArg &request_json, F &&on_complete,
        CancelRef cancel = {}) const noexcept(detail::nothrow_store<F>) {
        if (method.has_interior_nul()) return detail::nul_error("method");
        if (path.has_interior_nul()) return detail::nul_error("path");
        return async_<F, void>("request_json", request_json, std::forward<F>(on_complete), detail::NoEvents{},
                               [&](fastgpt_event_cb cb, void *ud, fastgpt_error **err) {
                                   return fastgpt_request_async(p_, method.c_str(), path.c_str(),
                                                                request_json.c_str(), cancel.get(), cb, ud, err);
                               });
    }

    // Streams: for each name in FASTGPT_STREAM_ENDPOINTS (stream_chat_completion, ...):
    //
    // try_<name>(request_json, on_event, cancel = {}) calls on_event(const Event &) on this thread
    // for each event, in order; it returns void or an Action. The Response is the accumulated
    // answer in the non-stream shape. An exception from on_event aborts the stream and is rethrown
    // here once the C call has returned. try_<name>(request_json, cancel = {}): no callable, only
    // the accumulated answer.
    //
    // try_<name>_async(request_json, on_event, on_complete, cancel = {}): on_event(const Event &)
    // receives the events and on_complete(Completion) the end, both on a library thread; the
    // future holds what on_complete returns, or the exception on_event threw (that aborts the
    // stream; on_complete still runs, with FASTGPT_ERR_ABORTED_BY_CALLBACK), or the one
    // on_complete threw.
    //
    // <name>(...) and <name>_async(...): the same, throwing the Error.
#define FASTGPT_CPP_TRY_STREAM_METHODS_(name)                                                            \
    template <class F, class = std::enable_if_t<detail::is_event_callable<F>>>                           \
    [[nodiscard]] Result<Response> try_##name(const StringArg &request_json, F &&on_event,               \
                                              CancelRef cancel = {}) const                               \
        noexcept(detail::nothrow_event_callable<F>) {                                                    \
        return stream_(&::fastgpt_##name, request_json, on_event, cancel);                               \
    }                                                                                                    \
    [[nodiscard]] Result<Response> try_##name(const StringArg &request_json, CancelRef cancel = {})     \
        const noexcept {                                                                                 \
        return unary_("request_json", request_json, [&](fastgpt_response **resp, fastgpt_error **err) {  \
            return ::fastgpt_##name(p_, request_json.c_str(), cancel.get(), nullptr, nullptr, resp, err); \
        });                                                                                              \
    }                                                                                                    \
    template <class E, class F>                                                                          \
    [[nodiscard]] Result<std::future<detail::completion_result_t<F>>> try_##name##_async(                \
        const StringArg &request_json, E &&on_event, F &&on_complete, CancelRef cancel = {}) const       \
        noexcept(detail::nothrow_store<F> && detail::nothrow_store<E>) {                                 \
        static_assert(detail::is_event_callable<E>, "on_event is called as on_event(const Event &)");    \
        return async_<F, std::decay_t<E>>("request_json", request_json, std::forward<F>(on_complete),    \
                                          std::forward<E>(on_event),                                     \
                                          [&](fastgpt_event_cb cb, void *ud, fastgpt_error **err) {      \
                                              return ::fastgpt_##name##_async(p_, request_json.c_str(),  \
                                                                              cancel.get(), cb, ud, err); \
                                          });                                                            \
    }
#if FASTGPT_CPP_EXCEPTIONS
#define FASTGPT_CPP_THROWING_STREAM_METHODS_(name)                                                       \
    template <class F, class = std::enable_if_t<detail::is_event_callable<F>>>                           \
    Response name(const StringArg &request_json, F &&on_event, CancelRef cancel = {}) const {            \
        return try_##name(request_json, std::forward<F>(on_event), cancel).value();                      \
    }                                                                                                    \
    Response name(const StringArg &request_json, CancelRef cancel = {}) const {                          \
        return try_##name(request_json, cancel).value();                                                 \
    }                                                                                                    \
    template <class E, class F>                                                                          \
    std::future<detail::completion_result_t<F>> name##_async(                                            \
        const StringArg &request_json, E &&on_event, F &&on_complete, CancelRef cancel = {}) const {     \
        return try_##name##_async(request_json, std::forward<E>(on_event), std::forward<F>(on_complete), \
                                  cancel)                                                                \
            .value();                                                                                    \
    }
#else
#define FASTGPT_CPP_THROWING_STREAM_METHODS_(name)
#endif
#define FASTGPT_CPP_STREAM_METHODS_(name) \
    FASTGPT_CPP_TRY_STREAM_METHODS_(name) FASTGPT_CPP_THROWING_STREAM_METHODS_(name)
    FASTGPT_STREAM_ENDPOINTS(FASTGPT_CPP_STREAM_METHODS_)
#undef FASTGPT_CPP_STREAM_METHODS_
#undef FASTGPT_CPP_THROWING_STREAM_METHODS_
#undef FASTGPT_CPP_TRY_STREAM_METHODS_

    // Uploads (fastgpt_create_file_collection[_from_buffer][_async]): a collection made from a
    // file, sent as multipart to `.../collection/create/localFile`; `request_json` holds the
    // collection options (`datasetId` required; see fastgpt.h). The result data is
    // `{"collectionId":"...","results":{"insertLen":0}}`.
    //
    // on_progress(std::uint64_t sent, std::uint64_t total), optional (blocking: omit it; else pass
    // {} or nullptr), returns void or an Action (Action::abort aborts the upload); it is called as the
    // file goes out, about every 0.1% and once at the end with sent == total. An exception it
    // throws aborts the upload and is rethrown to the caller once the C call has returned (async:
    // through the future), as for stream callables; the try_ form is noexcept only when the
    // callable is. Blocking forms call it on this thread, and the upload waits for it; async forms
    // on a library thread, then on_complete(Completion) as for every async call.
    //
    // From memory, `data` is a ByteView (`{pointer, size}`, a std::string_view, std::string,
    // std::vector<std::uint8_t>, ...), copied before the call returns, uploaded as `file_name`.
    template <class P = detail::NoProgress, class = std::enable_if_t<detail::is_progress_callable<P>>>
    [[nodiscard]] Result<Response> try_create_file_collection(const StringArg &file_path, const StringArg &request_json,
                                                              P &&on_progress = {}, CancelRef cancel = {}) const
        noexcept(detail::nothrow_progress<P>) {
        if (file_path.has_interior_nul()) return detail::nul_error("file_path");
        return upload_("request_json", request_json, on_progress,
                       [&](fastgpt_event_cb cb, void *ud, fastgpt_response **resp, fastgpt_error **err) {
                           return fastgpt_create_file_collection(p_, file_path.c_str(), request_json.c_str(),
                                                                 cancel.get(), cb, ud, resp, err);
                       });
    }
    template <class P = detail::NoProgress, class = std::enable_if_t<detail::is_progress_callable<P>>>
    [[nodiscard]] Result<Response> try_create_file_collection_from_buffer(const StringArg &file_name, ByteView data,
                                                                          const StringArg &request_json,
                                                                          P &&on_progress = {},
                                                                          CancelRef cancel = {}) const
        noexcept(detail::nothrow_progress<P>) {
        if (file_name.has_interior_nul()) return detail::nul_error("file_name");
        return upload_("request_json", request_json, on_progress,
                       [&](fastgpt_event_cb cb, void *ud, fastgpt_response **resp, fastgpt_error **err) {
                           return fastgpt_create_file_collection_from_buffer(
                               p_, file_name.c_str(), data.data(), data.size(), request_json.c_str(), cancel.get(),
                               cb, ud, resp, err);
                       });
    }
    /// Async: on_progress ({} or nullptr for none) and on_complete, both on a library thread.
    template <class P = detail::NoProgress, class F, class = std::enable_if_t<detail::is_progress_callable<P>>>
    [[nodiscard]] Result<std::future<detail::completion_result_t<F>>> try_create_file_collection_async(
        const StringArg &file_path, const StringArg &request_json, P &&on_progress, F &&on_complete,
        CancelRef cancel = {}) const noexcept(detail::nothrow_store<F> && detail::nothrow_store<P>) {
        if (file_path.has_interior_nul()) return detail::nul_error("file_path");
        return upload_async_(request_json, std::forward<P>(on_progress), std::forward<F>(on_complete),
                             [&](fastgpt_event_cb cb, void *ud, fastgpt_error **err) {
                                 return fastgpt_create_file_collection_async(p_, file_path.c_str(),
                                                                             request_json.c_str(), cancel.get(), cb,
                                                                             ud, err);
                             });
    }
    template <class P = detail::NoProgress, class F, class = std::enable_if_t<detail::is_progress_callable<P>>>
    [[nodiscard]] Result<std::future<detail::completion_result_t<F>>> try_create_file_collection_from_buffer_async(
        const StringArg &file_name, ByteView data, const StringArg &request_json, P &&on_progress, F &&on_complete,
        CancelRef cancel = {}) const noexcept(detail::nothrow_store<F> && detail::nothrow_store<P>) {
        if (file_name.has_interior_nul()) return detail::nul_error("file_name");
        return upload_async_(request_json, std::forward<P>(on_progress), std::forward<F>(on_complete),
                             [&](fastgpt_event_cb cb, void *ud, fastgpt_error **err) {
                                 return fastgpt_create_file_collection_from_buffer_async(
                                     p_, file_name.c_str(), data.data(), data.size(), request_json.c_str(),
                                     cancel.get(), cb, ud, err);
                             });
    }

#if FASTGPT_CPP_EXCEPTIONS
    template <class P = detail::NoProgress, class = std::enable_if_t<detail::is_progress_callable<P>>>
    Response create_file_collection(const StringArg &file_path, const StringArg &request_json, P &&on_progress = {},
                                    CancelRef cancel = {}) const {
        return try_create_file_collection(file_path, request_json, std::forward<P>(on_progress), cancel).value();
    }
    template <class P = detail::NoProgress, class = std::enable_if_t<detail::is_progress_callable<P>>>
    Response create_file_collection_from_buffer(const StringArg &file_name, ByteView data,
                                                const StringArg &request_json, P &&on_progress = {},
                                                CancelRef cancel = {}) const {
        return try_create_file_collection_from_buffer(file_name, data, request_json, std::forward<P>(on_progress),
                                                      cancel)
            .value();
    }
    template <class P = detail::NoProgress, class F, class = std::enable_if_t<detail::is_progress_callable<P>>>
    std::future<detail::completion_result_t<F>> create_file_collection_async(const StringArg &file_path,
                                                                             const StringArg &request_json,
                                                                             P &&on_progress, F &&on_complete,
                                                                             CancelRef cancel = {}) const {
        return try_create_file_collection_async(file_path, request_json, std::forward<P>(on_progress),
                                                std::forward<F>(on_complete), cancel)
            .value();
    }
    template <class P = detail::NoProgress, class F, class = std::enable_if_t<detail::is_progress_callable<P>>>
    std::future<detail::completion_result_t<F>> create_file_collection_from_buffer_async(
        const StringArg &file_name, ByteView data, const StringArg &request_json, P &&on_progress, F &&on_complete,
        CancelRef cancel = {}) const {
        return try_create_file_collection_from_buffer_async(file_name, data, request_json,
                                                            std::forward<P>(on_progress),
                                                            std::forward<F>(on_complete), cancel)
            .value();
    }
#endif

#if FASTGPT_CPP_EXCEPTIONS
    Response request(const StringArg &method, const StringArg &path, const StringArg &request_json = nullptr,
                     CancelRef cancel = {}) const {
        return try_request(method, path, request_json, cancel).value();
    }
    template <class F>
    std::future<detail::completion_result_t<F>> request_async(const StringArg &method, const StringArg &path,
                                                              const StringArg &request_json, F &&on_complete,
                                                              CancelRef cancel = {}) const {
        return try_request_async(method, path, request_json, std::forward<F>(on_complete), cancel).value();
    }
#endif

private:
    explicit Client(fastgpt_client *client) noexcept : p_(client) {}

    template <class Call>
    static Result<Response> unary_(const char *param, const StringArg &json, Call &&call) noexcept {
        if (json.has_interior_nul()) return detail::nul_error(param);
        fastgpt_response *resp = nullptr;
        fastgpt_error *err = nullptr;
        Status st = call(&resp, &err);
        return detail::finish(st, resp, err);
    }

    using StreamFn = fastgpt_status (*)(const fastgpt_client *, const char *, const fastgpt_cancel *,
                                        fastgpt_event_cb, void *, fastgpt_response **, fastgpt_error **);

    template <class F>
    Result<Response> stream_(StreamFn fn, const StringArg &request_json, F &on_event, CancelRef cancel) const
        noexcept(detail::nothrow_event_callable<F>) {
        return with_events_("request_json", request_json, on_event,
                            [&](fastgpt_event_cb cb, void *ud, fastgpt_response **resp, fastgpt_error **err) {
                                return fn(p_, request_json.c_str(), cancel.get(), cb, ud, resp, err);
                            });
    }

    /// A blocking call with an event callable: `call(cb, userdata, &resp, &err)` is the C function
    /// with its other arguments bound.
    template <class F, class Call>
    static Result<Response> with_events_(const char *param, const StringArg &json, F &on_event, Call &&call) noexcept(
        detail::nothrow_event_callable<F>) {
        using Events = detail::StreamCall<F>;
        Events events{on_event, nullptr};
        Result<Response> r = unary_(param, json, [&](fastgpt_response **resp, fastgpt_error **err) {
            return call(&Events::trampoline, &events, resp, err);
        });
#if FASTGPT_CPP_EXCEPTIONS
        if (events.thrown) std::rethrow_exception(events.thrown);  // after the C call: it never unwinds through C
#endif
        return r;
    }

    template <class P, class Call>
    static Result<Response> upload_(const char *param, const StringArg &json, P &on_progress,
                                    Call &&call) noexcept(detail::nothrow_progress<P>) {
        if constexpr (detail::is_no_progress<P>) {
            return unary_(param, json, [&](fastgpt_response **resp, fastgpt_error **err) {
                return call(nullptr, nullptr, resp, err);  // no callback at all: nothing to report to
            });
        } else {
            detail::ProgressEvents<P &> events{on_progress};
            return with_events_(param, json, events, std::forward<Call>(call));
        }
    }

    template <class P, class F, class Start>
    static Result<std::future<detail::completion_result_t<F>>> upload_async_(
        const StringArg &json, P &&on_progress, F &&on_complete,
        Start &&start) noexcept(detail::nothrow_store<F> && detail::nothrow_store<P>) {
        if constexpr (detail::is_no_progress<P>) {
            return async_<F, void>("request_json", json, std::forward<F>(on_complete), detail::NoEvents{},
                                   std::forward<Start>(start));
        } else {
            using Events = detail::ProgressEvents<std::decay_t<P>>;
            return async_<F, Events>("request_json", json, std::forward<F>(on_complete),
                                     Events{std::forward<P>(on_progress)}, std::forward<Start>(start));
        }
    }

    template <class F, class E, class EArg, class Start>
    static Result<std::future<detail::completion_result_t<F>>> async_(
        const char *param, const StringArg &json, F &&on_complete, EArg &&on_event,
        Start &&start) noexcept(detail::nothrow_store<F> && detail::nothrow_store<EArg>) {
        static_assert(std::is_invocable_v<std::decay_t<F> &, Completion &&>,
                      "on_complete is called as on_complete(fastgpt::Completion) (a Result<ResponseView>)");
        if (json.has_interior_nul()) return detail::nul_error(param);
        using Call = detail::AsyncCall<std::decay_t<F>, E>;
        return detail::start_async(std::make_unique<Call>(std::forward<F>(on_complete), std::forward<EArg>(on_event)),
                                   std::forward<Start>(start));
    }

    fastgpt_client *p_ = nullptr;
};

}  // namespace fastgpt

#endif /* FASTGPT_HPP */
