// Candles of one symbol at one interval: history from /api/v1/candles, then the bar forming
// now (and revisions) from a live candle subscription.

import { getJSON } from './api.js';
import { h, preferences, setText, throttle } from './dom.js';
import { formatAmount, formatSigned, intervalMilliseconds, isoAgo, parseTime } from './format.js';
import { CandleChart } from './candlechart.js';

const maxBars = 1500;

export class CandlePanel {
  constructor(root, live) {
    this.root = root;
    this.live = live;
    this.picker = root.querySelector('.symbol-picker');
    this.readout = root.querySelector('.candle-readout');
    this.chart = new CandleChart(root.querySelector('.chart'));
    this.symbols = [];
    this.symbol = null;
    this.interval = preferences.get('candles.interval', '1s');
    this.bars = [];
    this.subscription = null;
    this.generation = 0;
    // Trades revise the forming bar many times a second: the chart follows four times a second.
    this.publishSoon = throttle(() => this.publish(), 250);
    this.picker.addEventListener('change', () => {
      preferences.set('candles.symbol', this.picker.value);
      this.select(this.picker.value, this.interval);
    });
    for (const button of root.querySelectorAll('[data-interval]')) {
      button.setAttribute('aria-pressed', String(button.dataset.interval === this.interval));
      button.addEventListener('click', () => {
        for (const other of root.querySelectorAll('[data-interval]')) other.setAttribute('aria-pressed', String(other === button));
        preferences.set('candles.interval', button.dataset.interval);
        if (this.symbol) this.select(this.symbol, button.dataset.interval);
        else this.interval = button.dataset.interval;
      });
    }
  }

  /** Symbols that have trades (from /api/v1/trades/latest). */
  setSymbols(symbols) {
    const sorted = [...new Set(symbols)].sort();
    if (sorted.join() !== this.symbols.join()) {
      this.symbols = sorted;
      this.picker.replaceChildren(...sorted.map((symbol) => h('option', { value: symbol }, symbol)));
      if (this.symbol) this.picker.value = this.symbol;
    }
    if (this.symbol === null && sorted.length > 0) {
      const remembered = preferences.get('candles.symbol', '');
      this.select(sorted.includes(remembered) ? remembered : sorted[0], this.interval);
    }
  }

  select(symbol, interval) {
    this.symbol = symbol;
    this.interval = interval;
    this.picker.value = symbol;
    this.chart.canvas.setAttribute('aria-label', `${symbol} ${interval} candles; arrow keys read bars`);
    if (this.subscription) this.live.unsubscribe(this.subscription);
    this.subscription = this.live.subscribe(
      { table: 'candles', symbol, interval },
      { onCandle: (bar, final) => this.receive(bar, final), onResume: () => this.load() },
    );
    this.load();
  }

  async load() {
    const generation = ++this.generation;
    const intervalMs = intervalMilliseconds(this.interval);
    this.pending = [];
    this.bars = [];
    this.chart.setBars([], intervalMs);
    this.chart.setEmptyText('loading…');
    try {
      const answer = await getJSON('api/v1/candles', {
        symbol: this.symbol,
        interval: this.interval,
        start: isoAgo(intervalMs * 400),
      });
      if (generation !== this.generation) return;
      this.bars = answer.rows.map((row) => bar(row, true));
    } catch (error) {
      if (generation !== this.generation) return;
      console.warn(`candles of ${this.symbol}: ${error.message}`);
    }
    const waiting = this.pending;
    this.pending = null;
    for (const [row, final] of waiting) this.receive(row, final);
    this.chart.setEmptyText(`no trades of ${this.symbol} yet`);
    this.publish();
  }

  receive(row, final) {
    if (this.pending) {
      this.pending.push([row, final]);
      return;
    }
    if (!row || row.symbol !== this.symbol) return;
    const next = bar(row, final);
    const bars = this.bars;
    const last = bars[bars.length - 1];
    if (!last || next.t > last.t) bars.push(next);
    else if (next.t === last.t) bars[bars.length - 1] = next;
    else {
      const index = bars.findIndex((candidate) => candidate.t >= next.t);
      if (bars[index].t === next.t) bars[index] = next;
      else bars.splice(index, 0, next);
    }
    if (bars.length > maxBars) bars.splice(0, bars.length - maxBars);
    this.publishSoon();
  }

  publish() {
    this.chart.setBars(this.bars, intervalMilliseconds(this.interval));
    const last = this.bars[this.bars.length - 1];
    const first = this.bars[Math.max(0, this.bars.length - 120)];
    if (!last) {
      setText(this.readout, '');
      return;
    }
    const change = first ? ((last.close - first.open) / first.open) * 100 : 0;
    setText(this.readout, `${formatAmount(last.close)} ${formatSigned(change)}%`);
    this.readout.classList.toggle('up', change >= 0);
    this.readout.classList.toggle('down', change < 0);
  }
}

function bar(row, final) {
  return {
    t: parseTime(row.ts),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    vwap: row.vwap,
    trades: row.trade_count,
    final,
  };
}
