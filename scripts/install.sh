#!/usr/bin/env bash
# Installs (or uninstalls) the library built by `make lib`:
#
#   scripts/install.sh install   [PREFIX [DESTDIR]]     (make install PREFIX=... DESTDIR=...)
#   scripts/install.sh uninstall [PREFIX [DESTDIR]]     (make uninstall PREFIX=... DESTDIR=...)
#
# PREFIX defaults to /usr/local; DESTDIR (staging root, for packagers) to none. LIBDIR and
# INCLUDEDIR (environment) default to PREFIX/lib and PREFIX/include; CC (to read the pointer size)
# to cc; STRIP to strip; LDCONFIG to ldconfig (run as root without DESTDIR). Installed:
#   INCLUDEDIR/fastgpt.h, fastgpt.hpp (the header-only C++ API), fastgpt_endpoints.h (its X-macro)
#   LIBDIR/libfastgpt.so.X.Y.Z, LIBDIR/libfastgpt.so.<ABI> -> it, LIBDIR/libfastgpt.so -> it
#   LIBDIR/libfastgpt.a
#   LIBDIR/pkgconfig/fastgpt.pc
#   LIBDIR/cmake/fastgpt/fastgptConfig.cmake, fastgptConfigVersion.cmake
#   PREFIX/share/fastgpt/install_manifest.txt   (what uninstall removes: exactly these files)
set -euo pipefail
source "$(dirname "$0")/../packaging/vars.sh"

