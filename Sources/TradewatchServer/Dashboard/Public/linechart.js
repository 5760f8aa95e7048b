// A live line chart on canvas: up to eight series over a moving time window, y axis in the
// metric's unit, a hover (or keyboard) readout of every series at the nearest time. Dense
// series are drawn one min/max pair per pixel column, so 8 × 10,000 points stay cheap.

import { context, extent, fitCanvas, niceTicks, showReadout, theme, timeTicks } from './canvas.js';
import { perFrame } from './dom.js';
import { axisTime, clockTime, formatValue, tickLabels } from './format.js';

export class LineChart {
  /** `root` holds a `<canvas>` and a `.tooltip` element. */
  constructor(root, { windowMs, unit = 'plain', emptyText = 'waiting for data…' }) {
    this.canvas = root.querySelector('canvas');
    this.tooltip = root.querySelector('.tooltip');
    this.windowMs = windowMs;
    this.unit = unit;
    this.emptyText = emptyText;
    this.series = [];
    this.cursor = null; // time under the pointer or chosen with the keyboard
    this.invalidate = perFrame(() => this.draw());
    fitCanvas(this.canvas, () => this.draw());
    window.addEventListener('tradewatch-theme', () => this.invalidate());
    this.canvas.addEventListener('pointermove', (event) => this.pointer(event));
    this.canvas.addEventListener('pointerleave', () => this.setCursor(null));
    this.canvas.addEventListener('keydown', (event) => this.key(event));
    this.canvas.addEventListener('blur', () => this.setCursor(null));
  }

  setSeries(series) {
    this.series = series;
    this.invalidate();
  }

  setWindow(windowMs) {
    this.windowMs = windowMs;
    this.invalidate();
  }

  setUnit(unit) {
    this.unit = unit;
    this.invalidate();
  }

  setEmptyText(text) {
    this.emptyText = text;
    this.invalidate();
  }

  /**
   * The time span shown: the window ending now (or at the newest point, if the clock lags),
   * starting at the oldest point while there is less history than the window (at least 30 s).
   */
  range() {
    let end = Date.now();
    let first = Infinity;
    for (const series of this.series) {
      end = Math.max(end, series.lastTime);
      if (series.length) first = Math.min(first, series.time(0));
    }
    const start = Math.max(end - this.windowMs, Math.min(first, end - 30e3));
    return { start, end };
  }

  layout(width, height, labelWidth) {
    return { left: labelWidth + 10, right: width - 10, top: 10, bottom: height - 22 };
  }

