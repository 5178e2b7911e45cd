// Webhooks: counts by status, a filterable live table, bulk retry, and the detail of one webhook
// with its payload and every attempt (docs/api.md §2).
import { api, seg } from '../api.js';
import {
  h, clear, badge, time, countdown, num, truncated, table, dl, pre, prettyPayload, loadMore, showError,
  toast, orderLink, tmLink, section, toLocalInput, fromLocalInput, toneOf,
} from '../ui.js';

const STATUSES = ['pending', 'processing', 'succeeded', 'failed', 'quarantined'];
const FILTERS = ['gateway', 'status', 'type', 'reference', 'from', 'to'];
const PAGE = 50; // rows per page; `limit` in the hash overrides it (1–500, as the API allows)

const pick = (q, keys) => Object.fromEntries(keys.filter((k) => q[k]).map((k) => [k, q[k]]));

export async function list(root, ctx) {
  const filters = pick(ctx.query, FILTERS);
  const limit = Math.min(500, Math.max(1, Number(ctx.query.limit) || PAGE));
  const selected = new Set();
  const rows = new Map(); // id → {sig, el}: lets a poll replace only the rows that changed
  let cursor = null;
  let olderLoaded = false; // live polling stops once an older page is shown: it would reorder under the reader

  const countsBox = h('div', { class: 'counts', 'data-testid': 'webhook-counts' });
  const note = h('input', { type: 'text', name: 'note', placeholder: 'Note for the log (optional)', maxlength: '500', 'data-testid': 'bulk-note', 'aria-label': 'Note for bulk retry' });
  const retrySelected = h('button', { type: 'button', disabled: true, 'data-testid': 'retry-selected' }, 'Retry selected (0)');
  const retryMatching = h('button', { type: 'button', class: 'secondary', 'data-testid': 'retry-matching' }, 'Retry all matching filter');
  const bulkResult = h('p', { class: 'bulk-result', role: 'status', 'data-testid': 'bulk-result' });
  const liveNote = h('p', { class: 'muted live', 'data-testid': 'live-status' }, 'Live: the first page refreshes every 2 s.');
  const pager = h('div', { class: 'pager' });

  const tbl = table({
    testid: 'webhooks-table',
    empty: 'No webhook matches these filters.',
    rows: [],
    columns: [
      { label: h('span', { class: 'sr-only' }, 'Select'), cell: (w) => checkbox(w) },
      { label: 'ID', cell: (w) => h('a', { href: `#/webhooks/${seg(w.id)}`, class: 'mono', 'data-testid': 'webhook-link' }, w.id) },
      { label: 'Received', cell: (w) => time(w.received_at) },
      { label: 'Gateway', cell: (w) => w.gateway ?? '—' },
      { label: 'Type', cell: (w) => h('span', { class: 'mono' }, w.type ?? '—') },
      { label: 'Status', cell: (w) => badge(w.status) },
      { label: 'Attempts', num: true, cell: (w) => num(w.attempts) },
      { label: 'Next retry', cell: (w) => time(w.next_retry_at) },
      { label: 'Last error', cell: (w) => truncated(w.last_error, 48) },
      { label: 'Order', cell: (w) => orderLink(w.order_reference) },
    ],
    rowAttrs: (w) => ({ 'data-testid': 'webhook-row', 'data-id': w.id, 'data-status': w.status, 'data-reference': w.order_reference || '' }),
  });

  function checkbox(w) {
    if (w.status !== 'failed') {
      selected.delete(w.id);
      return h('input', { type: 'checkbox', disabled: true, title: 'Only failed webhooks can be retried', 'aria-label': `${w.id} cannot be retried` });
    }
    return h('input', {
      type: 'checkbox', checked: selected.has(w.id), 'aria-label': `Select ${w.id}`, 'data-testid': 'row-select',
      onchange: (e) => { e.target.checked ? selected.add(w.id) : selected.delete(w.id); updateBulk(); },
    });
  }
  function updateBulk() {
    retrySelected.textContent = `Retry selected (${selected.size})`;
    retrySelected.disabled = selected.size === 0;
  }

  // Puts `items` in the table in order, touching only rows whose data changed, so a poll does
  // not steal focus from a checkbox or link the operator is on. `replace`: rows not in `items`
  // go (a refreshed first page); otherwise rows are appended (an older page).
  function sync(items, { markNew = false, replace = false } = {}) {
    const body = tbl.tbody;
    body.querySelector('tr.empty')?.remove();
    let at = replace ? body.firstElementChild : null;
    for (const w of items) {
      const sig = JSON.stringify(w);
      let entry = rows.get(w.id);
      if (!entry || entry.sig !== sig) {
        const el = tbl.makeRow(w);
        if (entry) {
          if (entry.el.classList.contains('row-new')) el.classList.add('row-new');
          if (at === entry.el) at = el;
          entry.el.replaceWith(el);
        } else if (markNew) {
          el.classList.add('row-new');
          el.dataset.new = 'true';
        }
        entry = { sig, el };
        rows.set(w.id, entry);
      }
      if (at && entry.el === at) at = at.nextElementSibling;
      else body.insertBefore(entry.el, at);
    }
    if (replace) {
      const keep = new Set(items.map((w) => w.id));
      for (const [id, entry] of rows) if (!keep.has(id)) { entry.el.remove(); rows.delete(id); }
    }
    if (!body.children.length) body.append(tbl.emptyRow());
    updateBulk();
  }

  async function loadCounts() {
    try {
      const c = await api('/api/webhook-events/counts', { signal: ctx.signal });
      clear(countsBox, STATUSES.map((s) => h('a', {
        class: `count tone-${toneOf(s)}${filters.status === s ? ' active' : ''}`,
        href: `#/webhooks?${new URLSearchParams({ ...filters, status: s })}`,
        'data-testid': `count-${s}`, 'data-status': s,
      }, h('span', { class: 'count-label' }, s), h('span', { class: 'count-value num' }, String(c[s] ?? 0)))));
    } catch (e) {
      if (e.name === 'AbortError' || e.status === 401) throw e;
      // Shown where the counts would be, so it does not hide errors of the table itself.
      clear(countsBox, h('p', { class: 'inline-error', 'data-testid': 'counts-error' }, `Counts unavailable: ${e.code} — ${e.message}`));
    }
  }

  async function loadFirst(markNew) {
    const page = await api('/api/webhook-events', { query: { ...filters, limit }, signal: ctx.signal });
    if (olderLoaded) return; // an older page arrived meanwhile
    sync(page.items, { markNew, replace: true });
    cursor = page.next_cursor;
    clear(pager, cursor ? loadMore('Load more', loadOlder) : null);
  }
  async function loadOlder() {
    const page = await api('/api/webhook-events', { query: { ...filters, limit, cursor }, signal: ctx.signal });
    olderLoaded = true;
    clear(liveNote, 'Live updates paused while older pages are shown. ',
      h('button', { type: 'button', class: 'link', 'data-testid': 'back-to-live', onclick: backToLive }, 'Back to live'));
    sync(page.items);
    cursor = page.next_cursor;
    return cursor;
  }
  async function backToLive() {
    olderLoaded = false;
    clear(liveNote, 'Live: the first page refreshes every 2 s.');
    await loadFirst(false).catch(showError);
  }

  async function bulk(body, what) {
    const n = note.value.trim();
    if (n) body.note = n;
    try {
      const res = await api('/api/webhook-events/retry', { method: 'POST', body });
      const msg = `${res.count} webhook${res.count === 1 ? '' : 's'} sent back to retry (${what}).`;
      bulkResult.textContent = msg;
      bulkResult.dataset.count = String(res.count);
      toast(msg);
      selected.clear();
      note.value = '';
      await Promise.all([loadCounts(), loadFirst(false)]);
    } catch (e) {
      showError(e, 'Bulk retry');
    }
  }
  retrySelected.addEventListener('click', () => {
    const ids = [...selected];
    if (!ids.length || !confirm(`Retry ${ids.length} selected failed webhook${ids.length === 1 ? '' : 's'}?`)) return;
    bulk({ ids }, 'selected');
  });
  retryMatching.addEventListener('click', () => {
    const { status, ...rest } = filters;
    const body = { status: 'failed', ...rest };
    const desc = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(', ') || 'no other filter';
    if (!confirm(`Retry EVERY failed webhook matching: ${desc}?${status && status !== 'failed' ? ` (Only failed ones can be retried; the status filter "${status}" is ignored.)` : ''}`)) return;
    bulk(body, 'matching filter');
  });

  root.append(
    h('h1', { tabindex: '-1' }, 'Webhooks'),
    countsBox,
    filterForm(filters, ctx),
    h('div', { class: 'toolbar' }, note, retrySelected, retryMatching),
    bulkResult, liveNote, tbl.el, pager,
  );
  await Promise.all([loadCounts(), loadFirst(false)]);
  tbl.el.querySelector('table').dataset.loaded = 'true'; // rows after this one arrived live
  ctx.every(2000, async () => {
    if (olderLoaded) return;
    await Promise.all([loadCounts(), loadFirst(true)]);
  });
}

