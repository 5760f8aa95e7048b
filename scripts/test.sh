#!/usr/bin/env bash
# Builds everything (tests included) once, refuses any compiler warning in the project's own
# code, then runs the InfluxDB client tests and the whole Swift test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== building (debug, with tests)"
swift build --build-tests 2>&1 | tee "$log"
if grep -E "^$(pwd)/(Sources|Tests|Benchmarks)/.*: warning:" "$log"; then
    echo "error: the build has warnings in the project's own code (listed above)" >&2
    exit 1
fi

echo "== InfluxDB client compatibility tests (real Python clients against the real server)"
./scripts/client-tests.sh

echo "== Prometheus scrapes a real server"
./scripts/prometheus-scrape-test.sh
./scripts/browser-test.sh

echo "== running the Swift test suite"
# A rare crash inside libduckdb (duckdb::Value::operator=) has been seen in this test process,
# which opens dozens of databases from many threads at once; it has not been seen in the
# server. Until it is understood, a run that crashed (not one with a failing test) is retried
# up to twice, loudly (README, "Known issues").
for attempt in 1 2 3; do
    if swift test --skip-build 2>&1 | tee "$log"; then
        exit 0
    fi
    if ! grep -q "Program crashed" "$log"; then
        exit 1
    fi
    echo "warning: the Swift test process crashed (attempt $attempt of 3); see the backtrace above" >&2
done
exit 1
