#!/usr/bin/env bash
# Tools scripts/test-install.sh needs (make test-install): pkg-config, cmake, binutils (nm,
# readelf, objdump, strip). Installs only what is missing; idempotent and quiet.
set -euo pipefail
missing=()
command -v pkg-config > /dev/null || missing+=(pkg-config)
command -v cmake > /dev/null || missing+=(cmake)
for tool in nm readelf objdump strip; do
  command -v "$tool" > /dev/null || { missing+=(binutils); break; }
done
((${#missing[@]} == 0)) && exit 0
sudo=()
((EUID == 0)) || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq > /dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
echo "ci-deps-packaging: installed ${missing[*]}"
