#!/usr/bin/env bash
# Live stream under load: WebSocket subscribers on /api/v1/stream while trades are ingested.
#
#   ./scripts/bench-live.sh                          # 0, 100, 500, 1000 clients at 100k rows/s, then max rate
#   CLIENTS="1000" DURATION=10 ./scripts/bench-live.sh
#
# Builds release, then for each step starts `tradewatch serve` on 127.0.0.1 with a fresh data
# folder (so its peak RSS is the step's own), runs live-benchmark against it (N subscribers, one
# trades symbol each, spread over the workload's 200 symbols, while writers send 5,000-line
# requests paced to RATE rows/s for DURATION s), reads the hub's counters from /metrics, stops
# the server by PID, and prints a table with the goals of issue 6 next to the figures.
# Paced steps: 0 subscribers, then each of CLIENTS. Unpaced (max-rate) steps: each of MAX_CLIENTS.
# Latency "from ack" = client receipt − the time the /write holding the row was acknowledged
# (a 204 follows the commit); "from send" = receipt − the row's ts (= when its request was sent);
# "frame" = receipt − the acknowledgement of the newest commit among a frame's rows.
# Environment: CLIENTS ("100 500 1000"), MAX_CLIENTS ("0 1000"), RATE (100000), DURATION (20 s per
# step), BATCH (5000), CONNECTIONS (4 writers), CLIENT (socket: the subscribers are plain sockets on
# one epoll thread; websocket: hummingbird-websocket clients, one task each), SCRATCH_PATH (.build-bench), BUILD=0 (use the
# binaries already built), KEEP_DATA=1 (keep the temporary folder with the logs), QUIET_WAIT (0 s:
# before each step, wait at most this long for other processes to leave the box under 20% busy).
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS="${CLIENTS:-100 500 1000}"
MAX_CLIENTS="${MAX_CLIENTS:-0 1000}"
RATE="${RATE:-100000}"
DURATION="${DURATION:-20}"
CLIENT="${CLIENT:-socket}"
BATCH="${BATCH:-5000}"
CONNECTIONS="${CONNECTIONS:-4}"
SCRATCH_PATH="${SCRATCH_PATH:-.build-bench}"

# 1,000 subscribers take 1,000 sockets in the benchmark and 1,000 in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "== open files limit $(ulimit -n)"

./scripts/setup-duckdb.sh
source scripts/bench-common.sh
build_release tradewatch live-benchmark

make_work_folder bench-live


# Percent of the whole box busy over one second (100 = every core).
box_busy() {
    local a b
    a=$(head -1 /proc/stat); sleep 1; b=$(head -1 /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); for (i = 2; i <= 9; i++) { t += y[i] - x[i] }
        idle = y[5] - x[5] + y[6] - x[6]; printf "%.0f", 100 * (t - idle) / t }'
}

