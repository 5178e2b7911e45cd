// Shared building blocks: DOM helper, the one status → colour mapping, time and money
// formatting, tables, pagination, banners and toasts. Views build DOM with h() (textContent,
// never innerHTML) so payloads and gateway strings can never inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k in el && typeof v !== 'string') el[k] = v; // value, checked, disabled as properties
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// The single mapping from a status word to a colour, used by every view (webhooks, orders,
// scheduler, health) so "failed" is the same red everywhere.
const TONES = {
  pending: 'amber',
  pending_payment: 'amber',
  processing: 'blue',
  succeeded: 'green',
  paid: 'green',
  ok: 'green',
  failed: 'red',
  payment_failed: 'red',
  degraded: 'red',
  undecodable: 'red',
  quarantined: 'purple',
  needs_attention: 'orange',
  expired: 'grey',
  cancelled: 'grey',
  refunded: 'teal',
};
export const toneOf = (status) => TONES[status] || 'grey';

export function badge(status) {
  const s = status ?? 'unknown';
  return h('span', { class: `badge tone-${toneOf(s)}`, 'data-status': s, 'data-testid': 'status-badge' }, s.replaceAll('_', ' '));
}

// ---- time -----------------------------------------------------------------------------------

const localFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

// Local time in the text, the server's UTC RFC 3339 on hover.
export function time(rfc3339) {
  if (!rfc3339) return h('span', { class: 'muted' }, '—');
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return h('span', {}, String(rfc3339));
  return h('time', { datetime: rfc3339, title: `${rfc3339} (UTC)` }, localFmt.format(d));
}

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return d ? `${d}d ${pad(hh)}:${pad(mm)}:${pad(ss)}` : `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

// A live "in 14:32" / "overdue 00:03" label. One page-wide ticker updates every countdown, so a
// view never has to clean up its own intervals for them.
export function countdown(deadline) {
  const el = h('span', { class: 'countdown num', 'data-deadline': deadline, 'data-testid': 'countdown' });
  tickOne(el);
  return el;
}
function tickOne(el) {
  const left = (new Date(el.dataset.deadline).getTime() - Date.now()) / 1000;
  el.textContent = Number.isNaN(left) ? '—' : left >= 0 ? `in ${duration(left)}` : `overdue ${duration(-left)}`;
  el.classList.toggle('overdue', left < 0);
}
setInterval(() => document.querySelectorAll('[data-deadline]').forEach(tickOne), 1000);

// datetime-local inputs speak the operator's zone without a suffix; the URL and the API speak UTC.
// `seconds`: for inputs with step="1", which would refuse to submit a value carrying milliseconds.
export function toLocalInput(rfc3339, { seconds = false } = {}) {
  if (!rfc3339) return '';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return '';
  const off = d.getTimezoneOffset() * 60000;
  return new Date(d.getTime() - off).toISOString().slice(0, seconds ? 19 : 23);
}
export function fromLocalInput(value) {
  if (!value) return '';
  const d = new Date(value); // parsed as local time
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

// ---- numbers and money ----------------------------------------------------------------------

export function num(n) {
  return h('span', { class: 'num' }, n === null || n === undefined ? '—' : Number(n).toLocaleString());
}

export function moneyText(cents, currency) {
  if (cents === null || cents === undefined) return '—';
  const units = (Number(cents) / 100).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${units} ${currency}` : units;
}
export const money = (cents, currency) => h('span', { class: 'num money' }, moneyText(cents, currency));

export function truncated(text, max = 60) {
  if (!text) return h('span', { class: 'muted' }, '—');
  const s = String(text);
  return h('span', { class: 'truncate', title: s }, s.length > max ? `${s.slice(0, max - 1)}…` : s);
}

// ---- structure ------------------------------------------------------------------------------

/**
 * columns: [{label, cell: row => node|string, num?: bool}]. The wrapper scrolls sideways on
 * narrow screens so a wide table never widens the page.
 */
export function table({ columns, rows, testid, rowAttrs, empty = 'Nothing to show.' }) {
  const tbody = h('tbody');
  const t = h('table', { 'data-testid': testid },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '' }, c.label)))),
    tbody);
  const makeRow = (row) => h('tr', rowAttrs ? rowAttrs(row) : {},
    columns.map((c) => h('td', { class: c.num ? 'num' : c.class || '' }, c.cell(row))));
  const emptyRow = () => h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty));
  const add = (items) => {
    tbody.querySelector('tr.empty')?.remove();
    items.forEach((r) => tbody.append(makeRow(r)));
    if (!tbody.children.length) tbody.append(emptyRow());
  };
  add(rows || []);
  return { el: h('div', { class: 'table-wrap' }, t), tbody, add, makeRow, emptyRow };
}

export function dl(pairs) {
  return h('dl', { class: 'fields' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? h('span', { class: 'muted' }, '—'))]));
}

export function pre(value, testid) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h('pre', { class: 'code', tabindex: '0', 'data-testid': testid }, text);
}

// The raw body as received; pretty-printed when it is JSON, shown as-is otherwise.
export function prettyPayload(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A "Load more" button: onMore() resolves to the next cursor (null when the list ended). */
export function loadMore(label, onMore) {
  const btn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'load-more' }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    btn.textContent = 'Loading…';
    try {
      const next = await onMore();
      if (next) {
        btn.disabled = false;
        btn.textContent = label;
      } else btn.remove();
    } catch (e) {
      btn.disabled = false;
      btn.textContent = label;
      showError(e);
    }
  });
  return btn;
}

// ---- banners and toasts ---------------------------------------------------------------------

// Every API error lands here: the server's error code and message, visible until dismissed or
// the next navigation.
export function showError(err, context) {
  if (err && err.name === 'AbortError') return;
  const region = document.getElementById('banner');
  if (!region) return;
  const code = err?.code || 'error';
  const status = err?.status ? ` (HTTP ${err.status})` : '';
  const extra = err?.body ? Object.entries(err.body).filter(([k]) => k !== 'error' && k !== 'message') : [];
  const box = h('div', { class: 'banner error', role: 'alert', 'data-testid': 'error-banner', 'data-error': code },
    h('div', { class: 'banner-text' },
      h('strong', {}, context ? `${context}: ` : '', code, status),
      ' — ', err?.message || String(err),
      extra.length ? h('div', { class: 'banner-extra' }, extra.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(' · ')) : null),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => box.remove() }, '×'));
  region.replaceChildren(box);
}
export function clearBanner() {
  document.getElementById('banner')?.replaceChildren();
}

export function toast(message, kind = 'ok') {
  const region = document.getElementById('toasts');
  if (!region) return;
  // A click dismisses it early: toasts sit over the bottom-right corner of the page.
  const t = h('div', { class: `toast ${kind}`, 'data-testid': 'toast', title: 'Click to dismiss', onclick: () => t.remove() }, message);
  region.append(t);
  setTimeout(() => t.remove(), 5000);
}

export function link(href, text, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

export const orderLink = (ref) => (ref ? link(`#/orders/${encodeURIComponent(ref)}`, ref, { class: 'mono' }) : h('span', { class: 'muted' }, '—'));
export const tmLink = (stream, text = 'Open in time machine') =>
  link(`#/time-machine?${new URLSearchParams({ stream })}`, text, { 'data-testid': 'tm-link' });

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}
