# Sourced by the packaging scripts: the library's identity, each from its one source of truth.
#   FASTGPT_VERSION  [package] version in Cargo.toml (also the header's FASTGPT_VERSION)
#   FASTGPT_ABI      FASTGPT_ABI_VERSION in src/ffi/status.rs (the SONAME's number)
#   FASTGPT_RELEASE  the directory `make lib` builds into
FASTGPT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FASTGPT_VERSION=$(awk '/^\[/ { sec = $0 } sec == "[package]" && /^version *=/ { gsub(/^[^"]*"|".*$/, ""); print; exit }' \
  "$FASTGPT_ROOT/Cargo.toml")
FASTGPT_ABI=$(sed -n 's/^pub const FASTGPT_ABI_VERSION: u32 = \([0-9][0-9]*\);.*/\1/p' "$FASTGPT_ROOT/src/ffi/status.rs")
[[ $FASTGPT_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+ && $FASTGPT_ABI =~ ^[0-9]+$ ]] || {
  echo "packaging/vars.sh: cannot read the version ($FASTGPT_VERSION) or ABI ($FASTGPT_ABI)" >&2
  exit 1
}
FASTGPT_RELEASE=${CARGO_TARGET_DIR:-$FASTGPT_ROOT/target}/release
FASTGPT_SONAME=libfastgpt.so.$FASTGPT_ABI
FASTGPT_REALNAME=libfastgpt.so.$FASTGPT_VERSION
