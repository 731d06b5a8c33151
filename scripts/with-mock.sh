#!/usr/bin/env bash
# Runs a command against a FastGPT server: the real one named by FASTGPT_BASE_URL and
# FASTGPT_API_KEY when both are set, else a fastgpt-mock started on a free port for the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -n "${FASTGPT_BASE_URL:-}" && -n "${FASTGPT_API_KEY:-}" ]]; then
  echo "[using $FASTGPT_BASE_URL]" >&2
  exec "$@"
fi
mock=${FASTGPT_MOCK:-$root/target/debug/fastgpt-mock}
[[ -x "$mock" ]] || cargo build -q -p fastgpt-mock --manifest-path "$root/Cargo.toml"
fifo=$(mktemp -u); mkfifo "$fifo"
# --exit-on-stdin-eof: the mock ends with this script even if it is killed.
coproc MOCK { exec "$mock" --port 0 --exit-on-stdin-eof > "$fifo"; }
read -r url < "$fifo"; rm -f "$fifo"
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
echo "[using fastgpt-mock at $url]" >&2
FASTGPT_BASE_URL=$url FASTGPT_API_KEY=fastgpt-mockkey "$@"
