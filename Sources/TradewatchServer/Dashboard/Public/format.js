// Numbers, units and times as the panels show them.

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Milliseconds since the epoch (fractional) of an RFC 3339 time with up to nine fraction digits. */
export function parseTime(text) {
  if (typeof text === 'number') return text / 1e6; // epoch nanoseconds
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (!match) return Date.parse(text);
  const whole = Date.parse(`${match[1]}Z`);
  return match[2] ? whole + Number(`0.${match[2]}`) * 1000 : whole;
}

/** RFC 3339 of a time `ms` milliseconds before now, for `start=` parameters. */
export function isoAgo(ms) {
  return new Date(Date.now() - ms).toISOString();
}

/** Durations in milliseconds of the window names the charts offer. */
export const windows = { '5m': 5 * 60e3, '1h': 3600e3, '1d': 86400e3 };

/** Seconds of an interval name such as `5s`, `1m`, `1h`. */
export function intervalMilliseconds(name) {
  const match = /^(\d+)(s|m|h|d)$/.exec(name);
  if (!match) throw new Error(`unknown interval ${name}`);
  return Number(match[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[match[2]];
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time: `14:03:07`, with milliseconds when `precise`. */
export function clockTime(ms, precise = false) {
  const d = new Date(ms);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return precise ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** Axis label for a time, as precise as the tick step needs. */
export function axisTime(ms, stepMs) {
  const d = new Date(ms);
  if (stepMs >= 86400e3) return `${d.getMonth() + 1}/${d.getDate()}`;
  if (stepMs >= 60e3) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The unit of a metric, from a `unit` label when the producer gave one, else from its name:
 * `…bytes` → bytes, `…_us`/`latency_us` → microseconds, `…percent`/`…_pct` → percent, `…bps` →
 * basis points, `…_ms`, `…seconds`; anything else is a plain number.
 */
export function unitOf(name, labels) {
  const given = labels && typeof labels.unit === 'string' ? labels.unit.toLowerCase() : '';
  const text = given || name.toLowerCase();
  if (/bytes?\b|_bytes|\.bytes|(^|\.)rss\b/.test(text) || given === 'b') return 'bytes';
  if (/(^|[._])us\b|_us$|\.us$|micro|µs/.test(text)) return 'us';
  if (/(^|[._])ms\b|_ms$|milli/.test(text)) return 'ms';
  if (/percent|_pct\b|\.pct\b|^%$|utili[sz]ation/.test(text)) return 'percent';
  if (/bps\b/.test(text)) return 'bps';
  if (/seconds?\b|(^|[._])s$/.test(text)) return 's';
  return 'plain';
}

/** Unit names as legends show them. */
export const unitNames = { bytes: 'bytes', us: 'µs', ms: 'ms', s: 's', percent: '%', bps: 'bps', plain: '' };

/** A value with its unit, in as few characters as stays readable (`digits` significant). */
export function formatValue(value, unit = 'plain', digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(value, digits);
    case 'us':
      return formatDuration(value / 1e6, digits);
    case 'ms':
      return formatDuration(value / 1e3, digits);
    case 's':
      return formatDuration(value, digits);
    case 'percent':
      return `${formatNumber(value, digits)}%`;
    case 'bps':
      return `${formatNumber(value, digits)} bps`;
    default:
      return formatNumber(value, digits + 1);
  }
}

/** Labels for axis ticks, with just enough digits to tell neighbours apart. */
export function tickLabels(values, unit) {
  let labels = [];
  for (let digits = 3; digits <= 9; digits += 1) {
    labels = values.map((value) => formatValue(value, unit, digits));
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

/**
 * A number with about `significant` digits and k/M/G/T suffixes past ten thousand. The value is
 * rounded before the suffix is chosen, so 999,960 with 3 digits is `1M`, not `1000k`.
 */
export function formatNumber(value, significant = 4) {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(rounded(value, significant));
  if (magnitude >= 1e4) {
    for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) {
      if (magnitude >= limit) return `${digitsOf(value / limit, significant)}${suffix}`;
    }
  }
  if (magnitude >= 1000) return integerFormat.format(value);
  return digitsOf(value, significant);
}

/** A price or amount: two decimals with thousands separators (more for small prices). */
export function formatAmount(value, decimals = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Signed amount: `+1,204.50` / `−87.10`. */
export function formatSigned(value, decimals = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatAmount(Math.abs(value), decimals);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

function trim(text) {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

/** `value` rounded to `digits` significant digits (as `toPrecision` would show it). */
function rounded(value, digits) {
  return Number(value.toPrecision(digits));
}

const plainFormats = new Map();

/**
 * `value` with `digits` significant digits and never in exponent notation: `toPrecision` turns to
 * `1.00e+3` once rounding reaches 10^digits and below 1e-6; those are written out instead
 * (`1000`, `0.000000123`). Only magnitudes below 1e-9 keep an exponent: that many zeros would
 * hide the digits.
 */
function digitsOf(value, digits) {
  const text = value.toPrecision(digits);
  if (!text.includes('e')) return trim(text);
  if (value !== 0 && Math.abs(value) < 1e-9) return value.toExponential(Math.max(0, digits - 2));
  let format = plainFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits, useGrouping: false });
    plainFormats.set(digits, format);
  }
  return format.format(value);
}

/**
 * Bytes in binary units: `512 B`, `1.5 KiB`, `973 MiB`. The unit steps up once the value, rounded
 * to `digits`, reaches 1000 of the current one, so the number never needs a fourth whole digit
 * (1023.9 MiB is `1 GiB`, not `1.02e+3 MiB`).
 */
export function formatBytes(value, digits = 3) {
  if (!Number.isFinite(value)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let scaled = value;
  let index = 0;
  const shown = () => (index === 0 ? Math.round(scaled) : rounded(scaled, digits));
  while (Math.abs(shown()) >= 1000 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return `${index === 0 ? Math.round(scaled) : digitsOf(scaled, digits)} ${units[index]}`;
}

/**
 * Seconds as `85 ns`, `850 µs`, `12.3 ms`, `4.2 s`, `3m 20s`, `2h 05m`. The unit is chosen after
 * rounding to `digits`, so 999.7 µs is `1 ms` and 0.99996 s is `1 s`.
 */
export function formatDuration(seconds, digits = 3) {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds === 0) return '0';
  const magnitude = Math.abs(rounded(seconds, digits));
  if (magnitude < 1e-6) return `${digitsOf(seconds * 1e9, digits)} ns`;
  if (magnitude < 1e-3) return `${digitsOf(seconds * 1e6, digits)} µs`;
  if (magnitude < 1) return `${digitsOf(seconds * 1e3, digits)} ms`;
  if (magnitude < 120) return `${digitsOf(seconds, digits)} s`;
  const sign = seconds < 0 ? '-' : '';
  const whole = Math.round(Math.abs(seconds));
  if (whole < 7200) return `${sign}${Math.floor(whole / 60)}m ${pad(whole % 60)}s`;
  const minutes = Math.round(whole / 60);
  return `${sign}${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}
/** How long ago a time was: `4 s ago`, `3 min ago`. */
export function ago(ms) {
  const seconds = Math.max(0, (Date.now() - ms) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
