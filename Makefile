# Tradewatch: every target sets DuckDB up first (fast when already done).
SWIFT ?= swift
.DEFAULT_GOAL := build

.PHONY: setup build release run test bench bench-index bench-parser bench-ingest bench-query bench-live bench-collector bench-dashboard clean-duckdb

setup:
	@./scripts/setup-duckdb.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# Starts the server on 127.0.0.1:8080 with ./data and the demo feed (simulated market, strategies,
# executions and logs); Ctrl-C stops it cleanly. ARGS adds options.
run: setup
	$(SWIFT) build --product tradewatch
	$$($(SWIFT) build --show-bin-path)/tradewatch serve --demo $(ARGS)

test: setup
	./scripts/test.sh

bench: setup
	$(SWIFT) build -c release --product duckdb-benchmark
	$$($(SWIFT) build -c release --show-bin-path)/duckdb-benchmark $(ARGS)

# Line-protocol parser alone, one core (docs/PERFORMANCE.md).
bench-parser: setup
	$(SWIFT) build -c release --product line-protocol-benchmark
	taskset -c 1 $$($(SWIFT) build -c release --show-bin-path)/line-protocol-benchmark

# HTTP ingest, Tradewatch and VictoriaMetrics side by side (installs victoria-metrics from Debian).
bench-ingest: setup
	./scripts/bench-ingest.sh

# Query latency: Tradewatch over HTTP, its DuckDB file directly, and VictoriaMetrics (installs
# victoria-metrics and wrk from Debian). ROWS="1000000" for one size.
bench-query: setup
	./scripts/bench-query.sh

# Live stream: 100, 500 and 1,000 WebSocket subscribers while ingesting 100k rows/s, and the max
# ingest rate with 0 and 1,000 subscribers. CLIENTS="1000" DURATION=10 for a shorter run.
bench-live: setup
	./scripts/bench-live.sh

# What the system collector costs: per collection, and an idle server's CPU with it off and at 1 s.
bench-collector: setup
	./scripts/bench-collector.sh

# Dashboard in headless Chromium against serve --demo: page load, long tasks at 10 updates/s into
# 8 series of 10,000 points, JS heap over a run (installs chromium from Debian). MINUTES=1 for a short run.
bench-dashboard: setup
	$(SWIFT) build --product tradewatch
	./scripts/bench-dashboard.sh

# Measures whether an index on ts helps time-range queries (docs/PERFORMANCE.md).
bench-index: setup
	python3 -m pip install --quiet --disable-pip-version-check --target .duckdb/python .duckdb/downloads/duckdb-2.0.1-*.whl
	PYTHONPATH=.duckdb/python python3 Benchmarks/TimeRangeIndex/time_range_index.py

clean-duckdb:
	rm -rf .duckdb
