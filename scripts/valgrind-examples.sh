#!/usr/bin/env bash
# valgrind memcheck over the main C examples (make test-valgrind), against a local fastgpt-mock:
# stream_chat (plain and --detail), chat (success and a FastGPT error), histories (the CRUD walk),
# cancel_async (cancel from another thread), per_call (log callback, derived clients),
# knowledge_base (datasets, uploads with progress), two test programs (pause/resume, a cancel
# inside a callback), and the C++ API (include/fastgpt.hpp): chat.cpp (success and an exception),
# tests/c/cpp_noexcept.cpp (-fno-exceptions, the Result API), tests/c/cpp_callback_exceptions.cpp
# (user exceptions caught, aborted, rethrown) and tests/c/cpp_uploads_logs_pause.cpp with and without
# exceptions (uploads with progress, derived clients, log callables deleted once, pause/resume). Fails on any memcheck error — invalid access,
# uninitialised value, bad free — and on any definitely or indirectly lost block. The library's
# runtime lives until exit by design (src/runtime.rs), so its threads and statics show up as
# "possibly lost" / "still reachable"; tests/valgrind.supp suppresses those, each entry explained.
#
# Uses the debug libfastgpt.so (target/debug, built by `make build`); builds what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$root/target/debug
out=$lib/c-examples/valgrind
mock=$lib/fastgpt-mock
mkdir -p "$out"
command -v valgrind >/dev/null || bash "$root/scripts/ci-deps-reliability.sh"
[[ -e $lib/libfastgpt.so && -x $mock ]] || cargo build -q --workspace --manifest-path "$root/Cargo.toml"

for ex in examples/stream_chat examples/chat examples/histories examples/knowledge_base examples/cancel_async examples/per_call tests/c/pause tests/c/delivery; do
  ${CC:-cc} -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -g -O1 -pthread \
    -I"$root/include" "$root/$ex.c" -L"$lib" -lfastgpt -Wl,-rpath,"$lib" -o "$out/$(basename "$ex")"
done
cxx() { # cxx <source> <output> [flags...]
  local src=$1 exe=$2
  shift 2
  ${CXX:-c++} -std=c++17 -Wall -Wextra -Werror -g -O1 -pthread "$@" \
    -I"$root/include" "$root/$src" -L"$lib" -lfastgpt -Wl,-rpath,"$lib" -o "$out/$exe"
}
cxx examples/chat.cpp chat_cpp
cxx tests/c/cpp_noexcept.cpp cpp_noexcept -fno-exceptions
cxx tests/c/cpp_callback_exceptions.cpp cpp_callback_exceptions
cxx tests/c/cpp_uploads_logs_pause.cpp cpp_uploads_logs_pause
cxx tests/c/cpp_uploads_logs_pause.cpp cpp_uploads_logs_pause_noexcept -fno-exceptions

# A private mock for the run (the examples take the base URL and key from the environment).
fifo=$(mktemp -u); mkfifo "$fifo"
coproc MOCK { exec "$mock" --port 0 --exit-on-stdin-eof > "$fifo"; }
read -r url < "$fifo"; rm -f "$fifo"
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
export FASTGPT_BASE_URL=$url FASTGPT_API_KEY=fastgpt-mockkey FASTGPT_APP_ID=66e29b870b24ce35330c0f08

failed=0
runs=0
check() { # check <name> <expected exit code> <command...>
  local name=$1 want=$2; shift 2
  local log=$out/$name.log start=$SECONDS rc=0
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \
    --suppressions="$root/tests/valgrind.supp" --log-file="$log" "$@" >"$out/$name.out" 2>&1 || rc=$?
  runs=$((runs + 1))
  local summary
  summary=$(grep -E 'definitely lost:|indirectly lost:|possibly lost:|ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== *//' | tr '\n' ' ')
  if [[ $rc -ne $want ]] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
    echo "valgrind: $name FAILED (exit $rc, expected $want): $summary" >&2
    sed 's/^/    /' "$log" >&2
    failed=1
  else
    echo "valgrind: $name ok in $((SECONDS - start)) s: ${summary:-All heap blocks were freed}"
  fi
}

check stream_chat 0 "$out/stream_chat" "Hello from valgrind"
check stream_chat_detail 0 "$out/stream_chat" --detail "tool reason variables"
check chat 0 "$out/chat" "hello from C"
# A FastGPT error (quota, code 500004): the error object path, freed by the example. chat.c
# exits 2 when the call fails.
FASTGPT_CONFIG='{"headers": {"x-mock-fault": "envelope=500004"}}' check chat_error 2 "$out/chat" "x"
check histories 0 "$out/histories"
check knowledge_base 0 "$out/knowledge_base"
FASTGPT_CONFIG='{"headers": {"x-mock-fault": "slow_stream=100"}}' check cancel_async 0 "$out/cancel_async"
# Pause and resume (tests/c/pause.c): 50 streams paused, resumed from the main thread and from
# inside other callbacks; and events dropped after a cancel (tests/c/delivery.c).
check pause 0 "$out/pause" many 50
check delivery_cancel 0 "$out/delivery" cancel
# A log callback released by the last derived client; a retried 429 through a per-call override.
FASTGPT_CONFIG='{"max_retries": 0, "headers": {"x-mock-fault": "rate_limit_ms=5;times=1", "x-mock-id": "vg-per-call"}}' \
  check per_call 0 "$out/per_call"
check chat_cpp 0 "$out/chat_cpp" "hello from C++"
# chat.cpp exits 2 when a fastgpt::Error is caught: the exception path frees everything too.
FASTGPT_CONFIG='{"headers": {"x-mock-fault": "envelope=500004"}}' check chat_cpp_error 2 "$out/chat_cpp" "x"
check cpp_noexcept 0 "$out/cpp_noexcept"
check cpp_callback_exceptions 0 "$out/cpp_callback_exceptions"
check cpp_uploads_logs_pause 0 "$out/cpp_uploads_logs_pause"
check cpp_uploads_logs_pause_noexcept 0 "$out/cpp_uploads_logs_pause_noexcept"

[[ $failed -eq 0 ]] || exit 1
echo "valgrind: $runs runs, no errors, no definite or indirect leaks"