  draw() {
    const { ctx, width, height } = context(this.canvas);
    const colors = theme();
    ctx.clearRect(0, 0, width, height);
    ctx.font = colors.font;
    const { start, end } = this.range();
    const bounds = { min: Infinity, max: -Infinity };
    let points = 0;
    for (const series of this.series) {
      const from = Math.max(0, series.indexAtOrAfter(start) - 1);
      extent(series, from, series.length, bounds);
      points += series.length - from;
    }
    this.canvas.dataset.points = String(points);
    if (points === 0 || !Number.isFinite(bounds.min)) {
      this.drawEmpty(ctx, width, height, colors);
      return;
    }
    if (bounds.max === bounds.min) {
      const pad = Math.abs(bounds.max) * 0.01 || 1;
      bounds.min -= pad;
      bounds.max += pad;
    } else {
      const pad = (bounds.max - bounds.min) * 0.08;
      bounds.min -= pad;
      bounds.max += pad;
    }
    const { ticks } = niceTicks(bounds.min, bounds.max, Math.max(2, Math.floor(height / 45)));
    const labels = tickLabels(ticks, this.unit);
    const labelWidth = Math.max(...labels.map((label) => ctx.measureText(label).width));
    const plot = this.layout(width, height, labelWidth);
    if (plot.right - plot.left < 10 || plot.bottom - plot.top < 10) {
      this.plot = null; // a box too small to draw in, while the page is being laid out
      return;
    }
    this.plot = { ...plot, start, end, min: bounds.min, max: bounds.max };
    const x = (t) => plot.left + ((t - start) / (end - start)) * (plot.right - plot.left);
    const y = (v) => plot.bottom - ((v - bounds.min) / (bounds.max - bounds.min)) * (plot.bottom - plot.top);

    ctx.strokeStyle = colors.grid;
    ctx.fillStyle = colors.text;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ticks.forEach((value, index) => {
      const py = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.left, py);
      ctx.lineTo(plot.right, py);
      ctx.stroke();
      ctx.fillText(labels[index], plot.left - 6, py);
    });
    const time = timeTicks(start, end, Math.max(2, Math.floor((plot.right - plot.left) / 80)));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of time.ticks) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, plot.top);
      ctx.lineTo(px, plot.bottom);
      ctx.stroke();
      const label = axisTime(t, time.step);
      const half = ctx.measureText(label).width / 2;
      if (px - half >= 0 && px + half <= width) ctx.fillText(label, px, plot.bottom + 5);
    }
    ctx.strokeStyle = colors.axis;
    ctx.beginPath();
    ctx.moveTo(plot.left, plot.bottom + 0.5);
    ctx.lineTo(plot.right, plot.bottom + 0.5);
    ctx.stroke();

    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 2, plot.right - plot.left, plot.bottom - plot.top + 4);
    ctx.clip();
    ctx.lineWidth = 1.5;
    ctx.lineJoin = 'round';
    this.series.forEach((series, index) => {
      ctx.strokeStyle = colors.series[index % colors.series.length];
      this.drawLine(ctx, series, start, x, y, plot);
    });
    ctx.restore();
    this.drawCursor(ctx, x, y, plot, colors);
  }

  /** One polyline per series; above two points per pixel column, each column's min and max. */
  drawLine(ctx, series, start, x, y, plot) {
    const from = Math.max(0, series.indexAtOrAfter(start) - 1);
    const count = series.length - from;
    if (count <= 0) return;
    ctx.beginPath();
    if (count <= (plot.right - plot.left) * 2) {
      ctx.moveTo(x(series.time(from)), y(series.value(from)));
      for (let i = from + 1; i < series.length; i += 1) ctx.lineTo(x(series.time(i)), y(series.value(i)));
    } else {
      let column = Math.floor(x(series.time(from)));
      let low = series.value(from);
      let high = low;
      let first = true;
      const flush = () => {
        if (first) ctx.moveTo(column, y(low));
        ctx.lineTo(column, y(low));
        ctx.lineTo(column, y(high));
        first = false;
      };
      for (let i = from; i < series.length; i += 1) {
        const value = series.value(i);
        const px = Math.floor(x(series.time(i)));
        if (px !== column) {
          flush();
          column = px;
          low = value;
          high = value;
        } else {
          if (value < low) low = value;
          if (value > high) high = value;
        }
      }
      flush();
    }
    ctx.stroke();
  }

  drawEmpty(ctx, width, height, colors) {
    this.plot = null;
    ctx.fillStyle = colors.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(this.emptyText, width / 2, height / 2);
    this.tooltip.hidden = true;
  }

  drawCursor(ctx, x, y, plot, colors) {
    if (this.cursor === null) {
      this.tooltip.hidden = true;
      return;
    }
    const time = Math.min(Math.max(this.cursor, plot.start), plot.end);
    const rows = [];
    this.series.forEach((series, index) => {
      const nearest = series.nearest(time);
      if (nearest < 0 || series.time(nearest) < plot.start) return;
      rows.push({ name: series.name, color: colors.series[index % colors.series.length], t: series.time(nearest), v: series.value(nearest) });
    });
    if (rows.length === 0) {
      this.tooltip.hidden = true;
      return;
    }
    const px = Math.round(x(rows[0].t)) + 0.5;
    ctx.strokeStyle = colors.crosshair;
    ctx.globalAlpha = 0.5;
    ctx.beginPath();
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
    ctx.stroke();
    ctx.globalAlpha = 1;
    for (const row of rows) {
      ctx.fillStyle = row.color;
      ctx.beginPath();
      ctx.arc(x(row.t), y(row.v), 3, 0, Math.PI * 2);
      ctx.fill();
    }
    const lines = [...rows].sort((a, b) => b.v - a.v).map((row) => [row.name, formatValue(row.v, this.unit, 4), row.color]);
    showReadout(this.tooltip, this.canvas, clockTime(rows[0].t, true), lines, px, plot.top, (plot.left + plot.right) / 2);
  }

  pointer(event) {
    if (!this.plot) return;
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const { left, right, start, end } = this.plot;
    this.setCursor(start + ((px - left) / (right - left)) * (end - start));
  }

  setCursor(time) {
    this.cursor = time;
    this.invalidate();
  }

  /** Arrow keys move the readout along time (Shift for bigger steps); Home/End; Escape hides. */
  key(event) {
    const { start, end } = this.range();
    const step = (end - start) / (event.shiftKey ? 10 : 60);
    const current = this.cursor ?? end;
    const moves = {
      ArrowLeft: current - step,
      ArrowRight: current + step,
      Home: start,
      End: end,
      Escape: null,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = moves[event.key];
    this.setCursor(next === null ? null : Math.min(Math.max(next, start), end));
  }
}
