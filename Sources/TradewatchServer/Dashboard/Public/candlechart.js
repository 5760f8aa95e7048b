// Candlesticks with volume on canvas: the newest bars fill the width, price axis on the right,
// volume below, a dashed line at the last close, and an OHLCV readout under the pointer (or
// moved with the arrow keys).

import { context, fitCanvas, niceTicks, showReadout, theme } from './canvas.js';
import { perFrame } from './dom.js';
import { axisTime, clockTime, formatAmount, formatNumber } from './format.js';

export class CandleChart {
  constructor(root) {
    this.canvas = root.querySelector('canvas');
    this.tooltip = root.querySelector('.tooltip');
    this.bars = [];
    this.intervalMs = 1000;
    this.cursor = null; // index into bars
    this.emptyText = 'waiting for trades…';
    this.invalidate = perFrame(() => this.draw());
    fitCanvas(this.canvas, () => this.draw());
    window.addEventListener('tradewatch-theme', () => this.invalidate());
    this.canvas.addEventListener('pointermove', (event) => this.pointer(event));
    this.canvas.addEventListener('pointerleave', () => this.setCursor(null));
    this.canvas.addEventListener('blur', () => this.setCursor(null));
    this.canvas.addEventListener('keydown', (event) => this.key(event));
  }

  setBars(bars, intervalMs) {
    this.bars = bars;
    this.intervalMs = intervalMs;
    this.invalidate();
  }

  setEmptyText(text) {
    this.emptyText = text;
    this.invalidate();
  }

  draw() {
    const { ctx, width, height } = context(this.canvas);
    const colors = theme();
    ctx.clearRect(0, 0, width, height);
    ctx.font = colors.font;
    this.canvas.dataset.points = String(this.bars.length);
    if (this.bars.length === 0) {
      this.layoutInfo = null;
      this.tooltip.hidden = true;
      ctx.fillStyle = colors.text;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.emptyText, width / 2, height / 2);
      return;
    }
    const probe = formatAmount(Math.max(...this.bars.slice(-50).map((bar) => bar.high)));
    const plot = { left: 6, right: width - ctx.measureText(probe).width - 14, top: 8, bottom: height - 22 };
    const pitch = Math.max(5, Math.min(14, (plot.right - plot.left) / Math.max(24, this.bars.length)));
    const count = Math.min(this.bars.length, Math.floor((plot.right - plot.left) / pitch));
    if (count < 1 || plot.bottom - plot.top < 40) {
      // Too small to show a bar (a box being laid out, a collapsed panel): nothing to draw yet.
      this.layoutInfo = null;
      this.tooltip.hidden = true;
      return;
    }
    const first = this.bars.length - count;
    const visible = this.bars.slice(first);
    let low = Infinity;
    let high = -Infinity;
    let maxVolume = 0;
    for (const bar of visible) {
      low = Math.min(low, bar.low);
      high = Math.max(high, bar.high);
      maxVolume = Math.max(maxVolume, bar.volume);
    }
    if (high === low) {
      high += Math.abs(high) * 0.001 || 1;
      low -= Math.abs(low) * 0.001 || 1;
    }
    const pad = (high - low) * 0.06;
    low -= pad;
    high += pad;
    const volumeTop = plot.bottom - (plot.bottom - plot.top) * 0.22;
    const priceBottom = volumeTop - 6;
    const x = (index) => plot.right - (count - index - 0.5) * pitch;
    const y = (price) => priceBottom - ((price - low) / (high - low)) * (priceBottom - plot.top);
    this.layoutInfo = { plot, pitch, count, first };

