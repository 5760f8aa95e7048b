#!/usr/bin/env bash
# Dashboard performance, measured once (figures in docs/PERFORMANCE.md): headless Chromium
# against `tradewatch serve --demo` on loopback.
#
#   ./scripts/bench-dashboard.sh                 # 5-minute run
#   MINUTES=1 ./scripts/bench-dashboard.sh
#
# - page load: navigation timing of the first load with the cache off, then the median of five
#   reloads (revalidated, 304s);
# - smoothness: a line chart of the dashboard's own code drawing 8 series of 10,000 points, one
#   new point per series 10 times a second, on top of the live page; long tasks (> 50 ms) are
#   counted with a PerformanceObserver and every draw is timed;
# - memory: the JS heap after a forced garbage collection, sampled every 15 s over the run;
# - attribution: each long task with the long animation frame around it (scripts, where from,
#   forced layout, rendering) or the benchmark's own forced GC, and for the last 30 s (traced)
#   the main thread's CPU by activity (commit, paint, layout, timers, scripts…).
# Results: $OUT/bench.json (default .build/bench-dashboard) and a screenshot. The server is the
# debug build (TRADEWATCH_BIN to change it): it only serves files from memory and the demo feed.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${TRADEWATCH_BIN:-.build/debug/tradewatch}"
minutes="${MINUTES:-5}"
out="${OUT:-.build/bench-dashboard}"
[ -x "$bin" ] || { echo "error: $bin is not built; run 'swift build --product tradewatch'" >&2; exit 1; }
if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Chromium from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
mkdir -p "$out"
echo "== $(nproc) cores; chromium $(chromium --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1); $minutes min run"
limit=$(python3 -c "print(int($minutes * 60 + 240))")
timeout --signal=TERM --kill-after=15 "$limit" \
    python3 scripts/dashboard-browser.py bench --binary "$bin" --out "$out" --minutes "$minutes"
