// One WebSocket to /api/v1/stream shared by every panel: subscriptions by id, resumed after a
// reconnect (tables from the last commit seen, so nothing is missed or repeated; candles
// re-read by their panel), with exponential backoff and jitter while the server is away.

import { streamURL } from './api.js';

const backoff = { first: 500, max: 15000 };

export class LiveStream {
  constructor() {
    this.subscriptions = new Map();
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.nextId = 1;
    this.statusListeners = [];
    this.status = { state: 'connecting', detail: '' };
  }

  /** Listens to `{state: 'connecting'|'live'|'waiting', detail}`. */
  onStatus(listener) {
    this.statusListeners.push(listener);
    listener(this.status);
  }

  setStatus(state, detail = '') {
    this.status = { state, detail };
    for (const listener of this.statusListeners) listener(this.status);
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    this.setStatus('connecting');
    const socket = new WebSocket(streamURL());
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus('live');
      for (const subscription of this.subscriptions.values()) this.send(subscription);
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect(event.code);
    });
  }

  scheduleReconnect(code) {
    const ceiling = Math.min(backoff.max, backoff.first * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.attempt += 1;
    const reason = code === 1001 ? 'server restarting' : 'connection lost';
    this.setStatus('waiting', `${reason}; retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Subscribes and returns the id. `spec` is the subscribe message without `op` and `id`;
   * handlers: onRows(rows), onCandle(bar, final), onSnapshot(rows), onResume() after a
   * reconnect for subscriptions that cannot replay (candles).
   */
  subscribe(spec, handlers) {
    const id = `s${this.nextId++}`;
    const subscription = { id, spec, handlers, lastCommit: null, sent: false };
    this.subscriptions.set(id, subscription);
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.send(subscription);
    return id;
  }

  unsubscribe(id) {
    if (!this.subscriptions.delete(id)) return;
    this.write({ op: 'unsubscribe', id });
  }

  snapshot(id) {
    this.write({ op: 'snapshot', id });
  }

  /** Sends a subscription; sent again after a reconnect, it resumes where it stopped. */
  send(subscription) {
    const resuming = subscription.sent;
    subscription.sent = true;
    const message = { op: 'subscribe', id: subscription.id, ...subscription.spec };
    const replayable = subscription.spec.table !== 'candles';
    if (resuming && replayable && subscription.lastCommit !== null) message.from_commit = subscription.lastCommit;
    this.write(message);
    if (resuming && (!replayable || subscription.lastCommit === null)) subscription.handlers.onResume?.();
  }

  write(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const subscription = this.subscriptions.get(message.id);
    if (!subscription) return;
    const { handlers } = subscription;
    switch (message.op) {
      case 'rows':
        if (typeof message.commit === 'number') subscription.lastCommit = message.commit;
        handlers.onRows?.(message.rows || []);
        break;
      case 'candle':
        handlers.onCandle?.(message.bar, message.final, message.revised);
        break;
      case 'snapshot':
        handlers.onSnapshot?.(message.rows || []);
        break;
      case 'subscribed':
        if (typeof message.commit === 'number') subscription.lastCommit = message.commit;
        break;
      case 'lagged':
        // Rows were dropped for this slow client: the panel reloads its history.
        handlers.onResume?.();
        break;
      case 'error':
        this.failed(subscription, message.message || 'error');
        break;
      default:
        break;
    }
  }

  /** A resume the server cannot honour (too far behind) falls back to a fresh subscription. */
  failed(subscription, text) {
    console.warn(`live subscription ${subscription.id} (${subscription.spec.table}): ${text}`);
    if (subscription.lastCommit !== null && /from_commit|replay/.test(text)) {
      subscription.lastCommit = null;
      this.send(subscription);
    }
  }
}