function filterForm(filters, ctx) {
  const input = (name, label, attrs = {}) => h('label', { class: 'field' }, h('span', {}, label),
    h('input', { name, value: filters[name] || '', 'data-testid': `filter-${name}`, ...attrs }));
  const status = h('select', { name: 'status', 'data-testid': 'filter-status' },
    h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)));
  status.value = filters.status || '';
  const form = h('form', { class: 'filters', 'data-testid': 'webhook-filters', role: 'search' },
    input('gateway', 'Gateway', { list: 'gateways', placeholder: 'wompi, stripe…' }),
    h('datalist', { id: 'gateways' }, ['wompi', 'mercadopago', 'stripe'].map((g) => h('option', { value: g }))),
    h('label', { class: 'field' }, h('span', {}, 'Status'), status),
    input('type', 'Type', { placeholder: 'transaction.updated' }),
    input('reference', 'Order reference', { placeholder: 'ORD-…' }),
    input('from', 'Received from', { type: 'datetime-local', step: '1', value: toLocalInput(filters.from, { seconds: true }) }),
    input('to', 'Received to', { type: 'datetime-local', step: '1', value: toLocalInput(filters.to, { seconds: true }) }),
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit', 'data-testid': 'filter-apply' }, 'Apply'),
      h('a', { href: '#/webhooks', class: 'button secondary' }, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    ctx.setQuery({
      gateway: v.gateway.trim(), status: v.status, type: v.type.trim(), reference: v.reference.trim(),
      from: fromLocalInput(v.from), to: fromLocalInput(v.to), limit: ctx.query.limit,
    });
  });
  return form;
}

