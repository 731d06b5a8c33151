#!/usr/bin/env bash
# make test-install: the library as a C or C++ developer gets it.
#   1. `make lib` (release, real LTO); the shipped .so: SONAME, exports == the header's functions,
#      all in the version node FASTGPT_<ABI>, no dependency beyond libc/libm/libgcc_s, NODELETE.
#   2. scripts/install.sh into a temporary PREFIX, and into DESTDIR staging for PREFIX=/usr/local:
#      the expected files, fastgpt.pc and the CMake version file at Cargo.toml's version, the CMake
#      version compatibility rules.
#   3. packaging/consumers/pkgconfig (Makefile + pkg-config) and packaging/consumers/cmake
#      (find_package(fastgpt REQUIRED)), each dynamic and static, each a C program and a C++17 one
#      (the header-only fastgpt.hpp), run against fastgpt-mock: they
#      print the version and the mock's answer. ldd: the dynamic ones load the installed
#      libfastgpt.so.<ABI>, the static ones no libfastgpt at all.
#   4. uninstall leaves no file behind; the static consumers still run, the dynamic ones cannot.
# Prints the installed files with their sizes, and the timings.
set -euo pipefail
source "$(dirname "$0")/../packaging/vars.sh"
cd "$FASTGPT_ROOT"
export LDCONFIG=true # never touch the system's ld.so.cache
started=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "test-install: FAIL: $*" >&2
  exit 1
}
step() { echo "== test-install: $*" >&2; }
V=$FASTGPT_VERSION
ABI=$FASTGPT_ABI

step "make lib"
t=$SECONDS
make --no-print-directory lib
lib_seconds=$((SECONDS - t))
so=$FASTGPT_RELEASE/$FASTGPT_REALNAME

step "the shipped library $so"
dynamic=$(readelf -d "$so")
grep -q "(SONAME) .*\[$FASTGPT_SONAME\]" <<< "$dynamic" || fail "SONAME is not $FASTGPT_SONAME:
$dynamic"
grep -q "(FLAGS_1) .*NODELETE" <<< "$dynamic" || fail "not linked with -z nodelete"
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<< "$dynamic" | grep -v -x -E 'libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|ld-linux.*\.so\.[0-9]+' || true)
[[ -z $needed ]] || fail "unexpected NEEDED libraries: $needed"
# The functions the header declares (declarations start at column 0) vs nm -D --defined-only.
declared=$(grep -E '^[A-Za-z][^(]*\bfastgpt_[A-Za-z0-9_]*\(' include/fastgpt.h | grep -v '^typedef' \
  | sed -E 's/^[^(]*\b(fastgpt_[A-Za-z0-9_]*)\(.*/\1/' | sort -u)
(($(wc -l <<< "$declared") >= 40)) || fail "found only $(wc -l <<< "$declared") declarations in the header"
exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)
nodes=$(nm -D --defined-only "$so" | awk '$2 == "A" { print $3 }')
[[ $exported == "$declared" ]] || fail "exports differ from the header's functions (< header, > .so):
$(diff <(echo "$declared") <(echo "$exported") || true)"
[[ $nodes == "FASTGPT_$ABI" ]] || fail "version nodes: '$nodes', expected FASTGPT_$ABI"
unversioned=$(objdump -T "$so" | awk '/ fastgpt_/ && $0 !~ (" FASTGPT_'"$ABI"' ")' || true)
[[ -z $unversioned ]] || fail "symbols outside the version node FASTGPT_$ABI:
$unversioned"
echo "SONAME $FASTGPT_SONAME, $(wc -l <<< "$exported") exports = the header's functions, all @@FASTGPT_$ABI"

