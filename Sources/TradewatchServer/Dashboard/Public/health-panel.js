// The health strip: ingest rate, ingest queue and live clients from the server's own
// Prometheus metrics (/metrics), CPU, memory and the data directory's disk from the system
// collector's `system.*` metrics, and the newest error logged.

import { getText } from './api.js';
import { showCorrelation } from './correlation.js';
import { setText } from './dom.js';
import { ago, clockTime, formatBytes, formatNumber, parseTime } from './format.js';

/** Sums of the samples of each metric family in Prometheus text, by name (labels summed over). */
export function parsePrometheus(text) {
  const sums = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sums.set(match[1], (sums.get(match[1]) || 0) + value);
  }
  return sums;
}

export class HealthPanel {
  constructor(root) {
    this.stats = {};
    for (const element of root.querySelectorAll('[data-stat]')) {
      this.stats[element.dataset.stat] = {
        element,
        value: element.querySelector('.value'),
        detail: element.querySelector('.detail'),
      };
    }
    this.previous = null;
    this.lastError = null;
    this.stats.error.element.addEventListener('click', () => {
      if (this.lastError?.correlation_id) showCorrelation(this.lastError.correlation_id);
    });
    setInterval(() => this.renderError(), 5000);
  }

  show(name, value, detail = '', level = 'ok') {
    const stat = this.stats[name];
    setText(stat.value, value);
    if (stat.detail) setText(stat.detail, detail);
    stat.element.dataset.level = level;
  }

  /** Reads /metrics; the ingest rate is the change of the rows counter since the last read. */
  async poll() {
    let sums;
    try {
      sums = parsePrometheus(await getText('metrics'));
    } catch (error) {
      this.show('ingest', '—', error.message, 'bad');
      return;
    }
    const now = performance.now();
    const rows = sums.get('tradewatch_ingest_rows_total') || 0;
    if (this.previous && now > this.previous.time && rows >= this.previous.rows) {
      const rate = ((rows - this.previous.rows) * 1000) / (now - this.previous.time);
      this.show('ingest', `${formatNumber(rate, 3)}/s`, `${formatNumber(rows, 4)} rows in total`);
    } else if (!this.previous) {
      this.show('ingest', '…', `${formatNumber(rows, 4)} rows in total`);
    }
    this.previous = { rows, time: now };
    const queue = sums.get('tradewatch_ingest_queue_rows') || 0;
    const refused = sums.get('tradewatch_ingest_refused_total') || 0;
    this.show('queue', `${formatNumber(queue, 3)} rows`, refused ? `${formatNumber(refused)} writes refused (503)` : 'waiting for commit', refused ? 'warn' : 'ok');
    const clients = sums.get('tradewatch_live_clients') || 0;
    const subscriptions = sums.get('tradewatch_live_subscriptions') || 0;
    this.show('clients', formatNumber(clients), `${formatNumber(subscriptions)} subscriptions`);
  }

  /** CPU, memory and disk from the latest `system.*` values (entries of /api/v1/metrics/latest). */
  setSystem(entries) {
    const find = (name, test = () => true) => entries.find((entry) => entry.name === name && test(entry.labels || {}));
    const cpu = find('system.cpu.usage_percent', (labels) => !labels.cpu || labels.cpu === 'total');
    const load = find('system.load1');
    if (cpu) {
      this.show('cpu', `${cpu.value.toFixed(1)}%`, load ? `load ${load.value.toFixed(2)}` : 'all cores', level(cpu.value, 80, 95));
    } else {
      this.show('cpu', '—', 'no system.cpu metric yet', 'unknown');
    }
    const memoryPercent = find('system.memory.used_percent');
    const used = find('system.memory.used_bytes');
    const total = find('system.memory.total_bytes');
    const rss = find('process.rss_bytes');
    if (memoryPercent) {
      const detail = [used && total ? `${formatBytes(used.value)} of ${formatBytes(total.value)}` : '', rss ? `server ${formatBytes(rss.value)}` : '']
        .filter(Boolean)
        .join(' · ');
      this.show('memory', `${memoryPercent.value.toFixed(1)}%`, detail, level(memoryPercent.value, 85, 95));
    } else {
      this.show('memory', '—', 'no system.memory metric yet', 'unknown');
    }
    const diskPercent = find('system.filesystem.used_percent');
    const diskUsed = find('system.filesystem.used_bytes');
    const diskTotal = find('system.filesystem.total_bytes');
    if (diskPercent) {
      const detail = diskUsed && diskTotal ? `${formatBytes(diskUsed.value)} of ${formatBytes(diskTotal.value)}` : '';
      this.show('disk', `${diskPercent.value.toFixed(1)}%`, detail, level(diskPercent.value, 85, 95));
      this.stats.disk.element.title = `File system of the data directory ${diskPercent.labels?.path || ''}`;
    } else {
      this.show('disk', '—', 'no system.filesystem metric yet', 'unknown');
    }
  }

  /** The newest error-level log line (kept only if newer than the one shown). */
  setLastError(row) {
    const time = parseTime(row.ts);
    if (this.lastError && parseTime(this.lastError.ts) > time) return;
    this.lastError = row;
    this.renderError();
  }

  renderError() {
    const row = this.lastError;
    if (!row) {
      this.show('error', 'none', 'no error logged in the last day', 'ok');
      return;
    }
    const time = parseTime(row.ts);
    const recent = Date.now() - time < 300e3;
    this.show('error', `${row.service ? `${row.service}: ` : ''}${row.message}`, `${clockTime(time)} (${ago(time)})`, recent ? 'bad' : 'warn');
    const more = row.correlation_id ? ` (select to show everything with correlation id ${row.correlation_id})` : '';
    this.stats.error.element.title = `${row.message}${more}`;
  }
}

function level(value, warn, bad) {
  return value >= bad ? 'bad' : value >= warn ? 'warn' : 'ok';
}
