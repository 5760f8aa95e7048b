# Tradewatch: every target sets DuckDB up first (fast when already done).
SWIFT ?= swift
.DEFAULT_GOAL := build

.PHONY: setup build release run test bench check-warnings clean-duckdb

setup:
	@./scripts/setup-duckdb.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# Starts Tradewatch. Until the server lands this runs the CLI's DuckDB self-check.
run: setup
	$(SWIFT) build --product tradewatch
	$$($(SWIFT) build --show-bin-path)/tradewatch check

test: setup
	./scripts/test.sh

bench: setup
	$(SWIFT) build -c release --product duckdb-benchmark
	$$($(SWIFT) build -c release --show-bin-path)/duckdb-benchmark $(ARGS)

clean-duckdb:
	rm -rf .duckdb
