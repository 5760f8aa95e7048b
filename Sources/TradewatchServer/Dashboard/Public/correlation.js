// The story of one correlation id: every log line and execution carrying it, in time order,
// in a modal dialog (Escape or the close button returns focus to where it was).

import { getJSON } from './api.js';
import { byId, h } from './dom.js';
import { clockTime, formatAmount, formatDuration, formatNumber, isoAgo, parseTime } from './format.js';

let generation = 0;

/** A button showing a correlation id that opens its story. */
export function correlationButton(id) {
  if (!id) return h('span', { class: 'muted' }, '—');
  return h('button', { type: 'button', class: 'link corr', title: `Everything with correlation id ${id}`, onclick: () => showCorrelation(id) }, id);
}

export async function showCorrelation(id) {
  const dialog = byId('correlation-dialog');
  const list = byId('correlation-list');
  const summary = byId('correlation-summary');
  byId('correlation-id').textContent = id;
  summary.textContent = 'loading…';
  list.replaceChildren();
  if (!dialog.open) dialog.showModal();
  const current = ++generation;
  const parameters = { correlation_id: id, start: isoAgo(7 * 86400e3), order: 'asc', limit: 1000 };
  try {
    const [logs, executions] = await Promise.all([
      getJSON('api/v1/logs', parameters),
      getJSON('api/v1/executions', parameters),
    ]);
    if (current !== generation) return;
    const events = [
      ...logs.rows.map((row) => ({ t: parseTime(row.ts), kind: 'log', row })),
      ...executions.rows.map((row) => ({ t: parseTime(row.ts), kind: 'execution', row })),
    ].sort((a, b) => a.t - b.t);
    summary.textContent = `${logs.rows.length} log line${logs.rows.length === 1 ? '' : 's'}, ${executions.rows.length} execution${executions.rows.length === 1 ? '' : 's'}`;
    list.replaceChildren(...events.map(render));
  } catch (error) {
    if (current === generation) summary.textContent = `could not load: ${error.message}`;
  }
}

function render(event) {
  const row = event.row;
  const time = h('time', { datetime: row.ts }, clockTime(event.t, true));
  if (event.kind === 'log') {
    return h(
      'li',
      { class: `story-log level-${row.level}` },
      time,
      h('span', { class: 'badge' }, row.level),
      h('span', { class: 'service' }, row.service || ''),
      h('span', { class: 'message' }, row.message),
    );
  }
  const latency = Number.isFinite(row.latency_us) ? `, latency ${formatDuration(row.latency_us / 1e6)}` : '';
  const fee = Number.isFinite(row.fee) ? `, fee ${formatAmount(row.fee)}` : '';
  return h(
    'li',
    { class: 'story-execution' },
    time,
    h('span', { class: 'badge exec' }, 'fill'),
    h('span', { class: 'service' }, row.strategy || ''),
    h(
      'span',
      { class: 'message' },
      `${row.side || ''} ${formatNumber(row.qty, 6)} ${row.symbol} @ ${formatAmount(row.price)} on ${row.venue || '—'} (order ${row.order_id}${latency}${fee})`,
    ),
  );
}

export function setUpCorrelationDialog() {
  const dialog = byId('correlation-dialog');
  byId('correlation-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
}
