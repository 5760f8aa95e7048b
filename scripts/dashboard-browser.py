#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol (over --remote-debugging-pipe, so only
the standard library is needed) against a real `tradewatch serve --demo`.

    dashboard-browser.py test  --binary .build/debug/tradewatch --out .build/browser-test [--screenshots docs/screenshots]
    dashboard-browser.py bench --binary .build/release/tradewatch --out .build/bench-dashboard [--minutes 5]

`test` loads the dashboard, waits until every panel shows data (DOM) and every chart has drawn
(canvas pixels), takes screenshots at 1280x800 and 390x844 in dark and light, opens a
correlation id, restarts the server and checks the page reconnects without reloading, and fails
on any console error or uncaught exception. `bench` measures page load time, long tasks while a
chart draws 8 series of 10,000 points at 10 updates/s, and the JS heap over a run.
Every process started here is stopped by its PID; every wait is bounded.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# --------------------------------------------------------------------------------------------
# Processes


class Server:
    """`tradewatch serve --demo` on a free loopback port (the same port again after a restart)."""

    def __init__(self, binary, data_dir, log_path, extra):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.extra = extra
        self.port = 0
        self.process = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        offset = log.tell()
        for attempt in range(10):
            try:
                self.process = subprocess.Popen(
                    [self.binary, "serve", "--demo", "--host", "127.0.0.1", "--port", str(self.port),
                     "--data-dir", self.data_dir, *self.extra],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                break
            except OSError as error:
                # A build relinking the binary this very moment (text file busy): try again shortly.
                if error.errno != 26 or attempt == 9:
                    raise Failure(f"cannot start {self.binary}: {error}")
                time.sleep(1)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                text = handle.read().decode("utf-8", "replace")
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
            if match:
                self.port = int(match.group(1))
                return f"http://127.0.0.1:{self.port}/"
            if self.process.poll() is not None:
                raise Failure(f"tradewatch exited with {self.process.returncode} before listening:\n{text[-2000:]}")
            time.sleep(0.1)
        raise Failure(f"tradewatch did not listen within {timeout} s")

    def stop(self, timeout=30):
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Failure(Exception):
    pass


class Chromium:
    """Headless Chromium speaking CDP over file descriptors 3 (commands in) and 4 (answers out)."""

    def __init__(self, binary, profile_dir, log_path):
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()

        def descriptors():
            high_in, high_out = os.dup(to_child_read), os.dup(from_child_write)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--mute-audio", "--disable-extensions", "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--disable-renderer-backgrounding",
             "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
             f"--user-data-dir={profile_dir}", "about:blank"],
            preexec_fn=descriptors, pass_fds=(3, 4), stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        os.close(to_child_read)
        os.close(from_child_write)
        self.writer = os.fdopen(to_child_write, "wb", buffering=0)
        self.reader = os.fdopen(from_child_read, "rb", buffering=0)
        self.next_id = 0
        self.lock = threading.Lock()
        self.answers = {}
        self.events = []
        self.listeners = []
        self.changed = threading.Condition(self.lock)
        threading.Thread(target=self.read_loop, daemon=True).start()

    def read_loop(self):
        buffer = b""
        while True:
            chunk = self.reader.read(65536)
            if not chunk:
                with self.changed:
                    self.answers["closed"] = True
                    self.changed.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self.changed:
                    if "id" in message:
                        self.answers[message["id"]] = message
                    else:
                        for listener in self.listeners:
                            listener(message)
                    self.changed.notify_all()

    def send(self, method, params=None, session=None, timeout=30):
        with self.lock:
            self.next_id += 1
            number = self.next_id
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.writer.write(json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        with self.changed:
            while number not in self.answers:
                if self.answers.get("closed"):
                    raise Failure(f"Chromium closed the pipe during {method}")
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise Failure(f"no answer to {method} within {timeout} s")
                self.changed.wait(remaining)
            answer = self.answers.pop(number)
        if "error" in answer:
            raise Failure(f"{method}: {answer['error'].get('message')}")
        return answer.get("result", {})

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


class Page:
    """One tab: console errors and exceptions are collected as they happen."""

    def __init__(self, browser):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.problems = []
        self.tolerate_network = False
        self.loaded = threading.Event()
        browser.listeners.append(self.event)
        for domain in ("Page", "Runtime", "Log", "Performance"):
            self.send(f"{domain}.enable")

    def send(self, method, params=None, timeout=30):
        return self.browser.send(method, params, self.session, timeout)

    def event(self, message):
        if message.get("sessionId") != self.session:
            return
        method, params = message.get("method"), message.get("params", {})
        if method == "Page.loadEventFired":
            self.loaded.set()
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.problems.append(f"uncaught exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.problems.append(f"console.{params['type']}: {text}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            network = entry.get("source") == "network" or "WebSocket connection" in entry.get("text", "")
            if not (self.tolerate_network and network):
                self.problems.append(f"{entry.get('source')} error: {entry.get('text')} {entry.get('url', '')}")

    def navigate(self, url, timeout=30):
        self.loaded.clear()
        self.send("Page.navigate", {"url": url})
        if not self.loaded.wait(timeout):
            raise Failure(f"{url} did not finish loading within {timeout} s")

    def evaluate(self, expression, timeout=30):
        result = self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True}, timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise Failure(f"evaluation failed: {details.get('exception', {}).get('description') or details.get('text')}")
        return result.get("result", {}).get("value")

    def viewport(self, width, height, mobile, scheme):
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self.send("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def screenshot(self, path, full_page=False):
        params = {"format": "png"}
        if full_page:
            height = self.evaluate("document.documentElement.scrollHeight")
            width = self.evaluate("document.documentElement.clientWidth")
            params.update({"captureBeyondViewport": True,
                           "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise Failure("no Chromium found; install Debian's chromium package")


# --------------------------------------------------------------------------------------------
# What "every panel has data" means, checked inside the page.

PANEL_CHECKS = r"""
(() => {
  const colored = (canvas) => {
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      if (data[i + 3] > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) count += 1;
    }
    return count;
  };
  const text = (selector) => (document.querySelector(selector)?.textContent || '').trim();
  const digits = (selector) => /\d/.test(text(selector));
  const failures = [];
  const expect = (ok, message) => { if (!ok) failures.push(message); };
  for (const id of ['metric-a', 'metric-b', 'candles']) {
    const pixels = colored(document.querySelector(`#${id} canvas`));
    expect(pixels >= 150, `#${id}: chart drew ${pixels} coloured pixels (want at least 150)`);
  }
  for (const id of ['metric-a', 'metric-b']) {
    expect([...document.querySelectorAll(`#${id} .legend b`)].some((b) => /\d/.test(b.textContent)), `#${id}: legend has no value`);
  }
  expect(digits('#candles .candle-readout'), 'candles: no last price');
  const strategies = [...document.querySelectorAll('#strategies .strategy')];
  expect(strategies.length >= 1, 'strategies: no strategy shown');
  expect(strategies.some((s) => /\d/.test(s.querySelector('.pnl').textContent)), 'strategies: no PnL value');
  expect(strategies.some((s) => colored(s.querySelector('canvas')) >= 20), 'strategies: no PnL sparkline drawn');
  const executions = [...document.querySelectorAll('#executions tbody tr')];
  expect(executions.length >= 1, 'executions: table is empty');
  expect(executions.some((tr) => /\d/.test(tr.querySelector('.slippage').textContent)), 'executions: no slippage value');
  expect(document.querySelectorAll('#logs .log-list li').length >= 1, 'logs: no line shown');
  for (const stat of ['ingest', 'queue', 'clients', 'cpu', 'memory', 'disk']) {
    expect(digits(`[data-stat="${stat}"] .value`), `health: ${stat} shows "${text(`[data-stat="${stat}"] .value`)}"`);
  }
  expect(text('[data-stat="error"] .value') !== '—', 'health: last error not filled in');
  expect(document.getElementById('connection').dataset.state === 'live', `connection: ${text('#connection')}`);
  return failures;
})()
"""

# WCAG contrast of the theme's text colours on the panels (4.5:1 at least), read as the browser
# resolves them in the theme in force.
CONTRAST_CHECK = r"""
(() => {
  const probe = document.createElement('span');
  document.body.append(probe);
  const rgb = (name) => {
    probe.style.color = `var(${name})`;
    return getComputedStyle(probe).color.match(/[\d.]+/g).slice(0, 3).map(Number);
  };
  const luminance = (c) => {
    const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const failures = [];
  for (const background of ['--panel', '--panel-raised']) {
    for (const text of ['--text', '--muted', '--accent', '--up', '--down', '--warn']) {
      const value = ratio(rgb(text), rgb(background));
      if (value < 4.5) failures.push(`${text} on ${background}: ${value.toFixed(2)}:1`);
    }
  }
  probe.remove();
  return failures;
})()
"""

CORRELATION_CHECK = r"""
(async () => {
  const button = document.querySelector('#logs .log-list button.corr, #executions button.corr');
  if (!button) return 'no correlation id to click';
  const id = button.textContent;
  button.click();
  const dialog = document.getElementById('correlation-dialog');
  for (let i = 0; i < 50; i += 1) {
    const items = document.querySelectorAll('#correlation-list li');
    if (dialog.open && items.length > 0) {
      const shown = document.getElementById('correlation-id').textContent;
      const summary = document.getElementById('correlation-summary').textContent;
      dialog.close();
      return shown === id ? `ok: ${id}: ${summary}` : `dialog shows ${shown}, clicked ${id}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return `correlation ${id}: dialog ${dialog.open ? 'open but empty' : 'not open'}`;
})()
"""

# The number formatters on edge values: exact answers for the cases that once went wrong (the unit
# chosen before rounding reached 1000, then `1.00e+3 MiB`), and a sweep of magnitudes from 5e-9 to
# 1e15, both signs, every unit and every precision the axis labels use, none of which may come
# out in exponent notation.
FORMAT_CHECK = r"""
(async () => {
  const f = await import('./assets/format.js');
  const MiB = 2 ** 20, GiB = 2 ** 30;
  const cases = [
    ['formatBytes', [1023.9 * MiB], '1 GiB'], ['formatBytes', [1023.95 * 1024], '1 MiB'],
    ['formatBytes', [1023.95 * MiB], '1 GiB'], ['formatBytes', [1023.95 * GiB], '1 TiB'],
    ['formatBytes', [1000 * MiB], '0.977 GiB'], ['formatBytes', [999.6], '0.976 KiB'],
    ['formatBytes', [512], '512 B'], ['formatBytes', [0], '0 B'], ['formatBytes', [-1.5 * GiB], '-1.5 GiB'],
    ['formatValue', [999.7, 'us'], '1 ms'], ['formatValue', [999.4, 'us'], '999 µs'],
    ['formatValue', [0.9999, 'ms'], '1 ms'], ['formatValue', [-0.9999, 'ms'], '-1 ms'],
    ['formatValue', [0.5, 'us'], '500 ns'], ['formatValue', [999.96, 'ms'], '1 s'],
    ['formatDuration', [0.99996], '1 s'], ['formatDuration', [119.99], '2m 00s'],
    ['formatDuration', [179.7], '3m 00s'], ['formatDuration', [-179.7], '-3m 00s'],
    ['formatDuration', [0], '0'], ['formatDuration', [9000], '2h 30m'],
    ['formatValue', [999.7, 'percent'], '1,000%'], ['formatValue', [999.5, 'percent'], '1,000%'],
    ['formatValue', [99.99, 'percent'], '100%'], ['formatValue', [1e-5, 'percent'], '0.00001%'],
    ['formatValue', [999.99, 'bps'], '1,000 bps'], ['formatValue', [999.99, 'plain'], '1,000'],
    ['formatValue', [999999.7, 'plain'], '1M'], ['formatValue', [-999999.7, 'plain'], '-1M'],
    ['formatValue', [1.234e-5, 'plain'], '0.00001234'], ['formatValue', [0, 'plain'], '0'],
    ['formatNumber', [999960, 3], '1M'], ['formatNumber', [1e15, 3], '1000T'],
  ];
  const failures = [];
  for (const [name, args, want] of cases) {
    const got = f[name](...args);
    if (got !== want) failures.push(`${name}(${args.join(', ')}) is "${got}", want "${want}"`);
  }
  let count = cases.length;
  const units = ['bytes', 'us', 'ms', 's', 'percent', 'bps', 'plain'];
  for (let exponent = -8; exponent <= 15; exponent += 1) {
    for (const mantissa of [1, 0.9995, 0.99996, 0.9999999, 1.0239, 1.02399, 0.5]) {
      for (const sign of [1, -1]) {
        const value = sign * mantissa * 10 ** exponent;
        const texts = [f.formatNumber(value), f.formatNumber(value, 3), f.formatBytes(value * 1024),
                       f.formatDuration(value)];
        for (const unit of units) for (let digits = 3; digits <= 9; digits += 1) texts.push(f.formatValue(value, unit, digits));
        texts.push(...f.tickLabels([value, value * 1.001, value * 1.002], 'bytes'));
        count += texts.length;
        const bad = texts.find((text) => /\de[+-]?\d/.test(text) || /NaN|undefined|Infinity/.test(text));
        if (bad !== undefined) failures.push(`${value}: "${bad}"`);
      }
    }
  }
  return { count, failures: failures.slice(0, 20) };
})()
"""

# Shared by the interaction checks below: bounded waits and coloured pixels of a canvas.
PAGE_HELPERS = r"""
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (ok, ms) => {
  for (const end = Date.now() + ms; Date.now() < end; await pause(100)) if (ok()) return true;
  return ok();
};
const colored = (canvas) => {
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) count += 1;
  }
  return count;
};
const dayAgo = () => new Date(Date.now() - 86400e3).toISOString();
const rowsOf = async (query) => (await (await fetch(`api/v1/logs?${query}&start=${dayAgo()}`)).json()).rows;
"""

# The first metric chart switched to another metric, then to the 1 h window: the title, the
# legend and the drawing follow; the original choice is put back after.
METRIC_SWITCH_CHECK = r"""
(async () => {
  %s
  const panel = document.getElementById('metric-a');
  const picker = panel.querySelector('.metric-picker');
  const canvas = panel.querySelector('canvas');
  const title = panel.querySelector('.panel-title');
  const before = picker.value;
  const names = [...picker.options].map((option) => option.value);
  const other = names.find((name) => name !== before && /^system\.cpu\.usage|^process\.cpu/.test(name))
    || names.find((name) => name !== before);
  if (!other) return `only one metric to pick (${before})`;
  const legendBefore = panel.querySelector('.legend').textContent;
  picker.value = other;
  picker.dispatchEvent(new Event('change'));
  const drawn = () => Number(canvas.dataset.points) > 0 && colored(canvas) >= 150
    && [...panel.querySelectorAll('.legend b')].some((b) => /\d/.test(b.textContent));
  if (!await waitFor(() => title.textContent === other && panel.querySelector('.legend').textContent !== legendBefore && drawn(), 15000)) {
    return `after picking ${other}: title "${title.textContent}", ${canvas.dataset.points} points, legend "${panel.querySelector('.legend').textContent}"`;
  }
  const hour = panel.querySelector('[data-window="1h"]');
  hour.click();
  await pause(300);
  if (hour.getAttribute('aria-pressed') !== 'true') return '1h window button not pressed after a click';
  if (!await waitFor(drawn, 15000)) return `1h window of ${other}: ${canvas.dataset.points} points, ${colored(canvas)} coloured pixels`;
  const detail = `${before} → ${other}, 5m → 1h: ${canvas.dataset.points} points drawn`;
  panel.querySelector('[data-window="5m"]').click();
  picker.value = before;
  picker.dispatchEvent(new Event('change'));
  if (!await waitFor(() => title.textContent === before && drawn(), 15000)) return `back to ${before}: not drawn again`;
  return `ok: ${detail}`;
})()
""" % PAGE_HELPERS

# Log filters reach past the page's own latest lines: "warning and up" shows the server's newest
# warning, and text shows an old line found by the server (the page keeps only the newest
# 1,000); every line shown matches; clearing the filters shows the live tail again.
LOG_FILTER_CHECK = r"""
(async () => {
  %s
  const panel = document.getElementById('logs');
  const picker = panel.querySelector('.log-level');
  const search = panel.querySelector('.log-search');
  const items = () => [...panel.querySelectorAll('.log-list li')];
  const set = (element, value, event) => { element.value = value; element.dispatchEvent(new Event(event)); };
  const serious = ['warning', 'error', 'critical'];
  const details = [];
  const warning = (await rowsOf('level=warning,error,critical&order=desc&limit=1'))[0];
  set(picker, 'warning', 'change');
  if (warning) {
    const at = (li) => li.querySelector('time').getAttribute('datetime') === warning.ts;
    if (!await waitFor(() => items().some(at), 10000)) return `level "warning and up": the newest warning (${warning.ts} ${warning.message}) not shown`;
  } else {
    await pause(1500);
  }
  const wrong = items().map((li) => li.querySelector('.badge').textContent).filter((level) => !serious.includes(level));
  if (wrong.length) return `level "warning and up" shows ${wrong.length} lines below it (${wrong[0]})`;
  details.push(`${items().length} lines at warning or above`);
  set(picker, 'trace', 'change');
  const old = (await rowsOf('order=asc&limit=100')).find((row) => row.correlation_id);
  if (!old) return 'no log line with a correlation id on the server';
  const text = old.correlation_id.slice(0, 12);
  set(search, text, 'input');
  const found = () => items().some((li) => li.querySelector('time').getAttribute('datetime') === old.ts);
  if (!await waitFor(found, 10000)) return `text "${text}": the server's line ${old.ts} "${old.message}" not shown`;
  const stray = items().filter((li) => !li.textContent.toLowerCase().includes(text));
  if (stray.length) return `text "${text}" shows a line without it: ${stray[0].textContent}`;
  details.push(`"${text}" found ${items().length} lines back to ${old.ts}`);
  set(search, '', 'input');
  if (!await waitFor(() => items().length >= 20 && !panel.querySelector('.log-count').textContent.includes('matching'), 5000)) {
    return `filters cleared: ${items().length} lines, "${panel.querySelector('.log-count').textContent}"`;
  }
  return `ok: ${details.join('; ')}`;
})()
""" % PAGE_HELPERS


def wait_for_panels(page, timeout):
    deadline = time.time() + timeout
    failures = ["not checked"]
    while time.time() < deadline:
        failures = page.evaluate(PANEL_CHECKS)
        if not failures and not page.problems:
            return
        if page.problems:
            break
        time.sleep(1)
    raise Failure("panels without data after %d s:\n  %s" % (timeout, "\n  ".join(failures + page.problems)))


def wait_until(page, expression, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate(expression):
            return
        time.sleep(0.25)
    raise Failure(f"{what} within {timeout} s")


# --------------------------------------------------------------------------------------------
# test


def run_test(args, browser, server, page, url):
    results = []

    def passed(name, detail=""):
        results.append(name)
        print(f"  ok   {name}{(': ' + detail) if detail else ''}", flush=True)

    page.viewport(1280, 800, False, "dark")
    started = time.time()
    page.navigate(url)
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
    load_ms = json.loads(timing)["loadEventEnd"]
    passed("page loads", f"load event after {load_ms:.0f} ms")
    formats = page.evaluate(FORMAT_CHECK)
    if formats["failures"]:
        raise Failure("number formatting:\n  " + "\n  ".join(formats["failures"]))
    passed("numbers never shown in exponent notation, units roll over", f"{formats['count']} values")
    wait_for_panels(page, args.timeout)
    passed("every panel shows data at 1280x800", f"after {time.time() - started:.1f} s")
    shots = []

    def shot(name, full_page=False):
        path = os.path.join(args.out, name)
        page.screenshot(path, full_page)
        shots.append(path)

    # Let the charts gather some history, so the screenshots show more than the first seconds.
    time.sleep(max(1, args.settle))
    wait_for_panels(page, 15)
    shot("dashboard-1280x800-dark.png")
    low = page.evaluate(CONTRAST_CHECK)
    page.viewport(1280, 800, False, "light")
    time.sleep(1.5)
    wait_for_panels(page, 15)
    shot("dashboard-1280x800-light.png")
    low += page.evaluate(CONTRAST_CHECK)
    if low:
        raise Failure("text colours below 4.5:1 contrast: " + ", ".join(low))
    passed("dark and light themes, text contrast at least 4.5:1")

    page.viewport(390, 844, True, "dark")
    time.sleep(1.5)
    wait_for_panels(page, 20)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        raise Failure(f"at 390x844 the page is {overflow} px wider than the screen")
    shot("dashboard-390x844-dark.png")
    shot("dashboard-390x844-dark-full.png", full_page=True)
    page.viewport(390, 844, True, "light")
    time.sleep(1.5)
    shot("dashboard-390x844-light.png")
    passed("every panel shows data at 390x844, no sideways scrolling")

    page.viewport(1280, 800, False, "dark")
    # Boxes squeezed to a few pixels (as happens for a moment while the page reflows) must not
    # make a chart throw.
    page.evaluate("for (const chart of document.querySelectorAll('.chart')) chart.style.width = '24px'; true")
    time.sleep(0.5)
    page.evaluate("for (const chart of document.querySelectorAll('.chart')) chart.style.width = ''; true")
    time.sleep(0.5)
    if page.problems:
        raise Failure("charts squeezed to 24 px: " + "; ".join(page.problems))
    passed("charts squeezed to a few pixels draw nothing and throw nothing")

    answer = page.evaluate(CORRELATION_CHECK)
    if not str(answer).startswith("ok"):
        raise Failure(f"correlation dialog: {answer}")
    passed("clicking a correlation id shows its log lines and executions", answer[4:])

    for name, expression in (("the metric picker and time window redraw the chart", METRIC_SWITCH_CHECK),
                             ("log filters find the server's matching lines, live ones added", LOG_FILTER_CHECK)):
        answer = page.evaluate(expression, timeout=60)
        if not str(answer).startswith("ok"):
            raise Failure(f"{name}: {answer}")
        passed(name, answer[4:])

    focusable = page.evaluate(
        "[...document.querySelectorAll('#panels button, #panels select, #panels input, #panels canvas')]"
        ".filter((e) => e.tabIndex >= 0 && !e.disabled && e.offsetParent !== null).length")
    if focusable < 8:
        raise Failure(f"only {focusable} controls of the panels can take keyboard focus")
    passed("controls and charts take keyboard focus", f"{focusable} focusable")

    if server:
        page.evaluate("window.__tradewatchNoReload = true")
        page.tolerate_network = True
        server.stop()
        wait_until(page, "document.getElementById('connection').dataset.state !== 'live'", 20,
                   "the page did not notice the server stopped")
        server.start()
        wait_until(page, "document.getElementById('connection').dataset.state === 'live'", 40,
                   "the page did not reconnect to the restarted server")
        page.evaluate("document.querySelectorAll('#logs .log-list li').length")
        before = page.evaluate("document.querySelector('#logs .log-list li')?.textContent || ''")
        wait_until(page, f"(document.querySelector('#logs .log-list li')?.textContent || '') !== {json.dumps(before)}", 30,
                   "no new log line arrived after the restart")
        page.tolerate_network = False
        if not page.evaluate("window.__tradewatchNoReload === true"):
            raise Failure("the page reloaded during the restart")
        wait_for_panels(page, 30)
        passed("reconnects to a restarted server without reloading")

    if page.problems:
        raise Failure("console errors:\n  " + "\n  ".join(page.problems))
    passed("no console error or uncaught exception")
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
        for path in shots:
            shutil.copy(path, os.path.join(args.screenshots, os.path.basename(path)))
    print(f"screenshots: {' '.join(shots)}")
    print(f"{len(results)} passed, 0 failed")


# --------------------------------------------------------------------------------------------
# bench

BENCH_DRIVER = r"""
(async () => {
  const { LineChart } = await import('./assets/linechart.js');
  const { Series } = await import('./assets/series.js');
  // The first chart panel's box gets a chart of its own in place of the page's: same size, same
  // code, the rest of the page live around it.
  const panel = document.querySelector('#metric-a .chart');
  for (const child of panel.children) child.hidden = true;
  panel.querySelector('canvas').style.display = 'none';
  const root = document.createElement('div');
  root.className = 'bench-chart';
  Object.assign(root.style, { position: 'absolute', inset: '0' });
  root.append(document.createElement('canvas'), Object.assign(document.createElement('div'), { className: 'tooltip', hidden: true }));
  root.firstChild.style.cssText = 'position:absolute;inset:0;width:100%;height:100%';
  panel.append(root);
  const step = 100, points = 10000, now = Date.now();
  const series = [];
  for (let s = 0; s < 8; s += 1) {
    const one = new Series(`s${s}`, points);
    let value = 100 + s * 5;
    for (let i = 0; i < points; i += 1) {
      value += Math.sin(i / 50 + s) * 0.5 + (Math.random() - 0.5);
      one.push(now - (points - i) * step, value);
    }
    series.push(one);
  }
  const chart = new LineChart(root, { windowMs: points * step });
  chart.setSeries(series);
  const draws = [];
  const draw = chart.draw.bind(chart);
  chart.draw = () => { const t = performance.now(); draw(); draws.push(performance.now() - t); };
  const longTasks = [];
  const longTaskTimes = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks.push(entry.duration);
      longTaskTimes.push([Math.round(entry.startTime), Math.round(entry.duration)]);
    }
  })
    .observe({ type: 'longtask', buffered: false });
  // What the long frames were made of: scripts (where from, forced layout), style and layout,
  // and when (to line them up with the benchmark's own forced garbage collections).
  const longFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      longFrames.push({
        start: Math.round(e.startTime), duration: Math.round(e.duration), blocking: Math.round(e.blockingDuration),
        render: e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0,
        styleAndLayout: e.styleAndLayoutStart ? Math.round(e.startTime + e.duration - e.styleAndLayoutStart) : 0,
        scripts: e.scripts.map((x) => ({
          invoker: x.invoker, type: x.invokerType, source: `${x.sourceURL.split('/').pop()}:${x.sourceFunctionName}`,
          duration: Math.round(x.duration), forcedLayout: Math.round(x.forcedStyleAndLayoutDuration),
          pause: Math.round(x.pauseDuration) })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: false });
  const marks = [];
  let updates = 0;
  setInterval(() => {
    const t = Date.now();
    for (const one of series) one.push(t, one.lastValue + (Math.random() - 0.5));
    updates += 1;
    chart.invalidate();
  }, step);
  window.__bench = { draws, longTasks, longTaskTimes, longFrames, marks, get updates() { return updates; }, series };
  return series.map((one) => one.length);
})()
"""


def trace_main_thread(browser, seconds):
    """Main-thread tasks of the page's renderer over `seconds`: (wall ms, CPU ms) of each. CPU time
    tells the page's own work from time the thread waited for a core on a busy machine."""
    events = []
    done = threading.Event()

    def listener(message):
        if message.get("method") == "Tracing.dataCollected":
            events.extend(message["params"]["value"])
        elif message.get("method") == "Tracing.tracingComplete":
            done.set()

    browser.listeners.append(listener)
    browser.send("Tracing.start", {"categories": "devtools.timeline,disabled-by-default-devtools.timeline",
                                   "transferMode": "ReportEvents"})
    time.sleep(seconds)
    browser.send("Tracing.end")
    done.wait(60)
    browser.listeners.remove(listener)
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    on_main = sorted((e for e in events if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X" and "dur" in e),
                     key=lambda e: (e["ts"], -e["dur"]))
    tasks = [e for e in on_main if e.get("name") == "RunTask"]
    return [(e["dur"] / 1000, e.get("tdur", e["dur"]) / 1000) for e in tasks], cpu_by_activity(tasks, on_main)


def cpu_by_activity(tasks, on_main):
    """CPU milliseconds of the main thread by what its tasks did (the outermost named event inside
    each task: a timer, an animation frame, a message, layout, paint…), for every task and for
    the tasks over 50 ms of wall-clock time."""
    def label(e):
        data = e.get("args", {}).get("data", {})
        detail = data.get("type") or data.get("functionName") or ""
        url = (data.get("url") or "").rsplit("/", 1)[-1]
        return " ".join(part for part in (e["name"], detail, url) if part)

    everything, in_long = {}, {}
    index = 0
    for task in tasks:
        end = task["ts"] + task["dur"]
        inside_until = task["ts"]
        while index < len(on_main) and on_main[index]["ts"] < task["ts"]:
            index += 1
        cursor = index
        while cursor < len(on_main) and on_main[cursor]["ts"] < end:
            event = on_main[cursor]
            cursor += 1
            if event is task or event["name"] == "RunTask" or event["ts"] < inside_until:
                continue
            inside_until = event["ts"] + event["dur"]
            cpu = event.get("tdur", event["dur"]) / 1000
            name = label(event)
            ms, count = everything.get(name, (0, 0))
            everything[name] = (ms + cpu, count + 1)
            if task["dur"] > 50000:
                ms, count = in_long.get(name, (0, 0))
                in_long[name] = (ms + cpu, count + 1)
    top = lambda table: {name: f"{ms:.1f} ms in {count}" for name, (ms, count)
                         in sorted(table.items(), key=lambda x: -x[1][0])[:12]}
    return {"all_tasks_cpu_ms": top(everything), "tasks_over_50ms_wall_cpu_ms": top(in_long)}


def explain_long_tasks(tasks, frames, marks):
    """Each long task with what overlapped it: the benchmark's forced GC, or the long animation
    frame around it (its scripts and rendering)."""
    collections = [(start, end) for (name, start), (_, end) in zip(marks[0::2], marks[1::2]) if name == "gc"]
    explained = []
    for start, duration in tasks:
        end = start + duration
        what = {"start_ms": start, "duration_ms": duration}
        if any(gc_start - 5 <= end and start <= gc_end + 5 for gc_start, gc_end in collections):
            what["during"] = "the benchmark's forced garbage collection (HeapProfiler.collectGarbage)"
        frame = next((f for f in frames if f["start"] - 5 <= start <= f["start"] + f["duration"]), None)
        if frame:
            what["frame"] = frame
        explained.append(what)
    return explained


def run_bench(args, browser, server, page, url):
    page.viewport(1280, 800, False, "dark")
    loads = []
    for attempt in range(args.loads):
        page.send("Network.enable")
        page.send("Network.setCacheDisabled", {"cacheDisabled": attempt == 0})
        page.navigate(url)
        timing = json.loads(page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())"))
        loads.append((timing["domContentLoadedEventEnd"], timing["loadEventEnd"]))
    wait_started = time.time()
    wait_for_panels(page, args.timeout)
    data_after = time.time() - wait_started
    lengths = page.evaluate(BENCH_DRIVER)
    print(f"driver: 8 series of {lengths} points, 10 updates/s", flush=True)
    samples = []
    duration = args.minutes * 60
    started = time.time()
    next_sample = started
    while time.time() - started < duration:
        if time.time() >= next_sample:
            page.evaluate("window.__bench.marks.push(['gc', Math.round(performance.now())])")
            page.send("HeapProfiler.collectGarbage")
            page.evaluate("window.__bench.marks.push(['gc end', Math.round(performance.now())])")
            metrics = {m["name"]: m["value"] for m in page.send("Performance.getMetrics")["metrics"]}
            samples.append((time.time() - started, metrics["JSHeapUsedSize"], metrics.get("Nodes", 0)))
            print(f"  t={samples[-1][0]:5.0f} s  heap {samples[-1][1] / 2**20:6.2f} MiB  DOM nodes {samples[-1][2]:.0f}", flush=True)
            next_sample += args.sample_seconds
        time.sleep(1)
    # The run's figures are read before the trace: collecting a trace makes long tasks of its own.
    result = page.evaluate(
        "({draws: window.__bench.draws.slice(), longTasks: window.__bench.longTasks.slice(), updates: window.__bench.updates,"
        " longFrames: window.__bench.longFrames.slice(), marks: window.__bench.marks.slice(),"
        " longTaskTimes: window.__bench.longTaskTimes.slice()})")
    tasks, activity = trace_main_thread(browser, 30)
    draws = sorted(result["draws"])
    long_tasks = result["longTasks"]
    heaps = [s[1] / 2**20 for s in samples]
    first_half = heaps[: max(1, len(heaps) // 2)]
    second_half = heaps[len(heaps) // 2:]
    summary = {
        "page_load_cold_ms": {"domcontentloaded": loads[0][0], "load": loads[0][1]},
        "page_load_warm_ms_median": {
            "domcontentloaded": statistics.median(l[0] for l in loads[1:]) if len(loads) > 1 else None,
            "load": statistics.median(l[1] for l in loads[1:]) if len(loads) > 1 else None},
        "panels_with_data_after_s": round(data_after, 1),
        "updates": result["updates"],
        "draws": len(draws),
        "draw_ms": {"median": round(statistics.median(draws), 2), "p95": round(draws[int(len(draws) * 0.95)], 2),
                    "max": round(draws[-1], 2)},
        "long_tasks_over_50ms": len(long_tasks),
        "long_tasks": explain_long_tasks(result["longTaskTimes"], result["longFrames"], result["marks"]),
        "longest_task_ms": round(max(long_tasks), 1) if long_tasks else 0,
        "traced_30s": {"tasks": len(tasks), "over_50ms_wall": sum(1 for w, _ in tasks if w > 50),
                       "over_50ms_cpu": sum(1 for _, c in tasks if c > 50),
                       "max_wall_ms": round(max((w for w, _ in tasks), default=0), 1),
                       "max_cpu_ms": round(max((c for _, c in tasks), default=0), 1),
                       "cpu_ms": round(sum(c for _, c in tasks), 1), **activity},
        "load_average": open("/proc/loadavg").read().split()[:3],
        "heap_mib": {"first": round(heaps[0], 2), "last": round(heaps[-1], 2), "min": round(min(heaps), 2),
                     "max": round(max(heaps), 2),
                     "mean_first_half": round(statistics.mean(first_half), 2),
                     "mean_second_half": round(statistics.mean(second_half), 2)},
        "minutes": args.minutes,
        "problems": page.problems,
    }
    page.screenshot(os.path.join(args.out, "bench.png"))
    with open(os.path.join(args.out, "bench.json"), "w") as handle:
        json.dump({"summary": summary, "heap_samples": samples, "long_frames": result["longFrames"],
                   "marks": result["marks"]}, handle, indent=2)
    print(json.dumps(summary, indent=2))


# --------------------------------------------------------------------------------------------


def main():
    # `timeout` ends the run with SIGTERM: leave through `finally`, which stops what was started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["test", "bench"])
    parser.add_argument("--binary", default=".build/debug/tradewatch", help="the tradewatch executable")
    parser.add_argument("--url", help="use this running server instead of starting one (no restart check)")
    parser.add_argument("--out", required=True, help="folder for screenshots and logs")
    parser.add_argument("--screenshots", help="also copy the screenshots here (test)")
    parser.add_argument("--timeout", type=int, default=90, help="seconds to wait for every panel to have data")
    parser.add_argument("--settle", type=float, default=1, help="test: seconds to let data gather before the screenshots")
    parser.add_argument("--minutes", type=float, default=5, help="bench: length of the run")
    parser.add_argument("--sample-seconds", type=float, default=15, help="bench: heap sample interval")
    parser.add_argument("--loads", type=int, default=6, help="bench: page loads timed (the first with the cache off)")
    parser.add_argument("--serve-arg", action="append", default=[], help="extra argument for tradewatch serve")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tradewatch-browser.")
    server = None
    browser = None
    page = None
    try:
        url = args.url
        if not url:
            server = Server(os.path.abspath(args.binary), os.path.join(work, "data"),
                            os.path.join(args.out, "server.log"), args.serve_arg)
            url = server.start()
        print(f"== dashboard at {url}", flush=True)
        browser = Chromium(find_chromium(), os.path.join(work, "profile"), os.path.join(args.out, "chromium.log"))
        page = Page(browser)
        (run_test if args.mode == "test" else run_bench)(args, browser, server, page, url)
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        if args.mode == "test":
            print("0 passed, 1 failed")
        try:
            if page:
                page.screenshot(os.path.join(args.out, "failure.png"))
                print(f"screenshot of the failure: {os.path.join(args.out, 'failure.png')}", file=sys.stderr)
        except Exception:
            pass
        return 1
    finally:
        if browser:
            browser.stop()
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
