# Shared by the benchmark scripts (sourced, not run): release builds, a work folder removed on
# exit with every process the script started, and waiting for a child with a time limit.
# Expects SCRATCH_PATH; honours BUILD=0 (use the binaries already built) and KEEP_DATA=1.

# Builds the products named in release mode into $SCRATCH_PATH and sets `bin` to their folder.
build_release() {
    local build_log product
    build_log=$(mktemp)
    [ "${BUILD:-1}" = 1 ] || echo "== BUILD=0: using the binaries already in $SCRATCH_PATH"
    for product in "$@"; do
        [ "${BUILD:-1}" = 1 ] || break
        echo "== building $product (release)"
        if ! swift build -c release --scratch-path "$SCRATCH_PATH" --product "$product" >"$build_log" 2>&1; then
            grep -E "error" "$build_log" >&2 || tail -20 "$build_log" >&2
            rm -f "$build_log"
            echo "error: the release build of $product failed" >&2
            exit 1
        fi
    done
    rm -f "$build_log"
    bin=$(swift build -c release --scratch-path "$SCRATCH_PATH" --show-bin-path)
}

# Makes the work folder `work` (/tmp/<name>.XXXXXX); on exit, kills every PID the script put in
# `started_pids` and removes the folder unless KEEP_DATA=1.
make_work_folder() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    started_pids=()
    trap cleanup_work_folder EXIT
}

cleanup_work_folder() {
    for pid in "${started_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [ "${KEEP_DATA:-0}" = 1 ]; then echo "data kept in $work"; else rm -rf "$work"; fi
}

# Peak resident memory of process $1, in MiB.
peak_rss_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# Waits at most $2 seconds for child $1 to end and returns its exit status.
wait_exit() {
    local pid=$1 deadline=$((SECONDS + $2)) status=0
    while [ -e "/proc/$pid" ] && [ "$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" != Z ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then echo "error: process $pid still running after $2 s" >&2; return 1; fi
        sleep 0.1
    done
    wait "$pid" || status=$?
    return "$status"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts `tradewatch serve` on a free loopback port with data folder $1, logging to $2, with any
# further arguments; waits (at most 30 s) until it listens. Sets `server_pid` and `server_url`.
start_tradewatch() {
    local data=$1 log=$2
    shift 2
    # Load from one loopback address would otherwise meet the per-client query budget; the system
    # collector is off unless TRADEWATCH_SYSTEM_INTERVAL says otherwise (its commits are not the load).
    TRADEWATCH_SYSTEM_INTERVAL=${TRADEWATCH_SYSTEM_INTERVAL:-0} "$bin/tradewatch" serve --host 127.0.0.1 --port 0 --data-dir "$data" \
        --query-rate 0 --max-concurrent-queries 0 --max-connections 100000 "$@" >"$log" 2>&1 &
    server_pid=$!
    started_pids+=("$server_pid")
    server_url=""
    for _ in $(seq 1 300); do
        server_url=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | sed 's/listening on //' || true)
        [ -n "$server_url" ] && break
        sleep 0.1
    done
    [ -n "$server_url" ] || { echo "error: tradewatch did not start: $(cat "$log")" >&2; exit 1; }
}

# Starts VictoriaMetrics on a free loopback port with data folder $1, logging to $2; waits (at most
# 30 s) until it is healthy. Sets `vm_pid` and `vm_url`.
start_victoria_metrics() {
    local data=$1 log=$2 port
    port=$(free_port)
    vm_url="http://127.0.0.1:$port"
    victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$data" -retentionPeriod=100y >"$log" 2>&1 &
    vm_pid=$!
    started_pids+=("$vm_pid")
    for _ in $(seq 1 300); do
        curl -sf "$vm_url/health" >/dev/null && break
        sleep 0.1
    done
    curl -sf "$vm_url/health" >/dev/null || { echo "error: victoria-metrics did not start: $(tail -5 "$log")" >&2; exit 1; }
}
