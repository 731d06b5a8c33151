#!/usr/bin/env bash
# The benchmark suite: libfastgpt against raw reqwest, libcurl and Python httpx, side by side; its
# Go binding against openai-go and go-openai (bench/go).
#
#   bench/run.sh            full run (make bench): release builds, 3 rounds, writes bench/results/latest.md
#   bench/run.sh --smoke    small counts, 1 round, targets not asserted (make test-bench, CI)
#
# The smoke run uses the debug builds `cargo build` already made (so it costs no release build and
# finishes in well under 2 minutes); --release makes it use release builds like the full run.
# Options: --rounds N, --assert-targets (exit 1 if a target is missed), --no-deps (skip the
# contender install step), --release. Counts can be overridden with BENCH_UNARY, BENCH_CONCURRENT,
# BENCH_INFLIGHT, BENCH_STREAM, BENCH_OPEN; BENCH_WORKLOADS=unary,cold runs only those workloads.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

smoke=0 rounds="" assert="" deps=1 release=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) smoke=1 ;;
    --rounds) rounds=$2; shift ;;
    --assert-targets) assert=--assert-targets ;;
    --no-deps) deps=0 ;;
    --release) release=1 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $smoke == 1 ]]; then
  : "${BENCH_UNARY:=300}" "${BENCH_CONCURRENT:=640}" "${BENCH_STREAM:=2000}" "${BENCH_OPEN:=50}"
  rounds=${rounds:-1} release=${release:-0}
  raw=target/bench/smoke.jsonl md=target/bench/smoke.md
else
  : "${BENCH_UNARY:=20000}" "${BENCH_CONCURRENT:=20000}" "${BENCH_STREAM:=100000}" "${BENCH_OPEN:=1000}"
  rounds=${rounds:-3} release=1
  raw=target/bench/latest.jsonl md=bench/results/latest.md
fi
: "${BENCH_INFLIGHT:=64}"
CC=${CC:-cc}
bin=$root/target/bench
mkdir -p "$bin" bench/results

step() { echo "== $*" >&2; }

if [[ $deps == 1 ]]; then
  step "contenders: libcurl development package, Python httpx"
  scripts/ci-deps-bench.sh
fi

if [[ $release == 1 ]]; then
  step "release builds: libfastgpt.so (make lib: real LTO, as shipped), fastgpt-mock, reqwest-baseline"
  # The shipped library exactly (libfastgpt.so -> libfastgpt.so.X.Y.Z, SONAME libfastgpt.so.<ABI>),
  # so the benchmark never loads a stale libfastgpt.so.<ABI> left by another build.
  make -s lib
  cargo build -q --release -p fastgpt-mock -p reqwest-baseline
  out=target/release
else
  step "debug builds (smoke): libfastgpt.so, fastgpt-mock, reqwest-baseline"
  cargo build -q -p fastgpt -p fastgpt-mock -p reqwest-baseline
  out=target/debug
fi
libdir=$root/$out
cp "$out/reqwest-baseline" "$bin/"
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/c/fastgpt_bench.c -L "$libdir" -lfastgpt \
  -Wl,-rpath,"$libdir" -lpthread -o "$bin/fastgpt_bench"
"$CC" -std=c11 -O2 -Wall -Wextra -Werror bench/c/curl_bench.c -lcurl -lcjson -o "$bin/curl_bench"
strip -o "$bin/libfastgpt.stripped.so" "$out/libfastgpt.so"
# The Go contenders (bench/go: the binding, openai-go, go-openai; versions pinned in its go.mod).
# The binding's dev layout, pointed at this run's library ($libdir comes first, also in the rpath).
rm -f "$bin/fastgpt-go-bench"
if command -v go > /dev/null; then
  (cd bench/go && CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir" go build -tags fastgpt_dev -o "$bin/fastgpt-go-bench" .) \
    || echo "bench/run.sh: WARNING: bench/go did not build (module download?): no Go rows" >&2
else
  echo "bench/run.sh: WARNING: no go toolchain: no Go rows" >&2
fi

# 1000 open streams need 1000+ sockets in the client and in the mock.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

step "starting $out/fastgpt-mock"
fifo=$(mktemp -u); mkfifo "$fifo"
# --exit-on-stdin-eof: the mock ends with this script even if the script is killed.
coproc MOCK { exec "$out/fastgpt-mock" --port 0 --exit-on-stdin-eof > "$fifo"; }
read -r url < "$fifo"; rm -f "$fifo"
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
echo "   mock at $url (pid $MOCK_PID)" >&2

# A few stored chats so get_chat_histories returns a realistic list, not an empty one.
python3 - "$url" <<'PY'
import json, sys, urllib.request
for i in range(5):
    body = json.dumps({"chatId": "bench-chat-%d" % i, "messages": [{"role": "user", "content": "hello %d" % i}]})
    req = urllib.request.Request(sys.argv[1] + "/api/v1/chat/completions", data=body.encode(), method="POST",
                                 headers={"Authorization": "Bearer fastgpt-mockkey", "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY

counts=$(printf '{"unary":%d,"concurrent":%d,"inflight":%d,"stream":%d,"open_streams":%d}' \
  "$BENCH_UNARY" "$BENCH_CONCURRENT" "$BENCH_INFLIGHT" "$BENCH_STREAM" "$BENCH_OPEN")
step "running $rounds round(s): $counts"
python3 bench/report.py run --mock-url "$url" --mock-pid "$MOCK_PID" --bin "$bin" --rounds "$rounds" \
  --counts "$counts" --out "$raw" --workloads "${BENCH_WORKLOADS:-}"
step "report"
python3 bench/report.py report --raw "$raw" --so "$bin/libfastgpt.stripped.so" --md "$md" \
  $([[ $smoke == 1 ]] && echo --smoke) $assert
echo "written: $md" >&2
