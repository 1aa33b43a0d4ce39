# InkBridge: `make demo` and `make test` set up a fresh Debian machine themselves.
SHELL := /bin/bash
DEB_PACKAGES := libcurl4-openssl-dev libmicrohttpd-dev libsqlite3-dev libssl-dev libpq-dev libmimalloc-dev pkg-config python3-venv curl
SWIFT_BUILD_FLAGS ?=

.PHONY: all deps build demo test bench clean

all: build

# Installs the missing Debian -dev packages (apt-get when root; a clear message otherwise).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "make: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "make: missing Debian packages:$$missing"; echo "make: run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

demo: build
	.build/debug/inkbridge demo

# The last line is a plain "N passed, N failed" summary of the XCTest run.
test: deps
	bash scripts/moto.sh
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	@set -o pipefail; swift test --skip-build --disable-swift-testing $(SWIFT_BUILD_FLAGS) 2>&1 | tee .build/test.log; rc=$$?; \
	summary=$$(grep -E "^\s*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1); \
	total=$$(echo "$$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); failed=$$(echo "$$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); \
	echo "tests: $$((total - failed)) passed, $$failed failed"; exit $$rc

# `make bench`: the hub against this machine's measured limits (bench/README.md). Not part of `make test`.
# BENCH_FLAGS=--quick for a smoke run, BENCH_FLAGS="--only drain" for one suite.
BENCH_FLAGS ?=
bench: deps
	@missing=""; \
	  { [ -x /usr/sbin/nginx ] || [ -x /usr/bin/nginx ]; } || missing="nginx"; \
	  [ -x /usr/bin/wrk ] || missing="$$missing wrk"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = "0" ]; then \
	      echo "make: installing$$missing (the benchmark's sink and ingest load generator; run by the harness itself, never as a service)"; \
	      DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	    else echo "make: missing:$$missing: sudo apt-get install -y$$missing"; exit 1; fi; \
	  fi
	swift build -c release $(SWIFT_BUILD_FLAGS)
	.build/release/inkbridge-bench $(BENCH_FLAGS)

clean:
	rm -rf .build