// ---- detail ---------------------------------------------------------------------------------

export async function detail(root, ctx) {
  const id = ctx.params.id;
  const body = h('div');
  let sig = null;
  let status = null;
  root.append(h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks' }, '← Webhooks')),
    h('h1', { tabindex: '-1' }, 'Webhook ', h('span', { class: 'mono' }, id)), body);

  async function load() {
    const w = await api(`/api/webhook-events/${seg(id)}`, { signal: ctx.signal });
    const s = JSON.stringify(w);
    if (s === sig) return; // unchanged: keep open <details> and scroll positions
    sig = s;
    status = w.status;
    clear(body, renderDetail(w, load));
  }
  await load();
  // A webhook being retried ends within moments; follow it until it does.
  ctx.every(2000, async () => { if (status === 'pending') await load(); });
}

function renderDetail(w, reload) {
  const parts = [];
  parts.push(section('Summary', dl([
    ['Status', badge(w.status)],
    ['Gateway', w.gateway],
    ['Type', w.type && h('span', { class: 'mono' }, w.type)],
    ['Received', time(w.received_at)],
    ['Attempts', num(w.attempts)],
    ['Next retry', w.next_retry_at ? h('span', {}, time(w.next_retry_at), ' ', countdown(w.next_retry_at)) : null],
    ['Last error', w.last_error && h('span', { class: 'error-text', 'data-testid': 'last-error' }, w.last_error)],
    w.quarantine_reason !== undefined && ['Quarantine reason', w.quarantine_reason],
    ['Order', orderLink(w.order_reference)],
    ['Dedupe key', w.key && h('span', { class: 'mono break' }, w.key)],
    ['Stream', w.key ? tmLink(`webhook/${w.key}`, `webhook/${w.key}`) : null],
  ])));

  if (w.status === 'failed') parts.push(retryForm(w, reload));

  const payload = [];
  if (w.payload !== undefined) payload.push(pre(prettyPayload(w.payload), 'payload'));
  if (w.payload_base64) payload.push(h('h3', {}, 'Exact bytes (base64; the body is not UTF-8)'), pre(w.payload_base64, 'payload-base64'));
  if (w.query) payload.push(h('h3', {}, 'Query string'), pre(w.query, 'query'));
  if (w.query_base64) payload.push(h('h3', {}, 'Query bytes (base64)'), pre(w.query_base64));
  if (payload.length) parts.push(section('Payload', ...payload));

  const history = w.history || [];
  parts.push(section(`History (${history.length})`, history.length
    ? h('ol', { class: 'timeline', 'data-testid': 'history' }, history.map(historyItem))
    : h('p', { class: 'muted' }, w.status === 'quarantined' ? 'Quarantined requests are never processed: no history.' : 'No events.')));
  return parts;
}