# Other load skews every figure on a small box: say so, and wait for it if asked.
wait_quiet() {
    local deadline=$((SECONDS + ${QUIET_WAIT:-0})) busy
    busy=$(box_busy)
    while [ "$busy" -ge 20 ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 2; busy=$(box_busy); done
    [ "$busy" -lt 20 ] || echo "  warning: the box is $busy% busy before the step (other processes)"
}

results="$work/results"
: >"$results"

# Runs one step: $1 = label, $2 = clients, $3 = rate (0 = unpaced). Appends "label RESULT-fields hub-fields".
run_step() {
    local label=$1 clients=$2 rate=$3 step="$work/$1-$2"
    wait_quiet
    start_tradewatch "$step-data" "$step.log"
    local pid=$server_pid url=$server_url

    echo "== $label: $clients subscribers, rate $([ "$rate" = 0 ] && echo max || echo "$rate rows/s"), $DURATION s ($url)"
    # Bounded: connecting, DURATION s of writing, a drain and the closing take far less than this.
    timeout --kill-after=10 $((DURATION + 240)) "$bin/live-benchmark" --url "$url" --clients "$clients" --rate "$rate" \
        --seconds "$DURATION" --batch "$BATCH" --connections "$CONNECTIONS" --client "$CLIENT" --server-pid "$pid" >"$step.out" 2>"$step.err" ||
        { cat "$step.out" "$step.err"; echo "error: live-benchmark failed ($label, $clients clients)" >&2; exit 1; }
    grep -v '^RESULT ' "$step.out" | sed 's/^/  /'
    [ -s "$step.err" ] && { echo "  (stderr, first lines)"; head -5 "$step.err" | sed 's/^/  /'; }
    local hub
    hub=$(curl -sf --max-time 10 "$url/metrics" | awk '
        /^tradewatch_live_frames_total / { frames = $2 } /^tradewatch_live_rows_dropped_total / { dropped = $2 }
        END { printf "hub_frames=%d hub_dropped=%d", frames, dropped }')
    echo "  hub: $hub"
    echo "$label $(grep '^RESULT ' "$step.out" | sed 's/^RESULT //') $hub" >>"$results"
    kill -TERM "$pid"
    wait_exit "$pid" 60
}

run_step paced 0 "$RATE"
for clients in $CLIENTS; do run_step paced "$clients" "$RATE"; done
for clients in $MAX_CLIENTS; do run_step max "$clients" 0; done

# field LINE NAME
field() { sed -nE "s/.* $2=([^ ]+).*/\\1/p" <<<" $1"; }

echo
echo "live-benchmark: one trades symbol per subscriber (SYM<k mod 200>), $BATCH-line /write requests on $CONNECTIONS connections, $DURATION s per step; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "CPU in % of one core; box = every process on the machine (the rest of box − srv − bench is other load)"
echo "latency = client receipt − /write ack of the row's commit (from ack), − the row's ts = request send time (from send), and per frame − the ack of its newest commit (frame)"
header=(run clients "target/s" "ingest rows/s" "vs 0 subs" "ack p50" "ack p99" "frame p99" "send p50" "send p99" "frames/cl/s" "KB/s/cl" "rows recv/exp" "lagged/dropped" "srv CPU%" "srv MiB" "bench CPU%" "box CPU%")
format='%-6s %7s %9s %13s %9s %8s %8s %9s %9s %9s %11s %8s %17s %14s %8s %7s %10s %8s\n'
printf "$format" "${header[@]}"
baseline_paced="" baseline_max=""
while read -r line; do
    label=${line%% *}
    clients=$(field "$line" clients)
    rate=$(field "$line" ingest_rows_per_s)
    if [ "$clients" = 0 ]; then
        [ "$label" = paced ] && baseline_paced=$rate
        [ "$label" = max ] && baseline_max=$rate
    fi
    baseline=$([ "$label" = paced ] && echo "$baseline_paced" || echo "$baseline_max")
    relative=$([ -n "$baseline" ] && awk -v a="$rate" -v b="$baseline" 'BEGIN { printf "%.1f%%", 100 * a / b }' || echo "-")
    target=$([ "$(field "$line" rate)" = 0 ] && echo max || field "$line" rate)
    if [ "$clients" = 0 ]; then
        latency=(- - - - -) perclient=(- -) received=- lagged=-
    else
        latency=("$(field "$line" ack_p50_ms)" "$(field "$line" ack_p99_ms)" "$(field "$line" frame_p99_ms)" "$(field "$line" send_p50_ms)" "$(field "$line" send_p99_ms)")
        perclient=("$(field "$line" frames_per_client_s)" "$(awk -v b="$(field "$line" bytes_per_client_s)" 'BEGIN { printf "%.1f", b / 1000 }')")
        received="$(field "$line" rows_received)/$(field "$line" rows_expected)"
        lagged="$(field "$line" lagged)/$(field "$line" hub_dropped)"
    fi
    printf "$format" "$label" "$clients" "$target" "$rate" "$relative" "${latency[@]}" "${perclient[@]}" "$received" "$lagged" \
        "$(field "$line" server_cpu_pct)" "$(field "$line" server_rss_mib)" "$(field "$line" client_cpu_pct)" "$(field "$line" box_cpu_pct)"
done <"$results"

# The goals of issue 6, judged on the largest paced step and the unpaced pair.
largest=$(grep '^paced ' "$results" | awk '{ split($2, c, "="); if (c[2] + 0 >= max) { max = c[2] + 0; line = $0 } } END { print line }' || true)
max_with=$(grep '^max ' "$results" | awk '{ split($2, c, "="); if (c[2] + 0 >= max) { max = c[2] + 0; line = $0 } } END { print line }' || true)
verdict() { awk -v v="$1" -v l="$2" "BEGIN { print ((v $3 l) ? \"met\" : \"MISSED\") }"; }
echo
echo "goals (issue 6):"
if [ -n "$largest" ] && [ "$(field "$largest" clients)" != 0 ]; then
    n=$(field "$largest" clients)
    p99=$(field "$largest" ack_p99_ms)
    echo "  p99 delivery latency from commit to client receipt at $n clients under 100 ms, per row from its commit's acknowledgement: $p99 ms ($(verdict "$p99" 100 '<'))"
    echo "    (from the request's send, which adds its parsing and the commit itself: $(field "$largest" send_p99_ms) ms, for information)"
    echo "    (read per frame, from the commit a frame is tagged with, its newest: p99 $(field "$largest" frame_p99_ms) ms, $(verdict "$(field "$largest" frame_p99_ms)" 100 '<'); the per-row figure also counts the wait of a frame's older commit for its pacing window)"
    kb=$(awk -v b="$(field "$largest" bytes_per_client_s)" 'BEGIN { printf "%.1f", b / 1000 }')
    echo "  under 100 KB/s per client (one-symbol trades subscription): $kb KB/s ($(verdict "$kb" 100 '<'))"
fi
if [ -n "$baseline_paced" ] && [ -n "$largest" ] && [ "$(field "$largest" clients)" != 0 ]; then
    with=$(field "$largest" ingest_rows_per_s)
    share=$(awk -v a="$with" -v b="$baseline_paced" 'BEGIN { printf "%.1f", 100 * a / b }')
    echo "  ingest at the $RATE rows/s target with $(field "$largest" clients) clients ≥ 90% of without: $with vs $baseline_paced rows/s = $share% ($(verdict "$share" 90 '>='))"
fi
if [ -n "$baseline_max" ] && [ -n "$max_with" ] && [ "$(field "$max_with" clients)" != 0 ]; then
    with=$(field "$max_with" ingest_rows_per_s)
    share=$(awk -v a="$with" -v b="$baseline_max" 'BEGIN { printf "%.1f", 100 * a / b }')
    echo "  read as capacity, unpaced: max ingest rate with $(field "$max_with" clients) clients ≥ 90% of without: $with vs $baseline_max rows/s = $share% ($(verdict "$share" 90 '>='); the clients and the server share the cores)"
fi
