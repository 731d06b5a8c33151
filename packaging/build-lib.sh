#!/usr/bin/env bash
# `make lib`: builds the shipped library into target/release.
#   libfastgpt.a                  the staticlib, with the release profile's real fat LTO
#                                 (`cargo rustc --crate-type staticlib`: an rlib in the crate types
#                                 would make cargo drop -C lto)
#   libfastgpt.so.X.Y.Z           linked from that archive with the version script
#                                 packaging/fastgpt.map (only fastgpt_*, version node FASTGPT_<ABI>)
#                                 and the SONAME libfastgpt.so.<ABI>
#   libfastgpt.so.<ABI>, libfastgpt.so   links to it
#   fastgpt-static-libs.txt       the system libraries libfastgpt.a needs (rustc's
#                                 --print native-static-libs), for the .pc's Libs.private and CMake
# Linking the .so from the archive (instead of a second LTO build as a cdylib) is what lets our own
# version script apply: rustc passes its own anonymous one to a cdylib, which GNU ld refuses to
# combine with another and rust-lld lets win over it.
set -euo pipefail
source "$(dirname "$0")/vars.sh"
cd "$FASTGPT_ROOT"
out=$FASTGPT_RELEASE
grep -q "^FASTGPT_$FASTGPT_ABI {" packaging/fastgpt.map || {
  echo "build-lib.sh: packaging/fastgpt.map must define the node FASTGPT_$FASTGPT_ABI (FASTGPT_ABI_VERSION)" >&2
  exit 1
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# cargo replays the cached note when the archive is fresh, so the list is always printed.
${CARGO:-cargo} rustc --release --lib --crate-type staticlib -- --print native-static-libs 2>&1 | tee "$log" \
  | { grep -v '^note: \(link against\|native-static-libs\)' >&2 || true; }
libs=$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)
[[ -n $libs ]] || { echo "build-lib.sh: rustc printed no native-static-libs" >&2; exit 1; }
echo "$libs" > "$out/fastgpt-static-libs.txt"

# --whole-archive + --gc-sections: everything reachable from the exported fastgpt_* stays;
# -z defs: no undefined symbol left for the host to provide; -z nodelete: dlclose() never unmaps
# the code that the library's runtime threads may still be running.
# shellcheck disable=SC2086 # $libs is a list of -l flags
${CC:-cc} -shared -o "$out/$FASTGPT_REALNAME.tmp" \
  -Wl,-soname,"$FASTGPT_SONAME" \
  -Wl,--version-script="$FASTGPT_ROOT/packaging/fastgpt.map" \
  -Wl,--gc-sections -Wl,--as-needed -Wl,-z,defs -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,-z,nodelete \
  -Wl,--strip-debug \
  -Wl,--whole-archive "$out/libfastgpt.a" -Wl,--no-whole-archive $libs
mv -f "$out/$FASTGPT_REALNAME.tmp" "$out/$FASTGPT_REALNAME"
ln -sfn "$FASTGPT_REALNAME" "$out/$FASTGPT_SONAME"
ln -sfn "$FASTGPT_REALNAME" "$out/libfastgpt.so"
echo "make lib: $out/libfastgpt.a and $out/$FASTGPT_REALNAME (SONAME $FASTGPT_SONAME), links $FASTGPT_SONAME, libfastgpt.so" >&2
