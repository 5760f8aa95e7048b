// Executions, newest first, live: price, slippage against the mid (bps, from
// /api/v1/executions/quality) and order-to-fill latency. A new fill shows at once; its slippage
// follows when the quality query has seen it.

import { getJSON } from './api.js';
import { correlationButton } from './correlation.js';
import { h, setText, showNewestFirst, throttle } from './dom.js';
import { clockTime, formatAmount, formatDuration, formatNumber, isoAgo, parseTime } from './format.js';

const shown = 60;

export class ExecutionPanel {
  constructor(root, live) {
    this.body = root.querySelector('tbody');
    this.summary = root.querySelector('.summary');
    this.empty = root.querySelector('.empty');
    this.rows = []; // newest first
    this.elements = new Map();
    this.pending = [];
    this.render = throttle(() => this.update(), 250);
    // Slippage needs the mid at the fill (quotes the page does not hold): asked of the quality
    // query soon after fills arrive, one request at a time.
    this.enrich = throttle(() => this.fetchQuality(), 300);
    this.fetching = false;
    live.subscribe({ table: 'executions' }, { onRows: (rows) => this.receive(rows), onResume: () => this.load() });
    this.load();
  }

  static key(row) {
    return `${row.order_id}|${row.ts}`;
  }

  async load() {
    this.pending = [];
    try {
      const answer = await getJSON('api/v1/executions/quality', { start: isoAgo(15 * 60e3) });
      const rows = answer.executions.map((row) => ({ ...row, t: parseTime(row.ts), checked: true }));
      rows.sort((a, b) => b.t - a.t);
      this.rows = rows.slice(0, shown);
    } catch (error) {
      console.warn(`executions: ${error.message}`);
    }
    const waiting = this.pending;
    this.pending = null;
    this.receive(waiting);
    this.render();
  }

  receive(rows) {
    if (this.pending) {
      this.pending.push(...rows);
      return;
    }
    if (rows.length === 0) return;
    const known = new Set(this.rows.map(ExecutionPanel.key));
    const fresh = rows
      .filter((row) => !known.has(ExecutionPanel.key(row)))
      .map((row) => ({ ...row, t: parseTime(row.ts), slippage_bps: null, checked: false }));
    this.rows = [...fresh, ...this.rows].sort((a, b) => b.t - a.t).slice(0, shown);
    this.render();
    this.enrich();
  }

  /** Slippage of the fills that arrived live, from the quality query over their time span. */
  async fetchQuality() {
    const unchecked = this.rows.filter((row) => !row.checked);
    if (unchecked.length === 0 || this.fetching) return;
    this.fetching = true;
    const oldest = unchecked.reduce((a, b) => (a.t <= b.t ? a : b));
    try {
      const answer = await getJSON('api/v1/executions/quality', { start: oldest.ts });
      const quality = new Map(answer.executions.map((row) => [ExecutionPanel.key(row), row]));
      for (const row of unchecked) {
        const found = quality.get(ExecutionPanel.key(row));
        if (found) Object.assign(row, found, { checked: true });
        else if (Date.now() - row.t > 30e3) row.checked = true; // no mid to compare with
      }
      this.update();
    } catch (error) {
      console.warn(`execution quality: ${error.message}`);
    }
    this.fetching = false;
    if (this.rows.some((row) => !row.checked && Date.now() - row.t < 30e3)) this.enrich();
  }

  update() {
    this.empty.hidden = this.rows.length > 0;
    this.elements = showNewestFirst(this.body, this.rows, ExecutionPanel.key, (row) => this.create(row), this.elements);
    this.rows.forEach((row) => this.fill(this.elements.get(ExecutionPanel.key(row)), row));
    this.summarize();
  }

  create(row) {
    const cell = (className) => h('td', { class: className });
    const element = h(
      'tr',
      { class: `side-${row.side || 'none'}` },
      h('td', { title: row.ts }, h('time', { datetime: row.ts }, clockTime(row.t))),
      h('td', { class: 'hide-narrow' }, row.strategy || '—'),
      h('td', {}, row.symbol),
      h('td', { class: 'num side' }, `${row.side || ''} ${formatNumber(row.qty, 6)}`),
      h('td', { class: 'num' }, formatAmount(row.price)),
      cell('num slippage'),
      h('td', { class: 'num hide-narrow' }, Number.isFinite(row.latency_us) ? formatDuration(row.latency_us / 1e6) : '—'),
      h('td', { class: 'hide-narrow' }, correlationButton(row.correlation_id)),
    );
    element.slippage = element.querySelector('.slippage');
    return element;
  }

  fill(element, row) {
    const slip = row.slippage_bps;
    const text = Number.isFinite(slip) ? slip.toFixed(2) : row.checked ? '—' : '…';
    setText(element.slippage, text);
    element.slippage.classList.toggle('down', Number.isFinite(slip) && slip > 0);
    element.slippage.classList.toggle('up', Number.isFinite(slip) && slip < 0);
    element.slippage.title = row.checked ? 'positive = cost against the mid' : 'waiting for the quality query';
  }

  summarize() {
    const slips = this.rows.map((row) => row.slippage_bps).filter(Number.isFinite);
    const latencies = this.rows.map((row) => row.latency_us).filter(Number.isFinite).sort((a, b) => a - b);
    const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const parts = [`${this.rows.length} latest fills`];
    if (slips.length) parts.push(`slippage mean ${(slips.reduce((a, b) => a + b, 0) / slips.length).toFixed(2)} bps`);
    if (latencies.length) parts.push(`latency p50 ${formatDuration(pick(0.5) / 1e6)}, p95 ${formatDuration(pick(0.95) / 1e6)}`);
    setText(this.summary, parts.join(' · '));
  }
}
