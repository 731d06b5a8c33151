#!/usr/bin/env bash
# The Go binding as a developer outside this repository gets it (part of `make test-go`):
#   1. `make lib` and scripts/install.sh into a temporary PREFIX; PKG_CONFIG_PATH points at it.
#   2. A fresh module in a temporary directory: `go mod init`, a `replace` of the binding's module
#      path to this checkout (standing in for the published module), GOFLAGS=-mod=mod,
#      `go get` + `go build` with the default cgo flags (pkg-config fastgpt) -- the README's steps.
#   3. Its program streams a chat against fastgpt-mock, built dynamic (ldd: the installed
#      libfastgpt.so.<ABI>) and static (-tags fastgpt_static: no libfastgpt at run time).
set -euo pipefail
source "$(dirname "$0")/../packaging/vars.sh"
cd "$FASTGPT_ROOT"
export LDCONFIG=true # never touch the system's ld.so.cache
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "test-go-module: FAIL: $*" >&2
  exit 1
}
step() { echo "== test-go-module: $*" >&2; }
module=github.com/libfastgpt/libfastgpt/bindings/go

step "make lib; install into $tmp/prefix"
make --no-print-directory lib > "$tmp/lib.log" 2>&1 || fail "make lib: $(tail -20 "$tmp/lib.log")"
prefix=$tmp/prefix
scripts/install.sh install "$prefix" > /dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cargo build -q -p fastgpt-mock

step "a fresh module outside the repository"
app=$tmp/app
mkdir -p "$app"
cd "$app"
# GOPROXY=off: the binding has no dependencies, so nothing may be downloaded. A fresh GOCACHE, as
# on a new machine: the build cache does not key cgo packages on pkg-config's output, so a cached
# build could carry a previous run's prefix.
export GOFLAGS=-mod=mod GOWORK=off GOPROXY=off GOCACHE=$tmp/gocache
go mod init example.com/fresh > /dev/null 2>&1
go mod edit -replace "$module=$FASTGPT_ROOT/bindings/go"
# The program of the README's first snippet.
cat > main.go <<'GO'
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	fastgpt "github.com/libfastgpt/libfastgpt/bindings/go"
)

func main() {
	client, err := fastgpt.NewClient() // reads FASTGPT_BASE_URL and FASTGPT_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	req := &fastgpt.ChatCompletionRequest{Messages: []fastgpt.ChatMessage{fastgpt.UserMessage(os.Args[1])}}
	for ev, err := range client.StreamChatCompletion(context.Background(), req).All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(ev.Text)
	}
	fmt.Println()
}
GO
# Through the replace, the version is a placeholder (a published module takes `go get $module`).
go get "$module@v0.0.0" > "$tmp/get.log" 2>&1 || fail "go get: $(cat "$tmp/get.log")"
grep -q "^require $module " go.mod || fail "go get did not add the requirement: $(cat go.mod)"

step "go build (dynamic: pkg-config fastgpt)"
# The prefix is not in the loader's path: the rpath is how a user of a non-standard prefix runs
# it (the README says so); /usr/local after ldconfig needs nothing.
CGO_LDFLAGS="-Wl,-rpath,$prefix/lib" go build -o fresh-dynamic . > "$tmp/build.log" 2>&1 \
  || fail "go build: $(cat "$tmp/build.log")"
step "go build -tags fastgpt_static (pkg-config --static fastgpt)"
go build -tags fastgpt_static -o fresh-static . > "$tmp/build-static.log" 2>&1 \
  || fail "go build -tags fastgpt_static: $(cat "$tmp/build-static.log")"

deps=$(env -u LD_LIBRARY_PATH ldd fresh-dynamic)
grep -q "^\s*$FASTGPT_SONAME => $prefix/lib/$FASTGPT_SONAME " <<< "$deps" \
  || fail "fresh-dynamic does not load $prefix/lib/$FASTGPT_SONAME:
$deps"
deps=$(env -u LD_LIBRARY_PATH ldd fresh-static)
! grep -q fastgpt <<< "$deps" || fail "fresh-static depends on libfastgpt:
$deps"

step "a streamed chat against fastgpt-mock, dynamic and static"
for exe in fresh-dynamic fresh-static; do
  out=$(env -u LD_LIBRARY_PATH "$FASTGPT_ROOT/scripts/with-mock.sh" "./$exe" "hello from $exe" 2>&1) \
    || fail "$exe: $out"
  grep -qx "Echo: hello from $exe" <<< "$out" || fail "$exe printed: $out"
  echo "$exe: $(tail -n 1 <<< "$out")"
done
echo "test-go-module: OK"
