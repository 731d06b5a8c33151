#!/usr/bin/env bash
# Tools for the reliability suites: valgrind (make test-valgrind) and cargo-fuzz (make test-fuzz).
# Idempotent and quiet when both are present. cargo-fuzz is pinned and built with --locked
# (about 1 min on 2 cores); it runs on stable Rust with RUSTC_BOOTSTRAP=1 (scripts/fuzz-smoke.sh).
set -euo pipefail
CARGO_FUZZ_VERSION=0.13.2
SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then SUDO="sudo"; fi
if ! command -v valgrind >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show valgrind >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
  fi
  $SUDO apt-get install -y -qq --no-install-recommends valgrind >/dev/null \
    || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq --no-install-recommends valgrind >/dev/null; }
fi
if [[ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  cargo install -q cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
