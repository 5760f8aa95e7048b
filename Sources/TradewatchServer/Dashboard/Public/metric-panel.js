// A metric chart panel: pick a metric (names from /api/v1/metrics/latest), a window (5m, 1h,
// 1d); history comes from /api/v1/metrics/aggregate (one bucket per ~pixel pair, one series per
// symbol), then live rows from the stream are folded into the same buckets.

import { getJSON } from './api.js';
import { h, preferences, setText, throttle } from './dom.js';
import { formatValue, isoAgo, parseTime, unitNames, unitOf, windows } from './format.js';
import { LineChart } from './linechart.js';
import { Series } from './series.js';

const bucketFor = { '5m': '1s', '1h': '10s', '1d': '2m' };
const bucketMs = { '1s': 1e3, '10s': 10e3, '2m': 120e3 };
const maxSeries = 8;

export class MetricPanel {
  /** `preferred`: patterns tried in order to pick a metric when the user has not chosen one. */
  constructor(root, live, { slot, preferred }) {
    this.root = root;
    this.live = live;
    this.slot = slot;
    this.preferred = preferred;
    this.picker = root.querySelector('.metric-picker');
    this.legend = root.querySelector('.legend');
    this.title = root.querySelector('.panel-title');
    this.windowName = preferences.get(`${slot}.window`, '5m');
    this.chart = new LineChart(root.querySelector('.chart'), { windowMs: windows[this.windowName] });
    this.name = null;
    this.entries = new Map(); // metric name → its latest values (one per symbol and labels)
    this.names = [];
    this.subscription = null;
    this.generation = 0;
    this.updateLegend = throttle(() => this.renderLegend(), 250);
    // Live rows come many times a second; at these windows a redraw moves the lines by about a
    // pixel per second, so four redraws a second look the same and cost the page far less.
    this.redrawSoon = throttle(() => this.chart.invalidate(), 250);
    this.picker.addEventListener('change', () => {
      this.automatic = false;
      preferences.set(`${slot}.metric`, this.picker.value);
      this.select(this.picker.value);
    });
    for (const button of root.querySelectorAll('[data-window]')) {
      button.setAttribute('aria-pressed', String(button.dataset.window === this.windowName));
      button.addEventListener('click', () => this.setWindow(button.dataset.window));
    }
    setInterval(() => this.trim(), 5000);
  }

  /** New list of metric names (with their labels) from the latest values. */
  setNames(entries) {
    this.entries = new Map();
    for (const entry of entries) {
      if (!this.entries.has(entry.name)) this.entries.set(entry.name, []);
      this.entries.get(entry.name).push(entry);
    }
    const names = [...this.entries.keys()].sort();
    if (names.join('\n') !== this.names.join('\n')) {
      this.names = names;
      this.fillPicker();
    }
    // A metric picked by default gives way to a better one that appears later (the collector's
    // CPU usage needs two samples); one the user picked stays.
    if (names.length > 0 && (this.name === null || this.automatic)) {
      const choice = this.defaultChoice(names);
      if (choice.name !== this.name && (this.name === null || choice.rank < this.automaticRank)) {
        this.select(choice.name);
        this.automatic = !choice.remembered;
        this.automaticRank = choice.rank;
      }
    }
  }

  defaultChoice(names) {
    const remembered = preferences.get(`${this.slot}.metric`, '');
    if (names.includes(remembered)) return { name: remembered, rank: -1, remembered: true };
    for (const [rank, pattern] of this.preferred.entries()) {
      const found = names.find((name) => pattern.test(name));
      if (found) return { name: found, rank };
    }
    return { name: names[0], rank: this.preferred.length };
  }

  fillPicker() {
    const groups = new Map();
    for (const name of this.names) {
      const group = name.includes('.') ? name.slice(0, name.indexOf('.')) : 'other';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(name);
    }
    this.picker.replaceChildren(
      ...[...groups].map(([group, names]) =>
        h('optgroup', { label: group }, names.map((name) => h('option', { value: name }, name))),
      ),
    );
    if (this.name) this.picker.value = this.name;
  }

  setWindow(name) {
    if (!(name in windows) || name === this.windowName) return;
    this.windowName = name;
    preferences.set(`${this.slot}.window`, name);
    for (const button of this.root.querySelectorAll('[data-window]')) {
      button.setAttribute('aria-pressed', String(button.dataset.window === name));
    }
    this.chart.setWindow(windows[name]);
    this.load();
  }

