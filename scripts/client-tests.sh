#!/usr/bin/env bash
# Runs the InfluxDB client compatibility tests (Tests/clients) against a built `tradewatch`:
# the official 1.x (`influxdb`) and 2.x (`influxdb-client`) Python clients write to a real
# server, and the rows are read back from its DuckDB file with DuckDB's Python package.
# TRADEWATCH_BIN names the binary (default .build/debug/tradewatch); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

export TRADEWATCH_BIN="${TRADEWATCH_BIN:-.build/debug/tradewatch}"
if [ ! -x "$TRADEWATCH_BIN" ]; then
    echo "error: $TRADEWATCH_BIN is not built; run 'swift build --product tradewatch' or set TRADEWATCH_BIN" >&2
    exit 1
fi

./scripts/setup-duckdb.sh
wheel=$(ls .duckdb/downloads/duckdb-2.0.1-cp311-*.whl)
venv=.build-venv
# The stamp names what was installed, so changing the list reinstalls and an unchanged one is instant.
requirements="pytest influxdb influxdb-client openapi-spec-validator $(basename "$wheel")"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$requirements" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest influxdb influxdb-client openapi-spec-validator "$wheel"
    echo "$requirements" > "$venv/.installed"
fi

# No .pytest_cache or __pycache__ left in the repository.
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest -p no:cacheprovider Tests/clients "$@"
