// Log tail, newest first, live: filter by lowest level and by text (message, service or
// correlation id); a correlation id opens every log line and execution carrying it. The newest
// error-level line is passed on for the health strip. The page keeps only the latest lines, so
// a filter also asks the server for the newest matching lines of the last day (rare warnings
// are found even when thousands of info lines came after them); live lines that match are
// added on top.

import { getJSON, querySQL } from './api.js';
import { correlationButton } from './correlation.js';
import { h, preferences, showNewestFirst, throttle } from './dom.js';
import { clockTime, isoAgo, parseTime } from './format.js';

const levels = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'];
const kept = 1000;
const shown = 150;
const lookback = 86400e3;

export function levelRank(level) {
  const index = levels.indexOf(String(level).toLowerCase());
  return index < 0 ? 2 : index;
}

/** The same line from the stream and from a query (different objects, same content). */
const identity = (row) => `${Math.round(row.t * 1000)}|${row.level}|${row.message}|${row.correlation_id ?? ''}`;

/** `lists` (each newest first) merged newest first, without repeats, at most `limit` lines. */
function merged(lists, limit) {
  const seen = new Set();
  const out = [];
  for (const row of lists.flat().sort((a, b) => b.t - a.t)) {
    const id = identity(row);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(row);
    if (out.length >= limit) break;
  }
  return out;
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
    this.found = null; // with a filter: the newest matching lines, from the server and live
    this.searches = 0; // a newer search makes older answers stale
    this.sequence = 0;
    this.elements = new Map();
    this.pending = [];
    this.levelPicker.value = preferences.get('logs.level', 'trace');
    this.levelPicker.addEventListener('change', () => {
      preferences.set('logs.level', this.levelPicker.value);
      this.filterChanged();
    });
    this.search.addEventListener('input', throttle(() => this.filterChanged(), 300));
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
    this.filterChanged();
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
    if (this.found) {
      const { minimum, text } = this.filter();
      this.found = merged([fresh.filter((row) => this.matches(row, minimum, text)), this.found], shown);
    }
    this.render();
  }

  filter() {
    return { minimum: levelRank(this.levelPicker.value), text: this.search.value.trim().toLowerCase() };
  }

  matches(row, minimum, text) {
    if (row.rank < minimum) return false;
    if (!text) return true;
    return [row.message, row.service, row.correlation_id, row.level].some((field) => field && field.toLowerCase().includes(text));
  }

  /** A new filter: show the page's own matching lines now, and ask the server for older ones. */
  filterChanged() {
    const { minimum, text } = this.filter();
    const searching = minimum > 0 || text !== '';
    this.searches += 1;
    this.found = searching ? [] : null;
    this.searching = searching;
    this.update();
    if (searching) this.fetchMatching(this.searches, minimum, text);
  }

  async fetchMatching(search, minimum, text) {
    let rows = [];
    try {
      if (text) {
        // Text is matched anywhere in message, service, correlation id or level: only SQL can.
        const wanted = minimum > 0 ? levels.slice(minimum) : [];
        rows = await querySQL(
          `SELECT ts, level, service, message, correlation_id FROM logs WHERE ts >= ?::TIMESTAMP
             ${wanted.length ? `AND lower(level) IN (${wanted.map(() => '?').join(', ')})` : ''}
             AND (contains(lower(message), ?) OR contains(lower(coalesce(service, '')), ?)
                  OR contains(lower(coalesce(correlation_id, '')), ?) OR contains(lower(level), ?))
           ORDER BY ts DESC LIMIT ${shown}`,
          [isoAgo(lookback), ...wanted, text, text, text, text],
        );
      } else {
        const answer = await getJSON('api/v1/logs', {
          level: levels.slice(minimum).join(','),
          order: 'desc',
          limit: shown,
          start: isoAgo(lookback),
        });
        rows = answer.rows;
      }
    } catch (error) {
      console.warn(`log search: ${error.message}`);
    }
    if (search !== this.searches) return;
    this.searching = false;
    this.found = merged([rows.map((row) => this.prepare(row)), this.found], shown);
    this.update();
  }

  update() {
    const { minimum, text } = this.filter();
    const visible = [];
    for (const row of this.rows) {
      if (visible.length >= shown) break;
      if (this.matches(row, minimum, text)) visible.push(row);
    }
    const lines = this.found ? merged([visible, this.found], shown) : visible;
    this.elements = showNewestFirst(this.list, lines, (row) => row.key, (row) => this.create(row), this.elements);
    this.empty.hidden = lines.length > 0;
    this.empty.textContent = this.searching ? 'searching the last day…' : this.rows.length ? 'no line matches the filter' : 'no log lines yet';
    const more = lines.length === shown ? '+' : '';
    this.count.textContent = this.found ? `${lines.length}${more} matching (last day)` : `${lines.length}${more} of ${this.rows.length}`;
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
