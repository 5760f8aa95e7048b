#!/usr/bin/env bash
# Query latency of Tradewatch against DuckDB alone and VictoriaMetrics, on the trades workload of
# the ingest benchmark spread over SPAN_HOURS (24) of timestamps.
#
#   ./scripts/bench-query.sh                  # 1M then 10M rows
#   ROWS="1000000" ./scripts/bench-query.sh   # only 1M
#
# Builds release, then for each row count: starts Tradewatch on 127.0.0.1 with a fresh data
# folder, loads the trades and some metrics, waits for the trades rollup and a checkpoint, times
# q1–q4 over HTTP (query-benchmark http) and GET /api/v1/metrics/latest under wrk at 10, 50 and
# 100 connections; stops it with SIGTERM and times the same SQL on its DuckDB file directly
# (query-benchmark duckdb); then starts VictoriaMetrics with a fresh data folder, loads the same
# lines through its /write and times q1–q4 through its Prometheus API. Prints one table.
# Environment: ROWS, SPAN_HOURS (24), REQUESTS (200), WARMUP (20), BUDGET_S (30 s per query),
# WRK_SECONDS (10), CONNECTIONS ("10 50 100"), SCRATCH_PATH (.build-bench), EXPLAIN=1 (print
# EXPLAIN ANALYZE of q1 and q4 from the DuckDB run), KEEP_DATA=1 (keep the temporary folder),
# BUILD=0 (use the release binaries already built in SCRATCH_PATH, e.g. while the tree is mid-edit).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-1000000 10000000}"
SPAN_HOURS="${SPAN_HOURS:-24}"
REQUESTS="${REQUESTS:-200}"
WARMUP="${WARMUP:-20}"
BUDGET_S="${BUDGET_S:-30}"
WRK_SECONDS="${WRK_SECONDS:-10}"
CONNECTIONS="${CONNECTIONS:-10 50 100}"
SCRATCH_PATH="${SCRATCH_PATH:-.build-bench}"
CHECKPOINT_INTERVAL=5

./scripts/setup-duckdb.sh
source scripts/bench-common.sh
build_release tradewatch query-benchmark

missing=()
command -v victoria-metrics >/dev/null || missing+=(victoria-metrics)
command -v wrk >/dev/null || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

make_work_folder bench-query
results="$work/results.tsv"
: >"$results"



# wrk's own summary lacks p95: this prints it (and the others) from wrk's latency histogram.
wrk_script="$work/percentiles.lua"
cat >"$wrk_script" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("PERCENTILES %d %.3f %.3f %.3f %.3f %.3f %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
LUA

# The data ends at a whole minute two minutes ago and spans SPAN_HOURS; every system gets the same.
end_ns=$(( ($(date +%s) / 60 * 60 - 120) * 1000000000 ))
span_ns=$((SPAN_HOURS * 3600 * 1000000000))
common=(--end-ns "$end_ns" --span-ns "$span_ns")
measure=(--requests "$REQUESTS" --warmup "$WARMUP" --budget-s "$BUDGET_S" --results "$results")

bench_tradewatch() {
    local data="$work/tradewatch-$rows" log="$work/tradewatch-$rows.log"
    start_tradewatch "$data" "$log" --checkpoint-interval "$CHECKPOINT_INTERVAL"
    local pid=$server_pid url=$server_url

    echo "== tradewatch, $rows rows ($url)"
    "$bin/query-benchmark" load --url "$url/write" --rows "$rows" "${common[@]}"
    "$bin/query-benchmark" load-metrics --url "$url/write" --end-ns "$end_ns"
    "$bin/query-benchmark" wait-rollup --url "$url" --timeout-s 600
    # Steady state: the rows checkpointed into compressed row groups, not only in the WAL.
    local wal="$data/analytics.duckdb.wal" deadline=$((SECONDS + 120))
    while [ -s "$wal" ] && [ "$(stat -c %s "$wal")" -gt 1048576 ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then echo "warning: the WAL is still $(stat -c %s "$wal") bytes" >&2; break; fi
        sleep 0.5
    done
    echo "checkpointed: WAL $(stat -c %s "$wal" 2>/dev/null || echo 0) bytes, database $(du -m "$data/analytics.duckdb" | cut -f1) MiB"
    "$bin/query-benchmark" http --system tradewatch --url "$url" --rows "$rows" "${common[@]}" "${measure[@]}"

    # metrics/latest at each concurrency, then /health at the highest as the floor of any endpoint.
    local path connections output line runs=()
    for connections in $CONNECTIONS; do runs+=("/api/v1/metrics/latest?name=order_latency.p99 $connections"); done
    runs+=("/health $connections")
    for run in "${runs[@]}"; do
        read -r path connections <<<"$run"
        output=$(wrk --latency -t 2 -c "$connections" -d "${WRK_SECONDS}s" --timeout 5s -s "$wrk_script" "$url$path")
        grep -E '^ +(Latency|Req/Sec) |requests in|Requests/sec' <<<"$output" | sed "s|^|  wrk -c $connections $path: |"
        line=$(grep '^PERCENTILES ' <<<"$output") || { echo "$output" >&2; echo "error: wrk gave no percentiles" >&2; exit 1; }
        read -r _ requests duration p50 p90 p95 p99 errors <<<"$line"
        printf 'load\t%s\t%s\t2\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rows" "$connections" "$requests" \
            "$(echo "$requests / $duration" | bc -l)" "$p50" "$p90" "$p95" "$p99" "$errors" "$path" >>"$results"
    done

    kill -TERM "$pid"
    wait_exit "$pid" 300
    echo "== DuckDB directly on $data/analytics.duckdb (server stopped)"
    "$bin/query-benchmark" duckdb --path "$data/analytics.duckdb" --rows "$rows" "${common[@]}" "${measure[@]}" \
        --explain "${EXPLAIN:-0}"
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$data"
}

bench_victoria_metrics() {
    local data="$work/victoria-metrics-$rows" log="$work/victoria-metrics-$rows.log"
    start_victoria_metrics "$data" "$log"
    local pid=$vm_pid base=$vm_url

    echo "== victoria-metrics, $rows rows ($base)"
    "$bin/query-benchmark" load --url "$base/write" --rows "$rows" "${common[@]}"
    "$bin/query-benchmark" http --system victoria-metrics --url "$base" --rows "$rows" "${common[@]}" "${measure[@]}"
    kill -TERM "$pid"
    wait_exit "$pid" 120
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$data"
}

for rows in $ROWS; do
    bench_tradewatch
    bench_victoria_metrics
done

echo
echo "query-benchmark; data: ${SPAN_HOURS} h of trades ending $(date -u -d "@$((end_ns / 1000000000))" +%Y-%m-%dT%H:%MZ);" \
    "Tradewatch --checkpoint-interval $CHECKPOINT_INTERVAL, other settings default; $(nproc) cores shared by client and server;" \
    "$(date -u +%Y-%m-%dT%H:%MZ)"
"$bin/query-benchmark" report --results "$results"
