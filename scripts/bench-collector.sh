#!/usr/bin/env bash
# What the system collector costs: (1) CPU per collection, measured on its own thread by
# collector-benchmark; (2) the whole idle server's CPU over IDLE_SECONDS (default 60) with the
# collector off and at 1 s, so that storing its rows (one commit a second) is counted too.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH_PATH=${SCRATCH_PATH:-.build-bench}
source scripts/bench-common.sh
build_release collector-benchmark tradewatch
make_work_folder tradewatch-collector

echo "== (1) one collection, CPU time on the collector's thread"
"$bin/collector-benchmark"

idle=${IDLE_SECONDS:-60}
ticks_per_second=$(getconf CLK_TCK)
echo "== (2) idle server, ${idle} s each, CPU from /proc/PID/stat"
for interval in 0 1; do
    TRADEWATCH_SYSTEM_INTERVAL=$interval start_tradewatch "$work/data-$interval" "$work/server-$interval.log"
    sleep 5
    before=$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")
    sleep "$idle"
    after=$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")
    kill -TERM "$server_pid"
    wait_exit "$server_pid" 30
    awk -v t=$((after - before)) -v hz="$ticks_per_second" -v s="$idle" -v i="$interval" 'BEGIN {
        printf "collector interval %s s: server used %.2f s of CPU in %d s = %.2f%% of one core\n", (i == 0 ? "off" : i), t / hz, s, 100 * t / hz / s }'
done
echo "(the collector's share is the difference between the two lines; goal: under 0.5% of one core)"
