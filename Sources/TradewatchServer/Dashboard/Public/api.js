// HTTP access to the Tradewatch API, relative to the page (so a path prefix in front of the
// server keeps working), with the API key when the server asks for one.

import { byId } from './dom.js';

const keyName = 'tradewatch.apiKey';

/** An answer other than 2xx, with the problem document's detail when the server sent one. */
export class ApiError extends Error {
  constructor(status, detail, path) {
    super(`${path}: ${status} ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

export function apiKey() {
  try {
    return localStorage.getItem(keyName) || '';
  } catch {
    return '';
  }
}

function storeKey(key) {
  try {
    if (key) localStorage.setItem(keyName, key);
    else localStorage.removeItem(keyName);
  } catch {
    // Without storage the key lasts as long as the page.
  }
  memoryKey = key;
  window.dispatchEvent(new Event('tradewatch-key'));
}

let memoryKey = '';
let keyRequest = null;

function currentKey() {
  return apiKey() || memoryKey;
}

/**
 * Asks for an API key once: every request that got a 401 meanwhile waits for the same answer.
 * The key is kept in localStorage, sent as `Authorization: Bearer` and as `access_token` on the
 * WebSocket.
 */
export function askForKey(reason) {
  if (keyRequest) return keyRequest;
  const dialog = byId('key-dialog');
  const input = byId('key-input');
  byId('key-reason').textContent = reason || 'This server requires an API key with the read scope.';
  input.value = '';
  keyRequest = new Promise((resolve) => {
    const form = byId('key-form');
    const submitted = (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      form.removeEventListener('submit', submitted);
      storeKey(key);
      dialog.close();
      keyRequest = null;
      resolve(key);
    };
    form.addEventListener('submit', submitted);
    // The key is needed to go on: Escape does not dismiss the question.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    dialog.showModal();
    input.focus();
  });
  return keyRequest;
}

/** Forgets the stored key (the header's "API key" button), so the next request asks again. */
export function forgetKey() {
  storeKey('');
}

function url(path, parameters) {
  const target = new URL(path, document.baseURI);
  for (const [name, value] of Object.entries(parameters || {})) {
    if (value !== undefined && value !== null && value !== '') target.searchParams.set(name, value);
  }
  return target;
}

/**
 * GETs `path` (relative, e.g. `api/v1/logs`), or POSTs `body` as JSON when there is one, and
 * returns the Response; asks for a key on 401.
 */
export async function request(path, parameters, accept = 'application/json', body = undefined) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const headers = { Accept: accept };
    const key = currentKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    const init = { headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      Object.assign(init, { method: 'POST', body: JSON.stringify(body) });
    }
    const response = await fetch(url(path, parameters), init);
    if (response.status === 401) {
      const detail = await problemDetail(response);
      if (key) storeKey('');
      await askForKey(key ? `The stored key was refused: ${detail}` : detail);
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, await problemDetail(response), path);
    return response;
  }
  throw new ApiError(401, 'no accepted API key', path);
}

async function problemDetail(response) {
  const text = await response.text();
  try {
    const problem = JSON.parse(text);
    return problem.detail || problem.message || problem.title || text;
  } catch {
    return text || response.statusText;
  }
}

export async function getJSON(path, parameters) {
  return (await request(path, parameters)).json();
}

/**
 * Runs a read-only SQL statement (`POST api/v1/query`, `?` placeholders bound to `params`) and
 * returns its rows as objects keyed by column name.
 */
export async function querySQL(sql, params = [], timeoutMs = 3000) {
  const answer = await (await request('api/v1/query', {}, 'application/json', { sql, params, timeout_ms: timeoutMs })).json();
  const names = answer.columns.map((column) => column.name);
  return answer.rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index]])));
}

export async function getText(path, parameters) {
  return (await request(path, parameters, 'text/plain')).text();
}

/** The WebSocket URL of the live stream, with the key as `access_token` when there is one. */
export function streamURL() {
  const target = url('api/v1/stream');
  target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = currentKey();
  if (key) target.searchParams.set('access_token', key);
  return target.toString();
}