action=${1:-}
prefix=${2:-/usr/local}
destdir=${3:-}
[[ $action == install || $action == uninstall ]] || {
  echo "usage: $0 install|uninstall [PREFIX [DESTDIR]]" >&2
  exit 64
}
[[ $prefix == /* ]] || { echo "install.sh: PREFIX must be absolute: $prefix" >&2; exit 64; }
prefix=${prefix%/}
[[ -n $prefix ]] || prefix=/
destdir=${destdir%/}
libdir=${LIBDIR:-$prefix/lib}
includedir=${INCLUDEDIR:-$prefix/include}
[[ $libdir == /* && $includedir == /* ]] || { echo "install.sh: LIBDIR and INCLUDEDIR must be absolute" >&2; exit 64; }
cmakedir=$libdir/cmake/fastgpt
sharedir=$prefix/share/fastgpt
manifest=$sharedir/install_manifest.txt

uninstall() {
  local m=$destdir$manifest
  if [[ ! -f $m ]]; then
    echo "install.sh: nothing to uninstall ($m not found)" >&2
    return 0
  fi
  local f
  while IFS= read -r f; do
    [[ -n $f ]] || continue
    rm -f -- "$destdir$f"
    echo "removed $destdir$f"
  done < "$m"
  rm -f -- "$m"
  # Only the package's own directories; shared ones (lib, include, pkgconfig) stay.
  rmdir -- "$destdir$cmakedir" "$destdir$sharedir" 2>/dev/null || true
}

install_files() {
  local rel=$FASTGPT_RELEASE
  for f in "$rel/$FASTGPT_REALNAME" "$rel/libfastgpt.a" "$rel/fastgpt-static-libs.txt"; do
    [[ -f $f ]] || { echo "install.sh: $f is missing: run \`make lib\` first" >&2; exit 1; }
  done
  local header=$FASTGPT_ROOT/include/fastgpt.h
  grep -q "^#define FASTGPT_VERSION \"$FASTGPT_VERSION\"$" "$header" || {
    echo "install.sh: include/fastgpt.h is not the header of $FASTGPT_VERSION" >&2
    exit 1
  }
  # A previous install of another version: remove it first, so no stale file stays behind.
  [[ -f $destdir$manifest ]] && uninstall > /dev/null

  local static_libs cmake_static_libs ptr
  static_libs=$(< "$rel/fastgpt-static-libs.txt")
  cmake_static_libs=$(sed 's/^ *//; s/ *$//; s/  */;/g; s/-l//g' <<< "$static_libs")
  ptr=$(${CC:-cc} -dM -E - < /dev/null | sed -n 's/^#define __SIZEOF_POINTER__ //p')
  local -a subst=(
    -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@INCLUDEDIR@|$includedir|g"
    -e "s|@VERSION@|$FASTGPT_VERSION|g" -e "s|@VERSION_MAJOR@|${FASTGPT_VERSION%%.*}|g"
    -e "s|@VERSION_MINOR@|$(cut -d. -f2 <<< "$FASTGPT_VERSION")|g" -e "s|@ABI@|$FASTGPT_ABI|g"
    -e "s|@SONAME@|$FASTGPT_SONAME|g" -e "s|@REALNAME@|$FASTGPT_REALNAME|g"
    -e "s|@STATIC_LIBS@|$static_libs|g" -e "s|@CMAKE_STATIC_LIBS@|$cmake_static_libs|g"
    -e "s|@SIZEOF_VOID_P@|${ptr:-8}|g" -e "s|@SIZEOF_VOID_P_BITS@|$((${ptr:-8} * 8))|g"
    -e "s|@CMAKE_TO_LIBDIR@|$(realpath -m --relative-to="$cmakedir" "$libdir")|g"
    -e "s|@CMAKE_TO_INCLUDEDIR@|$(realpath -m --relative-to="$cmakedir" "$includedir")|g"
  )

  local -a written=()
  put() { # put MODE SRC DEST: copy, recording DEST
    install -D -m "$1" -- "$2" "$destdir$3"
    written+=("$3")
  }
  gen() { # gen TEMPLATE DEST
    local tmp
    tmp=$(mktemp)
    sed "${subst[@]}" "$FASTGPT_ROOT/packaging/$1" > "$tmp"
    if grep -q '@[A-Z_]*@' "$tmp"; then
      echo "install.sh: unsubstituted placeholder in $1" >&2
      rm -f "$tmp"
      exit 1
    fi
    put 0644 "$tmp" "$2"
    rm -f "$tmp"
  }
  link() { # link TARGET DEST
    mkdir -p -- "$destdir$(dirname "$2")"
    ln -sfn -- "$1" "$destdir$2"
    written+=("$2")
  }

  put 0644 "$header" "$includedir/fastgpt.h"
  put 0644 "$FASTGPT_ROOT/include/fastgpt.hpp" "$includedir/fastgpt.hpp"
  put 0644 "$FASTGPT_ROOT/include/fastgpt_endpoints.h" "$includedir/fastgpt_endpoints.h"
  put 0755 "$rel/$FASTGPT_REALNAME" "$libdir/$FASTGPT_REALNAME"
  link "$FASTGPT_REALNAME" "$libdir/$FASTGPT_SONAME"
  link "$FASTGPT_REALNAME" "$libdir/libfastgpt.so"
  put 0644 "$rel/libfastgpt.a" "$libdir/libfastgpt.a"
  # The archive carries Rust std's debug info (about half its size); the .so is linked without it.
  "${STRIP:-strip}" --strip-debug "$destdir$libdir/libfastgpt.a" 2>/dev/null || true
  gen fastgpt.pc.in "$libdir/pkgconfig/fastgpt.pc"
  gen fastgptConfig.cmake.in "$cmakedir/fastgptConfig.cmake"
  gen fastgptConfigVersion.cmake.in "$cmakedir/fastgptConfigVersion.cmake"

  mkdir -p -- "$destdir$sharedir"
  printf '%s\n' "${written[@]}" > "$destdir$manifest"
  local f
  for f in "${written[@]}" "$manifest"; do
    echo "installed $destdir$f"
  done
  # The loader finds libfastgpt.so.<ABI> in /usr/local/lib & co. through ld.so.cache.
  # LDCONFIG=true skips this (as the tests do); never with DESTDIR or as a user.
  if [[ -z $destdir && $EUID -eq 0 ]] && command -v "${LDCONFIG:-ldconfig}" > /dev/null; then
    "${LDCONFIG:-ldconfig}" || true
  fi
}

case $action in
  install) install_files ;;
  uninstall) uninstall ;;
esac
