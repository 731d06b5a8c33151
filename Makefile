# libfastgpt: build, run, test, install.
#
#   make demo        build everything and stream a chat from C (against a local fastgpt-mock,
#                    or a real server when FASTGPT_BASE_URL and FASTGPT_API_KEY are set)
#   make test        every test: Rust + C ABI, C examples under AddressSanitizer and valgrind,
#                    Go binding, install + consumer projects, fuzz and benchmark smoke runs
#   make lib         the release libfastgpt.so / libfastgpt.a (real LTO) in target/release
#   make install     PREFIX=/usr/local DESTDIR=   (and make uninstall)
#   make bench       the benchmark suite (see bench/README.md)

SHELL := /bin/bash
CARGO ?= cargo
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
export CARGO_TERM_COLOR ?= never

ROOT := $(abspath .)
DEBUG_DIR := $(ROOT)/target/debug
RELEASE_DIR := $(ROOT)/target/release
MOCK := $(DEBUG_DIR)/fastgpt-mock

.PHONY: all build lib demo deps test test-rust test-asan test-asan-rust test-valgrind test-go test-install test-fuzz test-bench \
        install uninstall bench clean generate

all: build

build:
	$(CARGO) build --workspace

# The shipped library: the staticlib (only, so the release profile's LTO really applies: cargo
# drops -C lto for a crate whose types include rlib), and libfastgpt.so.X.Y.Z linked from it with
# the version script packaging/fastgpt.map and the SONAME libfastgpt.so.<ABI>.
lib:
	CARGO="$(CARGO)" CC="$(CC)" packaging/build-lib.sh

# The quick start's main job.
demo: build
	@mkdir -p $(DEBUG_DIR)/c-examples
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -Iinclude examples/stream_chat.c \
	    -L$(DEBUG_DIR) -lfastgpt -Wl,-rpath,$(DEBUG_DIR) -o $(DEBUG_DIR)/c-examples/stream_chat
	@scripts/with-mock.sh $(DEBUG_DIR)/c-examples/stream_chat $(if $(Q),"$(Q)","Hello from libfastgpt")

test: deps
	$(MAKE) test-rust test-asan test-asan-rust test-valgrind test-go test-install test-fuzz test-bench
	@echo "make test: all suites passed"

# What the tests need beyond Rust, Go and a C compiler (apt/pip/cargo installs; quick when present).
deps:
	scripts/ci-deps.sh

test-rust: build
	$(CARGO) test --workspace

# The C programs (examples, fork, secrets, delivery and pause checks) again, built with
# AddressSanitizer + LeakSanitizer.
test-asan: build
	FASTGPT_SANITIZE=address $(CARGO) test --test c_examples --test c_per_call --test fork --test secrets --test delivery --test pause

# The Rust fault matrix, the C-ABI bad-input walk, logs, derived clients and the knowledge base
# (uploads), the library itself built with AddressSanitizer (stable rustc; RUSTC_BOOTSTRAP only
# unlocks the -Z flag). Its own target dir: the instrumented build does not disturb the normal one.
test-asan-rust:
	RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=address CARGO_TARGET_DIR=target/asan \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(ROOT)/tests/lsan.supp \
	    $(CARGO) test --target x86_64-unknown-linux-gnu --test fault_matrix --test abi_bad_input \
	        --test logging --test client_with --test knowledge_base

test-valgrind: build
	scripts/valgrind-examples.sh

# The binding against the in-repo build (tag fastgpt_dev), the knowledge-base example against the
# mock, then the binding as an outside module gets it:
# `go get` + `go build` in a fresh module against `make install` into a temporary prefix.
test-go: build
	cd bindings/go && go vet -tags fastgpt_dev ./... && GOEXPERIMENT=cgocheck2 go test -tags fastgpt_dev -race -count=1 ./...
	cd examples/go && go vet -tags fastgpt_dev ./... && go build -tags fastgpt_dev -o /dev/null . ./knowledge_base
	cd examples/go && ../../scripts/with-mock.sh go run -tags fastgpt_dev ./knowledge_base
	scripts/test-go-module.sh

test-install:
	scripts/test-install.sh

test-fuzz:
	scripts/fuzz-smoke.sh

test-bench:
	bench/run.sh --smoke

bench:
	bench/run.sh

install: lib
	scripts/install.sh install "$(PREFIX)" "$(DESTDIR)"

uninstall:
	scripts/install.sh uninstall "$(PREFIX)" "$(DESTDIR)"

clean:
	$(CARGO) clean

# Rewrites the files generated from the endpoint table (src/endpoints.rs): the C functions, the C++
# endpoint list and the Go binding's per-endpoint code. `make test` fails while one is stale.
generate:
	FASTGPT_GENERATE=1 $(CARGO) test --test generated
	$(CARGO) build