step "install into PREFIX=$tmp/prefix"
prefix=$tmp/prefix
scripts/install.sh install "$prefix" > "$tmp/install.log"
expected="include/fastgpt.h
include/fastgpt.hpp
include/fastgpt_endpoints.h
lib/cmake/fastgpt/fastgptConfig.cmake
lib/cmake/fastgpt/fastgptConfigVersion.cmake
lib/libfastgpt.a
lib/libfastgpt.so -> $FASTGPT_REALNAME
lib/$FASTGPT_REALNAME
lib/$FASTGPT_SONAME -> $FASTGPT_REALNAME
lib/pkgconfig/fastgpt.pc
share/fastgpt/install_manifest.txt"
listing() { (cd "$1" && find . ! -type d \( -type l -printf '%P -> %l\n' -o -printf '%P\n' \) | sort); }
[[ $(listing "$prefix") == "$(sort <<< "$expected")" ]] || fail "installed files:
$(listing "$prefix")"
cmp include/fastgpt.h "$prefix/include/fastgpt.h"
cmp include/fastgpt.hpp "$prefix/include/fastgpt.hpp"
cmp include/fastgpt_endpoints.h "$prefix/include/fastgpt_endpoints.h"
cmp "$so" "$prefix/lib/$FASTGPT_REALNAME"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046,SC2116 # word splitting trims pkg-config's trailing blanks
pc() { echo $(pkg-config "$@"); }
[[ $(pc --modversion fastgpt) == "$V" ]] || fail "fastgpt.pc Version $(pc --modversion fastgpt) != Cargo.toml $V"
[[ $(pc --libs fastgpt) == "-L$prefix/lib -lfastgpt" ]] || fail "pkg-config --libs: $(pc --libs fastgpt)"
[[ $(pc --static --libs fastgpt) == "-L$prefix/lib -lfastgpt $(< "$FASTGPT_RELEASE/fastgpt-static-libs.txt")" ]] \
  || fail "pkg-config --static --libs: $(pc --static --libs fastgpt)"
[[ $(pc --cflags fastgpt) == "-I$prefix/include" ]] || fail "pkg-config --cflags: $(pc --cflags fastgpt)"
# The CMake version file, asked as find_package(fastgpt <request>) would: "<version> <compatible> <exact>".
cat > "$tmp/version.cmake" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
if(NOT PACKAGE_FIND_VERSION STREQUAL "")
  string(REPLACE "." ";" parts "${PACKAGE_FIND_VERSION}.0.0")
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
endif()
set(CMAKE_SIZEOF_VOID_P 8)
include(${FILE})
message("${PACKAGE_VERSION} ${PACKAGE_VERSION_COMPATIBLE} ${PACKAGE_VERSION_EXACT}")
CMAKE
cmake_version() {
  cmake -DPACKAGE_FIND_VERSION="$1" -DFILE="$prefix/lib/cmake/fastgpt/fastgptConfigVersion.cmake" -P "$tmp/version.cmake"
}
read -r major minor patch <<< "${V//./ }"
patch=${patch%%[-+]*}
for case in "$V:TRUE TRUE" "$major.$minor:TRUE FALSE" ":TRUE FALSE" \
  "$major.$((minor + 1)):FALSE FALSE" "$major.$minor.$((patch + 1)):FALSE FALSE" "$((major + 1)).0:FALSE FALSE"; do
  request=${case%%:*}
  got=$(cmake_version "$request" 2>&1)
  [[ $got == "$V ${case#*:}" ]] || fail "fastgptConfigVersion.cmake for request '$request': '$got', expected '$V ${case#*:}'"
done
if ((major == 0 && minor > 0)); then
  got=$(cmake_version "0.$((minor - 1))" 2>&1)
  [[ $got == "$V FALSE FALSE" ]] || fail "0.x: a request for 0.$((minor - 1)) must not accept $V: $got"
fi
echo "files as expected; fastgpt.pc and fastgptConfigVersion.cmake say $V"

step "DESTDIR staging for PREFIX=/usr/local"
stage=$tmp/stage
scripts/install.sh install /usr/local "$stage" > /dev/null
[[ $(listing "$stage") == "$(sed 's|^|usr/local/|' <<< "$expected" | sort)" ]] || fail "staged files:
$(listing "$stage")"
grep -qx 'prefix=/usr/local' "$stage/usr/local/lib/pkgconfig/fastgpt.pc" || fail "staged fastgpt.pc prefix"
grep -q "^/usr/local/lib/$FASTGPT_REALNAME\$" "$stage/usr/local/share/fastgpt/install_manifest.txt" \
  || fail "the manifest names the final paths"
scripts/install.sh uninstall /usr/local "$stage" > /dev/null
[[ -z $(find "$stage" ! -type d) ]] || fail "staged uninstall left: $(find "$stage" ! -type d)"
echo "staged install and uninstall as expected"

