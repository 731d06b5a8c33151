// The check counter the C++ test programs share: `check` prints one line per failed check,
// `report` the summary line, whose exit code the test runner reads.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

inline int checks = 0;
inline int failures = 0;

inline void check(bool ok, const char *what, std::string_view detail = {}) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL: %s %s\n", what, std::string(detail).c_str());
        std::fflush(stdout);
    }
}

inline bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// Prints "<name>: N checks, F failures"; the program's exit code (1 on any failure).
inline int report(const char *name) {
    std::printf("%s: %d checks, %d failures\n", name, checks, failures);
    return failures == 0 ? 0 : 1;
}
