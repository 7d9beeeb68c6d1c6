# Skiff: build, test and run a one-host cluster. `make` lists the targets.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

CONFIG ?= release#      swift build configuration for build/up/restart (test is always debug)
NODES ?= 2#             nodes of a `make up` cluster (one kubelet and one kube-proxy each)
TOPOLOGY ?= loopback#   loopback (one host, no privileges) or netns (a network namespace per node and Pod; root)
DATA ?= .skiff#         cluster state: data/, logs/, run/, bin/
PREFIX ?= /usr/local#   make install puts the binaries in $(DESTDIR)$(PREFIX)/bin
TEST_FILTER ?=#         make test TEST_FILTER=regex runs `swift test --filter regex`
C ?=#                   make logs C=apiserver shows one component's log
SWIFTFLAGS ?=#          extra flags for every swift command, e.g. --scratch-path .build-mine

ifneq ($(filter-out debug release,$(CONFIG)),)
$(error CONFIG must be debug or release, not '$(CONFIG)')
endif

SWIFT := swift
CLUSTER := DATA='$(DATA)' NODES='$(NODES)' TOPOLOGY='$(TOPOLOGY)' bash scripts/cluster.sh
# Executables that `make install` copies, when built.
BINARIES := apiserver skiffctl endpoints-controller coredns-controller kube-proxy kubelet
# The build directory of configuration $(1), as shell text (evaluated by the recipe). Falls back to
# SwiftPM's .build/<config> link when swift is not on PATH (e.g. under sudo).
bin_path = $$($(SWIFT) build -c $(1) $(SWIFTFLAGS) --show-bin-path 2>/dev/null || echo "$$PWD/.build/$(1)")

.PHONY: help deps build up down status logs restart test test-compose bench install clean

help: ## List targets and variables
	@echo "Skiff make targets:"
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
	@echo
	@echo "Variables (make VAR=value TARGET):"
	@awk -F '#' '/^[A-Z_]+ \?=/ { split($$1, v, / *\?= */); d = $$2; sub(/^[ \t]+/, "", d); \
		printf "  %-26s %s\n", v[1] "=" v[2], d }' $(firstword $(MAKEFILE_LIST))
	@echo
	@echo "Start here: make up, then follow what it prints."

deps: ## Install missing Debian packages (via sudo if not root); check swift
	@bash scripts/deps.sh

build: deps ## swift build -c CONFIG
	$(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS)

up: deps ## Build (release) and start a cluster: apiserver, controllers, NODES nodes
	@$(CLUSTER) preflight
	$(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS)
	@SKIFF_BIN="$(call bin_path,$(CONFIG))" $(CLUSTER) up

down: ## Stop the cluster (keeps its data; make clean wipes it)
	@$(CLUSTER) down

status: ## Show which components run
	@$(CLUSTER) status || [ $$? -eq 3 ]

logs: ## Follow all logs; make logs C=apiserver for one component
	@$(CLUSTER) logs $(C)

restart: deps ## Rebuild, then stop and start the cluster
	$(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS)
	@$(CLUSTER) down
	@SKIFF_BIN="$(call bin_path,$(CONFIG))" $(CLUSTER) up

# Unit tests, then the end-to-end tests, one test at a time (about a minute in all): on 2 cores, dozens of real
# processes, servers and deadline-bound tests all at once made some of them time out now and then.
test: deps ## swift build (debug, for the E2E tests' executables), then swift test: unit, then E2E [TEST_FILTER]
	$(SWIFT) build $(SWIFTFLAGS)
ifeq ($(TEST_FILTER),)
	$(SWIFT) test $(SWIFTFLAGS) --no-parallel --skip E2ETests
	$(SWIFT) test $(SWIFTFLAGS) --no-parallel --skip-build --filter E2ETests
else
	$(SWIFT) test $(SWIFTFLAGS) --filter '$(TEST_FILTER)'
endif

test-compose: deps ## compose/ for real (root): own Docker engine in a netns, 3 nodes, apply/dig/curl
	$(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS)
	@SKIFF_BIN="$(call bin_path,$(CONFIG))" bash scripts/test-compose.sh

bench: deps ## swift build -c release, then scripts/bench.sh
	$(SWIFT) build -c release $(SWIFTFLAGS)
	@if [ -f scripts/bench.sh ]; then SKIFF_BIN="$(call bin_path,release)" bash scripts/bench.sh; \
	else echo "scripts/bench.sh does not exist yet: nothing to run."; fi

install: ## Copy the release binaries to PREFIX/bin (make build first)
	@bin="$(call bin_path,release)"; \
	if [ ! -x "$$bin/apiserver" ] || [ ! -x "$$bin/skiffctl" ]; then \
		echo "no release build in $$bin: run 'make build' first" >&2; exit 1; fi; \
	install -d '$(DESTDIR)$(PREFIX)/bin'; \
	for b in $(BINARIES); do \
		if [ -x "$$bin/$$b" ]; then install -m 0755 "$$bin/$$b" '$(DESTDIR)$(PREFIX)/bin/'; echo "installed $(DESTDIR)$(PREFIX)/bin/$$b"; fi; \
	done

clean: ## Stop the cluster, delete DATA, swift package clean
	@$(CLUSTER) clean
	$(SWIFT) package clean $(SWIFTFLAGS)
