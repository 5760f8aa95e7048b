#!/usr/bin/env bash
# Integration check: a real Prometheus (Debian's package, installed if missing) scrapes a real
# `tradewatch serve` on loopback, and Prometheus's own API must report the target up with
# non-zero ingest samples. TRADEWATCH_BIN names the binary (default .build/debug/tradewatch).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${TRADEWATCH_BIN:-.build/debug/tradewatch}"
[ -x "$bin" ] || { echo "error: $bin is not built" >&2; exit 1; }
if ! command -v prometheus >/dev/null 2>&1; then
    echo "== installing Prometheus from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
fi

work=$(mktemp -d)
server_pid=""
prometheus_pid=""
cleanup() {
    [ -n "$prometheus_pid" ] && kill "$prometheus_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve --port 0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log" >&2; echo "error: tradewatch did not start" >&2; exit 1; }
curl -sf -XPOST "http://127.0.0.1:$port/write" --data-binary 'trades,symbol=AAPL price=187.25,qty=100' >/dev/null

prometheus_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: tradewatch
    static_configs:
      - targets: ["127.0.0.1:$port"]
CONFIG
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!

query() { curl -sf --get "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" || true; }
for _ in $(seq 1 60); do
    up=$(query 'up{job="tradewatch"}')
    rows=$(query 'tradewatch_ingest_rows_total{job="tradewatch",table="trades"}')
    if echo "$up" | grep -q '"value":\[[0-9.]*,"1"\]' && echo "$rows" | grep -q '"value":\[[0-9.]*,"1"\]'; then
        echo "prometheus: target up, tradewatch_ingest_rows_total{table=\"trades\"} = 1"
        echo "1 passed, 0 failed"
        exit 0
    fi
    sleep 0.5
done
echo "up: $up" >&2
echo "rows: $rows" >&2
tail -20 "$work/prometheus.log" >&2
echo "error: Prometheus did not report the tradewatch target up with samples within 30 s" >&2
exit 1
