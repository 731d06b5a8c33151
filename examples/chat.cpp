// chat.cpp: the C++ API (fastgpt.hpp): a blocking chat completion, then the same question
// streamed, with errors as fastgpt::Error exceptions.
//
//   FASTGPT_BASE_URL=... FASTGPT_API_KEY=... ./chat_cpp "What is FastGPT?"
//
// FASTGPT_CONFIG may hold the client's config JSON (see fastgpt_client_new in fastgpt.h).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "fastgpt.hpp"

// A JSON string literal for `s` (quotes, backslashes and control characters escaped).
static std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

int main(int argc, char **argv) {
    const std::string question = argc > 1 ? argv[1] : "Hello";
    std::cout << "libfastgpt " << fastgpt::version() << " (ABI " << fastgpt::abi_version() << ")\n";
    bool mid_line = false;  // the streamed answer is being printed
    try {
        const char *config = std::getenv("FASTGPT_CONFIG");
        fastgpt::Client client = config ? fastgpt::Client(config) : fastgpt::Client::from_env();
        const std::string request =
            R"({"messages":[{"role":"user","content":)" + json_string(question) + R"(}],"variables":{"lang":"en"}})";

        // Blocking: the whole answer at once; the Response frees itself.
        fastgpt::Response response = client.create_chat_completion(request);
        std::cout << "HTTP " << response.status() << ", " << response.data().size() << " bytes\n"
                  << response.data() << "\n";

        // Streamed: the lambda sees each event on this thread, in order.
        std::size_t deltas = 0;
        std::cout << "streamed: " << std::flush;
        mid_line = true;
        fastgpt::Response whole = client.stream_chat_completion(request, [&](const fastgpt::Event &ev) {
            if (ev.has_text()) {
                std::cout << ev.text() << std::flush;
                deltas++;
            }
        });
        mid_line = false;
        std::cout << "\n" << deltas << " text events; accumulated " << whole.body().size() << " bytes" << std::endl;
        return 0;
    } catch (const fastgpt::Error &e) {
        if (mid_line) std::cout << std::endl;  // the partial answer line before the error
        std::cerr << "error " << e.status() << " (" << e.status_str() << "): " << e.what() << " [http "
                  << e.http_status() << ", fastgpt code " << e.api_code() << "]\n";
        return 2;
    }
}
