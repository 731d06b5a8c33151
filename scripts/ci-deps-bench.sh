#!/usr/bin/env bash
# Installs the benchmark contenders (make bench / make test-bench): the libcurl development
# and cJSON packages (C contenders) and Python httpx (the seed SDK's stack). Idempotent and quiet.
set -euo pipefail
HTTPX_VERSION=0.28.1
SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then SUDO="sudo"; fi
# libcurl (the C contender) and cJSON (the JSON parser of its stream contender that parses frames).
APT_PACKAGES=(libcurl4-openssl-dev libcjson-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update only when the package index does not know a package yet (fresh image).
  if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
if [[ "$(python3 -c 'import httpx; print(httpx.__version__)' 2>/dev/null || true)" != "$HTTPX_VERSION" ]]; then
  python3 -m pip install -q --disable-pip-version-check "httpx==$HTTPX_VERSION"
fi
# The Go contenders (bench/go: openai-go and go-openai, versions pinned in its go.mod/go.sum).
if command -v go >/dev/null; then
  (cd "$(dirname "$0")/../bench/go" && go mod download)
fi