  select(name) {
    this.name = name;
    this.picker.value = name;
    const entries = this.entries.get(name) || [];
    this.unit = unitOf(name, entries[0]?.labels);
    this.grouping = grouping(entries);
    this.chart.setUnit(this.unit);
    setText(this.title, name);
    this.chart.canvas.setAttribute('aria-label', `${name} over the last ${this.windowName}; arrow keys read values`);
    if (this.subscription) this.live.unsubscribe(this.subscription);
    this.subscription = this.live.subscribe(
      { table: 'metrics', filter: { name } },
      { onRows: (rows) => this.receive(rows), onResume: () => this.load() },
    );
    this.load();
  }

  /** Reads the window's history; live rows arriving meanwhile wait and are folded in after. */
  async load() {
    const generation = ++this.generation;
    this.pending = [];
    this.series = new Map();
    this.buckets = new Map();
    this.bucket = bucketFor[this.windowName];
    this.chart.setSeries([]);
    this.chart.setEmptyText('loading…');
    try {
      const answer = await getJSON('api/v1/metrics/aggregate', {
        name: this.name,
        bucket: this.bucket,
        fn: 'avg',
        group: this.grouping.parameter,
        start: isoAgo(windows[this.windowName]),
      });
      if (generation !== this.generation) return;
      const name = this.grouping.name || ((value) => value);
      for (const row of answer.rows) this.add(name(row[this.grouping.column]), parseTime(row.ts), row.avg, false);
    } catch (error) {
      if (generation !== this.generation) return;
      console.warn(`history of ${this.name}: ${error.message}`);
    }
    const waiting = this.pending;
    this.pending = null;
    this.receive(waiting);
    this.chart.setEmptyText('no values in this window yet');
    this.publish();
  }

  receive(rows) {
    if (this.pending) {
      this.pending.push(...rows);
      return;
    }
    for (const row of rows) {
      if (row.name !== this.name || typeof row.value !== 'number') continue;
      this.add(this.grouping.of(row), parseTime(row.ts), row.value, true);
    }
    this.redrawSoon();
    this.updateLegend();
  }

  /** Folds a value into its series' bucket (a running mean while the bucket fills). */
  add(group, time, value, live) {
    if (value === null || !Number.isFinite(value)) return;
    const key = group ?? this.name.slice(this.name.lastIndexOf('.') + 1);
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= maxSeries) {
        this.hidden = (this.hidden || 0) + 1;
        return;
      }
      series = new Series(key);
      this.series.set(key, series);
      this.publish();
    }
    const width = bucketMs[this.bucket];
    const bucket = Math.floor(time / width) * width;
    const state = this.buckets.get(key);
    if (live && state && state.bucket === bucket) {
      state.sum += value;
      state.count += 1;
      series.setLast(state.sum / state.count);
    } else if (bucket > series.lastTime) {
      series.push(bucket, value);
      this.buckets.set(key, { bucket, sum: value, count: 1 });
    }
  }

  publish() {
    const series = [...this.series.values()].sort((a, b) => a.name.localeCompare(b.name));
    this.ordered = series;
    this.chart.setSeries(series);
    this.renderLegend();
  }

  renderLegend() {
    const unit = unitNames[this.unit];
    const items = (this.ordered || []).map((series, index) =>
      h(
        'li',
        {},
        h('span', { class: `swatch series-${(index % 8) + 1}` }),
        `${series.name} `,
        h('b', {}, formatValue(series.lastValue, this.unit)),
      ),
    );
    if (unit) items.push(h('li', { class: 'muted' }, `unit: ${unit}`));
    this.legend.replaceChildren(...items);
  }

  trim() {
    if (!this.series) return;
    const oldest = Date.now() - windows[this.windowName] - 2 * bucketMs[this.bucket];
    for (const series of this.series.values()) series.dropBefore(oldest);
  }
}

/**
 * How a metric's values split into series: by symbol when it has symbols, else by the label
 * whose value differs between its series (`cpu`, `device`, `path`, `strategy` …), else one series.
 */
function grouping(entries) {
  if (entries.some((entry) => entry.symbol)) {
    return { parameter: 'symbol', column: 'symbol', of: (row) => row.symbol };
  }
  const values = new Map();
  for (const entry of entries) {
    for (const [key, value] of Object.entries(entry.labels || {})) {
      if (!values.has(key)) values.set(key, new Set());
      values.get(key).add(String(value));
    }
  }
  const key = [...values.keys()].find((candidate) => values.get(candidate).size > 1);
  if (key && /^[A-Za-z0-9_\-.:/]+$/.test(key) && !['ts', 'avg'].includes(key)) {
    // A bare number (cpu 0, cpu 1) reads better with its key in front.
    const name = (value) => (value === undefined || value === null ? undefined : /^\d+$/.test(String(value)) ? `${key} ${value}` : String(value));
    return { parameter: `label.${key}`, column: key, of: (row) => name(row.labels ? row.labels[key] : undefined), name };
  }
  return { parameter: undefined, column: 'symbol', of: () => undefined };
}
