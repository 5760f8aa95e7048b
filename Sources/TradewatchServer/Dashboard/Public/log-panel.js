// Log tail, newest first, live: filter by lowest level and by text (message, service or
// correlation id); a correlation id opens every log line and execution carrying it. The newest
// error-level line is passed on for the health strip.

import { getJSON } from './api.js';
import { correlationButton } from './correlation.js';
import { h, preferences, showNewestFirst, throttle } from './dom.js';
import { clockTime, isoAgo, parseTime } from './format.js';

const levels = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'];
const kept = 1000;
const shown = 150;

export function levelRank(level) {
  const index = levels.indexOf(String(level).toLowerCase());
  return index < 0 ? 2 : index;
}

export class LogPanel {
  /** `onError(row)` gets the newest error or critical line. */
  constructor(root, live, { onError }) {
    this.list = root.querySelector('.log-list');
    this.empty = root.querySelector('.empty');
    this.count = root.querySelector('.log-count');
    this.levelPicker = root.querySelector('.log-level');
    this.search = root.querySelector('.log-search');
    this.onError = onError;
    this.rows = []; // newest first
    this.sequence = 0;
    this.elements = new Map();
    this.pending = [];
    this.levelPicker.value = preferences.get('logs.level', 'trace');
    this.levelPicker.addEventListener('change', () => {
      preferences.set('logs.level', this.levelPicker.value);
      this.update();
    });
    this.search.addEventListener('input', throttle(() => this.update(), 150));
    this.render = throttle(() => this.update(), 250);
    live.subscribe({ table: 'logs' }, { onRows: (rows) => this.receive(rows), onResume: () => this.load() });
    this.load();
    this.loadLastError();
  }

  async load() {
    this.pending = [];
    try {
      const answer = await getJSON('api/v1/logs', { order: 'desc', limit: 300 });
      this.rows = answer.rows.map((row) => this.prepare(row));
      this.elements.clear();
    } catch (error) {
      console.warn(`logs: ${error.message}`);
    }
    const waiting = this.pending;
    this.pending = null;
    const newest = this.rows.length ? this.rows[0].t : -Infinity;
    this.receive(waiting.filter((row) => parseTime(row.ts) > newest));
    this.render();
  }

  async loadLastError() {
    try {
      const answer = await getJSON('api/v1/logs', {
        level: 'error,critical',
        order: 'desc',
        limit: 1,
        start: isoAgo(86400e3),
      });
      if (answer.rows.length) this.onError(answer.rows[0]);
    } catch (error) {
      console.warn(`last error: ${error.message}`);
    }
  }

  prepare(row) {
    this.sequence += 1;
    return { ...row, t: parseTime(row.ts), key: this.sequence, rank: levelRank(row.level) };
  }

  receive(rows) {
    if (this.pending) {
      this.pending.push(...rows);
      return;
    }
    if (rows.length === 0) return;
    const fresh = rows.map((row) => this.prepare(row)).sort((a, b) => b.t - a.t);
    const newestError = fresh.find((row) => row.rank >= levelRank('error'));
    if (newestError) this.onError(newestError);
    this.rows = fresh.concat(this.rows);
    if (this.rows.length > kept) this.rows.length = kept;
    this.render();
  }

  matches(row, minimum, text) {
    if (row.rank < minimum) return false;
    if (!text) return true;
    return [row.message, row.service, row.correlation_id, row.level].some((field) => field && field.toLowerCase().includes(text));
  }

  update() {
    const minimum = levelRank(this.levelPicker.value);
    const text = this.search.value.trim().toLowerCase();
    const visible = [];
    for (const row of this.rows) {
      if (visible.length >= shown) break;
      if (this.matches(row, minimum, text)) visible.push(row);
    }
    this.elements = showNewestFirst(this.list, visible, (row) => row.key, (row) => this.create(row), this.elements);
    this.empty.hidden = visible.length > 0;
    this.empty.textContent = this.rows.length ? 'no line matches the filter' : 'no log lines yet';
    this.count.textContent = `${visible.length}${visible.length === shown ? '+' : ''} of ${this.rows.length}`;
  }

  create(row) {
    return h(
      'li',
      { class: `log level-${levels[row.rank]}` },
      h('time', { datetime: row.ts }, clockTime(row.t, true)),
      h('span', { class: 'badge' }, row.level),
      h('span', { class: 'message' }, row.service ? h('span', { class: 'service' }, row.service) : null, row.message),
      row.correlation_id ? correlationButton(row.correlation_id) : null,
    );
  }
}
