// Strategy panel: per strategy its PnL (with a five-minute sparkline), realized and unrealized
// PnL, position, exposure and drawdown, from the performance table, live.

import { getJSON } from './api.js';
import { context, fitCanvas, theme } from './canvas.js';
import { h, setText, throttle } from './dom.js';
import { formatAmount, formatNumber, formatSigned, isoAgo, parseTime } from './format.js';
import { Series } from './series.js';

const sparkWindow = 5 * 60e3;

export class StrategyPanel {
  constructor(root, live) {
    this.list = root.querySelector('.strategy-list');
    this.empty = root.querySelector('.empty');
    this.strategies = new Map();
    this.pending = [];
    this.render = throttle(() => this.update(), 250);
    live.subscribe({ table: 'performance' }, { onRows: (rows) => this.receive(rows), onResume: () => this.load() });
    window.addEventListener('tradewatch-theme', () => this.redrawSparks());
    this.load();
  }

  async load() {
    this.pending = [];
    try {
      const answer = await getJSON('api/v1/performance', { start: isoAgo(sparkWindow), order: 'desc', limit: 5000 });
      for (const strategy of this.strategies.values()) strategy.series.clear();
      const rows = answer.rows.reverse();
      const waiting = this.pending;
      this.pending = null;
      this.apply(rows);
      const newest = rows.length ? parseTime(rows[rows.length - 1].ts) : -Infinity;
      this.apply(waiting.filter((row) => parseTime(row.ts) > newest));
    } catch (error) {
      console.warn(`performance history: ${error.message}`);
      const waiting = this.pending || [];
      this.pending = null;
      this.apply(waiting);
    }
  }

  receive(rows) {
    if (this.pending) this.pending.push(...rows);
    else this.apply(rows);
  }

  apply(rows) {
    for (const row of rows) {
      if (!row.strategy) continue;
      let strategy = this.strategies.get(row.strategy);
      if (!strategy) {
        strategy = this.create(row.strategy);
        this.strategies.set(row.strategy, strategy);
      }
      const time = parseTime(row.ts);
      if (time >= strategy.time) {
        strategy.latest = row;
        strategy.time = time;
      }
      if (Number.isFinite(row.pnl)) strategy.series.push(time, row.pnl);
    }
    if (rows.length) this.render();
  }

  create(name) {
    const fields = {};
    const definition = (label, key) => [h('dt', {}, label), (fields[key] = h('dd', { class: 'num' }, '—'))];
    const pnl = h('span', { class: 'pnl num' }, '—');
    const canvas = h('canvas', { class: 'spark', role: 'img', 'aria-label': `${name} PnL over five minutes` });
    const item = h(
      'li',
      { class: 'strategy', dataset: { strategy: name } },
      h('div', { class: 'strategy-head' }, h('span', { class: 'strategy-name' }, name), canvas, pnl),
      h(
        'dl',
        {},
        definition('Realized', 'realized_pnl'),
        definition('Unrealized', 'unrealized_pnl'),
        definition('Position', 'position'),
        definition('Exposure', 'exposure'),
        definition('Drawdown', 'drawdown'),
      ),
    );
    const strategy = { name, item, pnl, fields, canvas, series: new Series(name, 20000), latest: null, time: -Infinity };
    fitCanvas(canvas, () => this.drawSpark(strategy));
    const names = [...this.strategies.keys(), name].sort();
    const before = this.strategies.get(names[names.indexOf(name) + 1]);
    this.list.insertBefore(item, before ? before.item : null);
    this.empty.hidden = true;
    return strategy;
  }

  update() {
    for (const strategy of this.strategies.values()) {
      const row = strategy.latest;
      if (!row) continue;
      setText(strategy.pnl, formatSigned(row.pnl));
      strategy.pnl.classList.toggle('up', row.pnl > 0);
      strategy.pnl.classList.toggle('down', row.pnl < 0);
      setText(strategy.fields.realized_pnl, formatSigned(row.realized_pnl));
      setText(strategy.fields.unrealized_pnl, formatSigned(row.unrealized_pnl));
      setText(strategy.fields.position, formatNumber(row.position, 6));
      setText(strategy.fields.exposure, formatAmount(row.exposure, 0));
      setText(strategy.fields.drawdown, formatAmount(row.drawdown));
      strategy.series.dropBefore(Date.now() - sparkWindow);
      this.drawSpark(strategy);
    }
  }

  redrawSparks() {
    for (const strategy of this.strategies.values()) this.drawSpark(strategy);
  }

  /** PnL over the last five minutes, with the zero line when it is in range. */
  drawSpark(strategy) {
    const { ctx, width, height } = context(strategy.canvas);
    const colors = theme();
    ctx.clearRect(0, 0, width, height);
    const series = strategy.series;
    if (series.length < 2) return;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < series.length; i += 1) {
      min = Math.min(min, series.value(i));
      max = Math.max(max, series.value(i));
    }
    if (max === min) {
      max += 1;
      min -= 1;
    }
    // Five minutes, or less while there is less history: the line always spans the card.
    const end = Math.max(Date.now(), series.lastTime);
    const start = Math.max(end - sparkWindow, series.time(0));
    const x = (t) => ((t - start) / Math.max(1, end - start)) * width;
    const y = (v) => height - 2 - ((v - min) / (max - min)) * (height - 4);
    if (min < 0 && max > 0) {
      ctx.strokeStyle = colors.grid;
      ctx.beginPath();
      ctx.moveTo(0, Math.round(y(0)) + 0.5);
      ctx.lineTo(width, Math.round(y(0)) + 0.5);
      ctx.stroke();
    }
    ctx.strokeStyle = series.lastValue >= 0 ? colors.up : colors.down;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x(series.time(0)), y(series.value(0)));
    const stride = Math.max(1, Math.floor(series.length / (width * 2)));
    for (let i = stride; i < series.length; i += stride) ctx.lineTo(x(series.time(i)), y(series.value(i)));
    ctx.lineTo(x(series.lastTime), y(series.lastValue));
    ctx.stroke();
  }
}
