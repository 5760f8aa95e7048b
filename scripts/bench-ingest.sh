#!/usr/bin/env bash
# Ingest throughput of Tradewatch against VictoriaMetrics on the same line-protocol workload.
#
#   ./scripts/bench-ingest.sh                  # 1M then 10M rows
#   ROWS="1000000" ./scripts/bench-ingest.sh   # only 1M
#
# Builds release, then for each row count: starts the system on 127.0.0.1 with a fresh data
# folder, runs ingest-benchmark against its /write, reads its peak RSS (VmHWM), measures how long
# after the last acknowledgement every row is queryable, stops it by PID, and prints a table.
# Environment: ROWS, BATCH (5000), CONNECTIONS (4), CLIENT (socket), SCRATCH_PATH (.build),
# SYSTEMS ("tradewatch victoria-metrics"), KEEP_DATA=1 to keep the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-1000000 10000000}"
BATCH="${BATCH:-5000}"
CONNECTIONS="${CONNECTIONS:-4}"
CLIENT="${CLIENT:-socket}"
SCRATCH_PATH="${SCRATCH_PATH:-.build}"
SYSTEMS="${SYSTEMS:-tradewatch victoria-metrics}"
VISIBILITY_TIMEOUT=60

./scripts/setup-duckdb.sh
source scripts/bench-common.sh
build_release tradewatch ingest-benchmark

if [[ " $SYSTEMS " == *" victoria-metrics "* ]] && ! command -v victoria-metrics >/dev/null; then
    echo "== installing VictoriaMetrics (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq victoria-metrics >/dev/null
fi

make_work_folder bench-ingest




# Runs the benchmark against $1 and sets RESULT to its summary line.
run_benchmark() {
    local output="$work/benchmark.out"
    "$bin/ingest-benchmark" --url "$1" --rows "$rows" --batch "$BATCH" --connections "$CONNECTIONS" --client "$CLIENT" >"$output" ||
        { cat "$output"; echo "error: the benchmark against $1 failed" >&2; exit 1; }
    grep -v '^RESULT ' "$output"
    RESULT=$(grep '^RESULT ' "$output")
}
field() { sed -E "s/.*$1=([^ ]+).*/\\1/" <<<"$RESULT"; }

table=()
failures=0
add_row() { table+=("$(printf '%-17s %10s %9s %10s %8s %8s %9s %-24s %s' "$@")"); }

bench_tradewatch() {
    local data="$work/tradewatch-$rows" log="$work/tradewatch-$rows.log"
    start_tradewatch "$data" "$log"
    local pid=$server_pid url=$server_url

    echo "== tradewatch, $rows rows ($url/write)"
    run_benchmark "$url/write"
    local rss stop_start stopped stored
    rss=$(peak_rss_mib "$pid")
    # A 204 is sent only after the commit, so every acknowledged row is already queryable: 0 s.
    # Proven below by counting the rows on disk once the server has stopped.
    stop_start=$(date +%s.%N)
    kill -TERM "$pid"
    wait_exit "$pid" 300
    stopped=$(echo "$(date +%s.%N) - $stop_start" | bc)
    stored=$("$bin/tradewatch" check --data-dir "$data" | awk '$1 == "trades" { print $2 }')
    [ "$stored" = "$rows" ] || { echo "error: tradewatch stored $stored trades, expected $rows" >&2; failures=$((failures + 1)); }
    add_row tradewatch "$rows" "$(field seconds)" "$(field rows_per_s)" "$(field p50_ms)" "$(field p99_ms)" "$rss" \
        "0 s (ack = committed)" "$stored (graceful stop $(printf '%.1f' "$stopped") s)"
}

bench_victoria_metrics() {
    local data="$work/victoria-metrics-$rows" log="$work/victoria-metrics-$rows.log"
    start_victoria_metrics "$data" "$log"
    local pid=$vm_pid base=$vm_url

    echo "== victoria-metrics, $rows rows ($base/write)"
    run_benchmark "$base/write"
    # Queryable = a query counts every price sample written; polled for at most 60 s.
    local visible_start count="" visible="not within ${VISIBILITY_TIMEOUT} s"
    visible_start=$(date +%s.%N)
    while (($(echo "$(date +%s.%N) - $visible_start < $VISIBILITY_TIMEOUT" | bc))); do
        count=$(curl -sf "$base/api/v1/query" --data-urlencode 'query=sum(count_over_time(trades_price[1d]))' \
            --data-urlencode nocache=1 | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)' || echo "?")
        if [ "$count" = "$rows" ]; then
            visible="$(printf '%.1f' "$(echo "$(date +%s.%N) - $visible_start" | bc)") s"
            break
        fi
        sleep 0.2
    done
    [ "$count" = "$rows" ] || { echo "error: victoria-metrics counted $count price samples, expected $rows" >&2; failures=$((failures + 1)); }
    local rss
    rss=$(peak_rss_mib "$pid")
    kill -TERM "$pid"
    wait_exit "$pid" 120
    add_row victoria-metrics "$rows" "$(field seconds)" "$(field rows_per_s)" "$(field p50_ms)" "$(field p99_ms)" "$rss" \
        "$visible" "$count (price samples counted)"
}

for rows in $ROWS; do
    for system in $SYSTEMS; do
        case "$system" in
            tradewatch) bench_tradewatch ;;
            victoria-metrics) bench_victoria_metrics ;;
            *) echo "error: unknown system $system" >&2; exit 1 ;;
        esac
    done
done

echo
echo "ingest-benchmark --batch $BATCH --connections $CONNECTIONS --client $CLIENT; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-17s %10s %9s %10s %8s %8s %9s %-24s %s\n' system rows seconds rows/s "p50 ms" "p99 ms" "peak MiB" "all rows queryable after" "rows stored"
printf '%s\n' "${table[@]}"
[ "$failures" = 0 ] || { echo "error: $failures run(s) did not store every row" >&2; exit 1; }
