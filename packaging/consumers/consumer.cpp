// The C++ consumer of the packaging tests: the same job as consumer.c through the header-only C++
// API (fastgpt.hpp, which includes fastgpt.h and fastgpt_endpoints.h from the same directory),
// built with pkg-config and with CMake find_package, linked dynamically and statically.
//
//   ./consumer-cpp NAME   prints "NAME: libfastgpt X.Y.Z ABI N" and "NAME: answer <content>"
#include <fastgpt.hpp>

#include <iostream>
#include <string>
#include <string_view>

int main(int argc, char **argv) {
    const std::string name = argc > 1 ? argv[1] : "consumer-cpp";
    if (fastgpt::version() != FASTGPT_VERSION || fastgpt::abi_version() != FASTGPT_ABI_VERSION) {
        std::cerr << name << ": header " << FASTGPT_VERSION << " ABI " << FASTGPT_ABI_VERSION << ", library "
                  << fastgpt::version() << " ABI " << fastgpt::abi_version() << "\n";
        return 3;
    }
    std::cout << name << ": libfastgpt " << fastgpt::version() << " ABI " << fastgpt::abi_version() << std::endl;
    try {
        fastgpt::Client client = fastgpt::Client::from_env();
        fastgpt::Response r = client.create_chat_completion(
            R"({"messages":[{"role":"user","content":"hello from )" + name + R"("}]})");
        // The OpenAI-style body; print the answer's content string as it is in the JSON.
        std::string_view data = r.data();
        std::string_view key = R"("content":")";
        auto at = data.find(key);
        if (at == std::string_view::npos) {
            std::cerr << name << ": no content in " << data << "\n";
            return 4;
        }
        data.remove_prefix(at + key.size());
        std::cout << name << ": answer " << data.substr(0, data.find('"')) << std::endl;
        return 0;
    } catch (const fastgpt::Error &e) {
        std::cerr << name << ": " << e.status_str() << ": " << e.what() << "\n";
        return 2;
    }
}