step "consumer projects"
make --no-print-directory -C packaging/consumers/pkgconfig O="$tmp/pkgconfig" > "$tmp/pkgconfig.log" 2>&1 \
  || fail "pkg-config consumer: $(cat "$tmp/pkgconfig.log")"
{ cmake -S packaging/consumers/cmake -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  && cmake --build "$tmp/cmake"; } > "$tmp/cmake.log" 2>&1 || fail "CMake consumer: $(cat "$tmp/cmake.log")"
grep -q "fastgpt $V (ABI $ABI) from $prefix/lib/cmake/fastgpt" "$tmp/cmake.log" \
  || fail "find_package did not find the fresh install: $(grep -i fastgpt "$tmp/cmake.log")"
consumers=("$tmp/pkgconfig/consumer-dynamic" "$tmp/pkgconfig/consumer-static"
  "$tmp/cmake/consumer-dynamic" "$tmp/cmake/consumer-static"
  "$tmp/pkgconfig/consumer-cpp-dynamic" "$tmp/pkgconfig/consumer-cpp-static"
  "$tmp/cmake/consumer-cpp-dynamic" "$tmp/cmake/consumer-cpp-static")
for exe in "${consumers[@]}"; do
  deps=$(env -u LD_LIBRARY_PATH ldd "$exe")
  case $exe in
    *-dynamic) grep -q "^\s*$FASTGPT_SONAME => $prefix/lib/$FASTGPT_SONAME " <<< "$deps" \
      || fail "$exe does not load $prefix/lib/$FASTGPT_SONAME:
$deps" ;;
    *-static) ! grep -q fastgpt <<< "$deps" || fail "$exe depends on libfastgpt:
$deps" ;;
  esac
done
run_consumers() { # run_consumers OUT EXE...: each EXE runs with its name, against one fastgpt-mock
  local out=$1
  shift
  env -u LD_LIBRARY_PATH scripts/with-mock.sh bash -c \
    'for exe; do n=$(basename "$(dirname "$exe")")-$(basename "$exe"); "$exe" "$n" || echo "$n: exit $?"; done' \
    run "$@" > "$out" 2>&1 || true
}
run_consumers "$tmp/run.out" "${consumers[@]}"
for exe in "${consumers[@]}"; do
  n=$(basename "$(dirname "$exe")")-$(basename "$exe")
  grep -qx "$n: libfastgpt $V ABI $ABI" "$tmp/run.out" && grep -qx "$n: answer Echo: hello from $n" "$tmp/run.out" \
    || fail "$n did not print its version and the mock's answer:
$(cat "$tmp/run.out")"
done
cat "$tmp/run.out"

step "installed files"
(cd "$prefix" && find . ! -type d \( -type l -printf '%10s  %P -> %l\n' -o -printf '%10s  %P\n' \) | sort -k2)
strip -o "$tmp/stripped.so" "$so"
echo "libfastgpt.so stripped (strip --strip-all): $(stat -c %s "$tmp/stripped.so") bytes; installed as linked: $(stat -c %s "$so") bytes"

step "uninstall"
scripts/install.sh uninstall "$prefix" > /dev/null
[[ -z $(find "$prefix" ! -type d) ]] || fail "uninstall left: $(find "$prefix" ! -type d)"
run_consumers "$tmp/after.out" "${consumers[@]}"
for exe in "${consumers[@]}"; do
  n=$(basename "$(dirname "$exe")")-$(basename "$exe")
  case $exe in
    *-static) grep -qx "$n: answer Echo: hello from $n" "$tmp/after.out" || fail "$n no longer runs:
$(cat "$tmp/after.out")" ;;
    *-dynamic) grep -q "$FASTGPT_SONAME: cannot open shared object file" "$tmp/after.out" \
      && ! grep -q "^$n: answer" "$tmp/after.out" || fail "$n still runs after uninstall:
$(cat "$tmp/after.out")" ;;
  esac
done
echo "no file left in the prefix; the static consumers still run, the dynamic ones cannot load $FASTGPT_SONAME"

echo "test-install: OK (make lib ${lib_seconds}s, total $((SECONDS - started))s)"
