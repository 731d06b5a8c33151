#!/usr/bin/env bash
# Fuzz smoke run (make test-fuzz): each cargo-fuzz target of fuzz/ for FUZZ_SECONDS (default 60),
# starting from the committed seeds (fuzz/corpus/<target>/seed-*, real FastGPT transcripts and
# requests). New corpus entries go to a scratch directory, so the run leaves the tree unchanged.
# Fails on any crash, panic, broken invariant, leak or timeout; the reproducer is left in
# fuzz/artifacts/<target>/ (replay: cargo fuzz run <target> fuzz/artifacts/<target>/<file>).
#
# libFuzzer needs nightly compiler flags (-Cpasses=sancov-module, --cfg fuzzing ...). A CI machine
# may have only stable Rust, so RUSTC_BOOTSTRAP=1 lets the stable compiler accept them; with a
# nightly toolchain nothing changes. Sanitizer: none (the code fuzzed has no `unsafe`; the
# invariants are assertions), which keeps the build and the runs fast.
#
#   scripts/fuzz-smoke.sh                 # both targets, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh fuzz_sse
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_sse fuzz_request)

if ! cargo fuzz --version >/dev/null 2>&1; then
  bash "$root/scripts/ci-deps-reliability.sh"
fi
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

cd "$root/fuzz"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$SECONDS
cargo fuzz build -s none -O >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log" >&2; exit 1; }
echo "fuzz: built in $((SECONDS - start)) s"

for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  if ! cargo fuzz run -s none -O "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: $t FAILED (reproducer in fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  runs=$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
  echo "fuzz: $t ok: $runs executions in ${seconds} s, $cov, corpus $(ls "$scratch/$t" | wc -l) entries"
done
