// Compiles the header as C++17 (extern "C" guards, no C-only constructs) and uses a few entry
// points so a C++ program links against the library as it is.
#include "fastgpt.h"
#include "fastgpt.h"  // include guard

#include <cstdio>
#include <memory>
#include <string>

namespace {
struct ClientDeleter {
    void operator()(fastgpt_client *c) const { fastgpt_client_free(c); }
};
struct ErrorDeleter {
    void operator()(fastgpt_error *e) const { fastgpt_error_free(e); }
};
}  // namespace

static_assert(FASTGPT_OK == 0, "status values are stable");
static_assert(FASTGPT_EVENT_COMPLETE == 15, "event kinds are stable");
static_assert(FASTGPT_VERSION_NUMBER >= 0, "version macros exist");

int main() {
    fastgpt_client *raw = nullptr;
    fastgpt_error *raw_err = nullptr;
    // An unknown key is rejected by name: a typo is never silently ignored.
    fastgpt_status st = fastgpt_client_new("{\"timeout\": 5}", &raw, &raw_err);
    std::unique_ptr<fastgpt_error, ErrorDeleter> err(raw_err);
    if (st != FASTGPT_ERR_INVALID_ARGUMENT || raw != nullptr) return 1;
    std::printf("c++ rejected config: %s\n", fastgpt_error_message(err.get()));

    st = fastgpt_client_new("{\"base_url\": \"http://127.0.0.1:9\"}", &raw, nullptr);
    std::unique_ptr<fastgpt_client, ClientDeleter> client(raw);
    if (st != FASTGPT_OK) return 2;
    std::printf("c++ ok: libfastgpt %s\n", std::string(fastgpt_version()).c_str());
    return 0;
}
