#!/usr/bin/env bash
# Installs what `make test` needs beyond Rust, Go and a C compiler: each part of the project
# lists its own needs in scripts/ci-deps-<part>.sh. Idempotent and quiet when all is present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for part in "$here"/ci-deps-*.sh; do
  [[ -e "$part" ]] || continue
  bash "$part"
done
