// Tradewatch dashboard: wires the panels to the API and the live stream, polls the lists that
// have no stream (metric names, symbols, /metrics), and handles the theme and API key buttons.

import { apiKey, askForKey, forgetKey, getJSON } from './api.js';
import { themeChanged } from './canvas.js';
import { CandlePanel } from './candle-panel.js';
import { setUpCorrelationDialog } from './correlation.js';
import { byId, preferences, setText } from './dom.js';
import { ExecutionPanel } from './execution-panel.js';
import { HealthPanel } from './health-panel.js';
import { LiveStream } from './live.js';
import { LogPanel } from './log-panel.js';
import { MetricPanel } from './metric-panel.js';
import { StrategyPanel } from './strategy-panel.js';

const themes = ['auto', 'dark', 'light'];

function setUpTheme() {
  const button = byId('theme-toggle');
  const apply = (name) => {
    if (name === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = name;
    button.textContent = `Theme: ${name}`;
    button.setAttribute('aria-label', `Colour theme: ${name === 'auto' ? 'follows the system' : name}; change`);
    themeChanged();
  };
  let current = preferences.get('theme', 'auto');
  if (!themes.includes(current)) current = 'auto';
  apply(current);
  button.addEventListener('click', () => {
    current = themes[(themes.indexOf(current) + 1) % themes.length];
    preferences.set('theme', current);
    apply(current);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => themeChanged());
}

function showConnection(status) {
  const element = byId('connection');
  element.dataset.state = status.state;
  const text = { live: 'live', connecting: 'connecting…', waiting: `offline: ${status.detail}` }[status.state];
  setText(element, text || status.state);
}

/** Runs `task` now and then `ms` after each run ends (never two at once). */
function every(ms, task) {
  const run = async () => {
    try {
      await task();
    } catch (error) {
      console.warn(error.message);
    }
    setTimeout(run, ms);
  };
  return run();
}

async function start() {
  setUpTheme();
  setUpCorrelationDialog();
  const live = new LiveStream();
  live.onStatus(showConnection);
  const health = new HealthPanel(byId('health'));
  const charts = [
    new MetricPanel(byId('metric-a'), live, {
      slot: 'chart-a',
      preferred: [/^order\.latency/, /latency/, /spread/, /^(?!system\.|process\.)/],
    }),
    new MetricPanel(byId('metric-b'), live, {
      slot: 'chart-b',
      preferred: [/^system\.cpu\.usage/, /^system\.cpu/, /^process\.cpu/, /^system\./],
    }),
  ];
  const candles = new CandlePanel(byId('candles'), live);

  // The first request finds out whether a key is needed before the stream connects.
  const latest = async () => {
    const answer = await getJSON('api/v1/metrics/latest');
    for (const chart of charts) chart.setNames(answer.rows);
    health.setSystem(answer.rows);
  };
  await every(2000, latest);
  live.connect();
  new StrategyPanel(byId('strategies'), live);
  new ExecutionPanel(byId('executions'), live);
  new LogPanel(byId('logs'), live, { onError: (row) => health.setLastError(row) });
  health.renderError();
  every(2000, () => health.poll());
  every(10000, async () => {
    const answer = await getJSON('api/v1/trades/latest');
    candles.setSymbols(answer.rows.map((row) => row.symbol));
  });

  const keyButton = byId('key-button');
  keyButton.hidden = !apiKey();
  keyButton.addEventListener('click', async () => {
    forgetKey();
    await askForKey('Enter the API key to use from now on.');
    live.socket?.close();
  });
  window.addEventListener('tradewatch-key', () => (keyButton.hidden = !apiKey()));
}

start();
