// Fetch wrapper for the bitacora HTTP API (docs/api.md). Every call carries the operator's
// bearer token; every failure becomes an ApiError carrying the server's {"error","message"} so a
// view can show it in the page instead of going blank.

const TOKEN_KEY = 'bitacora.console.token';
const OPERATOR_KEY = 'bitacora.console.operator';

// sessionStorage, never localStorage: the token dies with the tab, so a shared machine does not
// keep an operator signed in after the browser closes.
export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  operator: () => sessionStorage.getItem(OPERATOR_KEY),
  save(token, operator) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(OPERATOR_KEY, operator);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(OPERATOR_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body, path) {
    const code = (body && body.error) || (status ? `http_${status}` : 'network_error');
    super((body && body.message) || code);
    this.status = status;
    this.code = code;
    this.body = body || {};
    this.path = path;
  }
}

// Called on any 401 once signed in; app.js points it at the sign-in screen.
let unauthorizedHandler = () => {};
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

// Builds "/api/x?a=1" leaving out empty values, so filters that are unset never reach the server
// as `status=` (which some routes would treat as a value).
export function url(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

// Path segments (skus, references, ids) are encoded; a stream name keeps its "/" because the
// streams route accepts it plain (docs/api.md §5).
export const seg = (s) => encodeURIComponent(s);
export const streamPath = (stream) => stream.split('/').map(encodeURIComponent).join('/');

async function parseBody(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: `http_${res.status}`, message: text.slice(0, 500) };
  }
}

/**
 * api('/api/orders', {query:{status:'paid'}}) → parsed JSON.
 * options: method, query, body (JSON-encoded), token (overrides the session's: used by sign-in),
 * accept (extra statuses treated as success, e.g. [503] for /health), signal.
 */
export async function api(path, options = {}) {
  const { method = 'GET', query, body, signal, accept = [] } = options;
  const token = options.token ?? session.token();
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const target = url(path, query);
  let res;
  try {
    res = await fetch(target, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network_error', message: `Could not reach the server (${e.message})` }, target);
  }
  const data = await parseBody(res);
  if (res.ok || accept.includes(res.status)) return data;
  const err = new ApiError(res.status, data, target);
  // The sign-in form passes its own token and handles 401 itself.
  if (res.status === 401 && options.token === undefined) unauthorizedHandler(err);
  throw err;
}

// /metrics is Prometheus text, not JSON.
export async function apiText(path, { signal } = {}) {
  const headers = {};
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { headers, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network_error', message: `Could not reach the server (${e.message})` }, path);
  }
  const text = await res.text();
  if (!res.ok) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: `http_${res.status}`, message: text.slice(0, 500) };
    }
    if (res.status === 401) unauthorizedHandler(new ApiError(401, body, path));
    throw new ApiError(res.status, body, path);
  }
  return text;
}