function retryForm(w, reload) {
  const noteInput = h('input', { name: 'note', maxlength: '500', placeholder: 'Why (optional)', 'data-testid': 'retry-note', 'aria-label': 'Note' });
  const button = h('button', { type: 'submit', 'data-testid': 'retry-one' }, 'Retry now');
  const form = h('form', { class: 'toolbar' }, noteInput, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    const note = noteInput.value.trim();
    try {
      await api(`/api/webhook-events/${seg(w.id)}/retry`, { method: 'POST', body: note ? { note } : {} });
      toast(`${w.id} sent back to retry.`);
      await reload();
    } catch (err) {
      showError(err, `Retry ${w.id}`);
      button.disabled = false;
    }
  });
  return section('Retry', h('p', { class: 'muted' }, 'Sends this failed webhook back to pending and attempts it now.'), form);
}

const EVENT_TONE = {
  WebhookReceived: 'processing', WebhookSucceeded: 'succeeded', WebhookAttemptFailed: 'failed',
  WebhookFailed: 'failed', WebhookRetryRequested: 'pending',
};

function historyItem(ev) {
  const d = ev.data || {};
  const lines = [];
  if (ev.type === 'WebhookReceived') lines.push('Received and made durable.');
  if (ev.type === 'WebhookSucceeded') lines.push(`Attempt ${d.attempt ?? '?'} succeeded${d.effect ? `: ${d.effect}` : ''}.`);
  if (ev.type === 'WebhookAttemptFailed') lines.push(h('span', {}, `Attempt ${d.attempt ?? '?'} failed: `, h('span', { class: 'error-text' }, d.error || '—'),
    d.next_retry_at ? h('span', {}, ' — next try ', time(d.next_retry_at)) : ''));
  if (ev.type === 'WebhookFailed') lines.push(h('span', {}, `Attempt ${d.attempt ?? '?'} failed for good: `, h('span', { class: 'error-text' }, d.error || '—')));
  if (ev.type === 'WebhookRetryRequested') lines.push(`Retry requested by ${d.by || 'an operator'}${d.note ? ` — “${d.note}”` : ''}.`);
  // The received body is already shown as the payload; the data view leaves it out.
  const { body, ...shown } = d;
  return h('li', { 'data-testid': 'history-item', 'data-type': ev.type },
    h('div', { class: 'timeline-head' },
      h('span', { class: `ev-type tone-${toneOf(EVENT_TONE[ev.type] || '')}` }, ev.type),
      ' ', time(ev.at), h('span', { class: 'muted' }, ` · v${ev.version} · seq ${ev.seq}`)),
    lines.map((l) => h('div', {}, l)),
    h('details', {}, h('summary', {}, 'Event data'), pre(shown)));
}
