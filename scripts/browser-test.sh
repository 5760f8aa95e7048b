#!/usr/bin/env bash
# Browser test of the dashboard (part of `make test`): headless Chromium (Debian's package,
# installed if missing) loads the page from a real `tradewatch serve --demo` and, through the
# DevTools protocol (scripts/dashboard-browser.py, Python's standard library only), waits until
# every panel shows simulated data (DOM) and every chart has drawn (canvas pixels); saves
# screenshots at 1280x800 and 390x844 in dark and light (and the whole phone page); checks the
# number formatters on edge values (no exponent notation, units that roll over); opens a
# correlation id; switches a chart's metric and window; sets the log level and text filters
# (the server's matching lines must show); restarts the server and checks the page reconnects
# without a reload. It fails on any console error or
# uncaught exception, an empty chart or a panel without data.
#
# Screenshots and logs go to $BROWSER_TEST_OUT (default .build/browser-test, the CI artifacts);
# with UPDATE_SCREENSHOTS=1 they are also copied to docs/screenshots (the README shows them), so
# that an ordinary `make test` leaves the committed pictures alone.
# TRADEWATCH_BIN names the binary (default .build/debug/tradewatch).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dashboard in headless Chromium against tradewatch serve --demo"
bin="${TRADEWATCH_BIN:-.build/debug/tradewatch}"
[ -x "$bin" ] || { echo "error: $bin is not built; run 'swift build --product tradewatch'" >&2; exit 1; }
if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Chromium from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

out="${BROWSER_TEST_OUT:-.build/browser-test}"
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.log
# Every wait inside is bounded; this caps the whole run (the driver stops Chromium and the
# server it started, by PID, when told to end).
copy=()
[ "${UPDATE_SCREENSHOTS:-0}" = 1 ] && copy=(--screenshots docs/screenshots)
timeout --signal=TERM --kill-after=15 420 \
    python3 scripts/dashboard-browser.py test --binary "$bin" --out "$out" "${copy[@]}" --settle 25
