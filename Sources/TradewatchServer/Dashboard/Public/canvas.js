// What every chart shares: a canvas sized to its box and the screen's pixel ratio, colours
// taken from the page's theme, nice axis ticks.

/**
 * Keeps a canvas's backing store matched to its CSS size; calls `redraw` when it changes. The CSS
 * size is remembered from the observer (`canvas.cssSize`), so drawing never reads `clientWidth`:
 * that read forces a style and layout of the whole page when a list changed since the last
 * frame, and several charts drawing between DOM updates would lay the page out again each time.
 */
export function fitCanvas(canvas, redraw) {
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    canvas.cssSize = { width: box.width, height: box.height };
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(box.width * ratio));
    const height = Math.max(1, Math.round(box.height * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      redraw();
    }
  });
  observer.observe(canvas);
  return observer;
}

/** A 2D context scaled so drawing is in CSS pixels; also returns the CSS size. */
export function context(canvas) {
  const { width, height } = canvas.cssSize || { width: canvas.clientWidth, height: canvas.clientHeight };
  const ratio = canvas.width / Math.max(1, width);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

let cachedTheme = null;

/**
 * The chart colours of the current theme, read once per theme change. The CSS custom properties
 * hold light-dark() pairs, so each is resolved through a probe element's computed colour.
 */
export function theme() {
  if (cachedTheme) return cachedTheme;
  const probe = document.createElement('span');
  probe.hidden = true;
  document.body.append(probe);
  const color = (name) => {
    probe.style.color = `var(${name})`;
    return getComputedStyle(probe).color;
  };
  const font = getComputedStyle(document.documentElement).getPropertyValue('--font-mono').trim();
  cachedTheme = {
    text: color('--muted'),
    grid: color('--grid'),
    axis: color('--border'),
    crosshair: color('--text'),
    up: color('--up'),
    down: color('--down'),
    series: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => color(`--series-${n}`)),
    font: `11px ${font || 'monospace'}`,
  };
  probe.remove();
  return cachedTheme;
}

/** Forgets the cached colours (after a theme switch) and tells the charts to redraw. */
export function themeChanged() {
  cachedTheme = null;
  window.dispatchEvent(new Event('tradewatch-theme'));
}

/** About `count` round tick values (1, 2, 2.5, 5 × 10ⁿ) covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return { ticks: [min], step: 1 };
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) || 10 * power;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Math.abs(value) < step * 1e-9 ? 0 : value);
  }
  return { ticks, step };
}

const timeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

/** Round local-time ticks (every 10 s, 1 min, 15 min, 1 h …) between two times. */
export function timeTicks(start, end, maxTicks) {
  const span = end - start;
  const step = timeSteps.find((s) => span / s <= maxTicks) || 86400e3;
  const offset = new Date(start).getTimezoneOffset() * 60e3;
  const ticks = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) ticks.push(t);
  return { ticks, step };
}

/** Min/max of the values in [from, to) of a series, ignoring non-finite ones. */
export function extent(series, from, to, into = { min: Infinity, max: -Infinity }) {
  for (let i = from; i < to; i += 1) {
    const value = series.value(i);
    if (value < into.min) into.min = value;
    if (value > into.max) into.max = value;
  }
  return into;
}

/**
 * Fills a chart's readout box: a title line, then `[label, value, colour?]` lines; placed beside
 * the crosshair at `px`, on whichever side has more room.
 */
export function showReadout(tip, canvas, title, lines, px, top, middle) {
  tip.replaceChildren();
  const heading = document.createElement('div');
  heading.className = 'tooltip-time';
  heading.textContent = title;
  tip.append(heading);
  for (const [label, value, color] of lines) {
    const line = document.createElement('div');
    if (color) {
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = color;
      line.append(swatch);
    }
    const strong = document.createElement('b');
    strong.textContent = value;
    line.append(`${label} `, strong);
    tip.append(line);
  }
  tip.hidden = false;
  const onRight = px < middle;
  tip.style.left = onRight ? `${px + 12}px` : '';
  tip.style.right = onRight ? '' : `${canvas.clientWidth - px + 12}px`;
  tip.style.top = `${top}px`;
}