    const ticks = niceTicks(low, high, Math.max(2, Math.floor((priceBottom - plot.top) / 32)));
    const decimals = ticks.step < 0.01 ? 4 : 2;
    ctx.strokeStyle = colors.grid;
    ctx.fillStyle = colors.text;
    ctx.lineWidth = 1;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const value of ticks.ticks) {
      const py = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.left, py);
      ctx.lineTo(plot.right, py);
      ctx.stroke();
      ctx.fillText(formatAmount(value, decimals), plot.right + 6, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const labelEvery = Math.max(1, Math.ceil(70 / pitch));
    visible.forEach((bar, index) => {
      if ((first + index) % labelEvery !== 0) return;
      const label = axisTime(bar.t, this.intervalMs);
      const half = ctx.measureText(label).width / 2;
      if (x(index) - half >= plot.left && x(index) + half <= plot.right) ctx.fillText(label, x(index), plot.bottom + 5);
    });
    ctx.strokeStyle = colors.axis;
    ctx.beginPath();
    ctx.moveTo(plot.left, volumeTop - 2.5);
    ctx.lineTo(plot.right, volumeTop - 2.5);
    ctx.moveTo(plot.left, plot.bottom + 0.5);
    ctx.lineTo(plot.right, plot.bottom + 0.5);
    ctx.stroke();

    const body = Math.max(1, Math.floor(pitch * 0.7));
    visible.forEach((bar, index) => {
      const color = bar.close >= bar.open ? colors.up : colors.down;
      const cx = Math.round(x(index));
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(cx + 0.5, y(bar.high));
      ctx.lineTo(cx + 0.5, y(bar.low));
      ctx.stroke();
      const top = y(Math.max(bar.open, bar.close));
      const size = Math.max(1, y(Math.min(bar.open, bar.close)) - top);
      ctx.fillRect(cx - Math.floor(body / 2), top, body, size);
      if (maxVolume > 0) {
        const barHeight = (bar.volume / maxVolume) * (plot.bottom - volumeTop);
        ctx.globalAlpha = 0.45;
        ctx.fillRect(cx - Math.floor(body / 2), plot.bottom - barHeight, body, barHeight);
        ctx.globalAlpha = 1;
      }
    });

    const last = visible[visible.length - 1];
    const lastY = Math.round(y(last.close)) + 0.5;
    ctx.strokeStyle = colors.crosshair;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(plot.left, lastY);
    ctx.lineTo(plot.right, lastY);
    ctx.stroke();
    ctx.setLineDash([]);
    this.drawCursor(ctx, x, plot, colors);
  }

  drawCursor(ctx, x, plot, colors) {
    const info = this.layoutInfo;
    if (this.cursor === null || !info || this.cursor < info.first) {
      this.tooltip.hidden = true;
      return;
    }
    const index = Math.min(this.cursor, this.bars.length - 1);
    const bar = this.bars[index];
    const px = Math.round(x(index - info.first)) + 0.5;
    ctx.strokeStyle = colors.crosshair;
    ctx.globalAlpha = 0.4;
    ctx.beginPath();
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
    ctx.stroke();
    ctx.globalAlpha = 1;
    const lines = [
      ['open', formatAmount(bar.open)],
      ['high', formatAmount(bar.high)],
      ['low', formatAmount(bar.low)],
      ['close', formatAmount(bar.close)],
      ['volume', formatNumber(bar.volume)],
    ];
    if (Number.isFinite(bar.vwap)) lines.push(['vwap', formatAmount(bar.vwap)]);
    if (Number.isFinite(bar.trades)) lines.push(['trades', String(bar.trades)]);
    const title = `${clockTime(bar.t)}${bar.final === false ? ' (forming)' : ''}`;
    showReadout(this.tooltip, this.canvas, title, lines, px, plot.top, (plot.left + plot.right) / 2);
  }

  pointer(event) {
    const info = this.layoutInfo;
    if (!info) return;
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const fromRight = Math.floor((info.plot.right - px) / info.pitch);
    const index = info.first + info.count - 1 - fromRight;
    this.setCursor(index >= info.first && index < this.bars.length ? index : null);
  }

  setCursor(index) {
    this.cursor = index;
    this.invalidate();
  }

  key(event) {
    const info = this.layoutInfo;
    if (!info) return;
    const last = this.bars.length - 1;
    const current = this.cursor ?? last;
    const moves = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: info.first, End: last, Escape: null };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = moves[event.key];
    this.setCursor(next === null ? null : Math.min(Math.max(next, info.first), last));
  }
}
