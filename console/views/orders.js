// Orders: the ones needing a person first, then all of them; the detail shows lines, amounts,
// payment, the timeline of its events and the actions an operator may take (docs/api.md §4).
import { api, seg, streamPath } from '../api.js';
import {
  h, clear, badge, time, countdown, num, money, moneyText, table, dl, pre, loadMore, showError, toast,
  section, tmLink, link, toLocalInput, fromLocalInput,
} from '../ui.js';

const STATUSES = ['pending_payment', 'paid', 'payment_failed', 'expired', 'cancelled', 'needs_attention', 'refunded'];
const PAGE = 50;

function ordersTable(testid, empty) {
  return table({
    testid, empty, rows: [],
    columns: [
      { label: 'Reference', cell: (o) => h('a', { href: `#/orders/${seg(o.reference)}`, class: 'mono', 'data-testid': 'order-link' }, o.reference) },
      { label: 'Status', cell: (o) => badge(o.status) },
      { label: 'Amount', num: true, cell: (o) => money(o.amount_in_cents, o.currency) },
      { label: 'Units', num: true, cell: (o) => num((o.items || []).reduce((n, i) => n + (i.quantity || 0), 0)) },
      { label: 'Placed', cell: (o) => time(o.created_at) },
      { label: 'Expires', cell: (o) => time(o.expires_at) },
      { label: 'Payment', cell: (o) => (o.payment ? `${o.payment.gateway} · ${o.payment.status}` : h('span', { class: 'muted' }, '—')) },
    ],
    rowAttrs: (o) => ({ 'data-testid': 'order-row', 'data-reference': o.reference, 'data-status': o.status }),
  });
}

// One paginated list under a heading; its own cursor, so both lists page independently.
async function pagedList(container, query, ctx, testid, empty) {
  const tbl = ordersTable(testid, empty);
  const pager = h('div', { class: 'pager' });
  container.append(tbl.el, pager);
  const fetchPage = (cursor) => api('/api/orders', { query: { ...query, limit: PAGE, cursor }, signal: ctx.signal });
  const first = await fetchPage();
  tbl.add(first.items);
  let cursor = first.next_cursor;
  if (cursor) pager.append(loadMore('Load more', async () => {
    const page = await fetchPage(cursor);
    tbl.add(page.items);
    cursor = page.next_cursor;
    return cursor;
  }));
}

export async function list(root, ctx) {
  const f = { status: ctx.query.status || '', from: ctx.query.from || '', to: ctx.query.to || '' };
  const status = h('select', { name: 'status', 'data-testid': 'filter-status' }, h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)));
  status.value = f.status;
  const form = h('form', { class: 'filters', role: 'search', 'data-testid': 'order-filters' },
    h('label', { class: 'field' }, h('span', {}, 'Status'), status),
    h('label', { class: 'field' }, h('span', {}, 'Placed from'), h('input', { type: 'datetime-local', step: '1', name: 'from', value: toLocalInput(f.from, { seconds: true }), 'data-testid': 'filter-from' })),
    h('label', { class: 'field' }, h('span', {}, 'Placed to'), h('input', { type: 'datetime-local', step: '1', name: 'to', value: toLocalInput(f.to, { seconds: true }), 'data-testid': 'filter-to' })),
    h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: '#/orders', class: 'button secondary' }, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    ctx.setQuery({ status: v.status, from: fromLocalInput(v.from), to: fromLocalInput(v.to) });
  });
  root.append(h('h1', { tabindex: '-1' }, 'Orders'), jumpForm('Open order', 'ORD-…', (v) => `#/orders/${seg(v)}`), form);

  const range = { from: f.from, to: f.to };
  if (!f.status) {
    const attention = h('section', { class: 'card attention', 'data-testid': 'needs-attention-section' },
      h('h2', {}, 'Needs attention'),
      h('p', { class: 'muted' }, 'Approved payments that do not match their order. Each keeps its stock until someone resolves it.'));
    root.append(attention);
    await pagedList(attention, { ...range, status: 'needs_attention' }, ctx, 'needs-attention-table', 'No order needs attention.');
  }
  const all = h('section', { class: 'card', 'data-testid': 'orders-section' }, h('h2', {}, f.status ? `Orders: ${f.status.replaceAll('_', ' ')}` : 'All orders'));
  root.append(all);
  await pagedList(all, { ...range, status: f.status }, ctx, 'orders-table', 'No order matches these filters.');
}

// A small "go to" form, for when the operator already has a reference or sku in hand.
export function jumpForm(label, placeholder, target) {
  const input = h('input', { name: 'go', placeholder, required: true, 'aria-label': label, 'data-testid': 'jump-input' });
  const form = h('form', { class: 'toolbar jump' }, input, h('button', { type: 'submit', class: 'secondary' }, label));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) location.hash = target(input.value.trim());
  });
  return form;
}

// ---- detail ---------------------------------------------------------------------------------

const KNOWN = new Set(['reference', 'status', 'amount_in_cents', 'currency', 'items', 'subtotal_in_cents', 'discount_in_cents',
  'delivery_fee_in_cents', 'coupon', 'delivery', 'created_at', 'expires_at', 'payment', 'user', 'integrity_signature']);

export async function detail(root, ctx) {
  const ref = ctx.params.ref;
  const body = h('div');
  const heading = h('h1', { tabindex: '-1' }, 'Order ', h('span', { class: 'mono' }, ref));
  root.append(h('p', { class: 'crumbs' }, h('a', { href: '#/orders' }, '← Orders')), heading, body);

  async function load() {
    const [order, events] = await Promise.all([
      api(`/api/orders/${seg(ref)}`, { signal: ctx.signal }),
      api(`/api/streams/${streamPath(`order/${ref}`)}/events`, { query: { limit: 200 }, signal: ctx.signal })
        .catch((e) => { if (e.name === 'AbortError' || e.status === 401) throw e; return { error: e }; }),
    ]);
    clear(heading, 'Order ', h('span', { class: 'mono' }, order.reference), ' ', badge(order.status));
    clear(body, render(order, events, load, ctx));
  }
  await load();
}

function render(o, events, reload, ctx) {
  const parts = [];
  if (o.status === 'needs_attention') parts.push(resolveForm(o, reload));
  if (o.status === 'pending_payment') parts.push(cancelForm(o, reload));
  const cur = o.currency;
  parts.push(section('Summary', dl([
    ['Status', badge(o.status)],
    ['Total', h('strong', {}, money(o.amount_in_cents, cur))],
    ['Subtotal', money(o.subtotal_in_cents, cur)],
    ['Discount', o.discount_in_cents ? money(-o.discount_in_cents, cur) : money(0, cur)],
    ['Delivery fee', money(o.delivery_fee_in_cents, cur)],
    ['Coupon', o.coupon],
    ['Delivery', o.delivery ? `${o.delivery.zone} · ${o.delivery.distance_km} km` : 'pickup'],
    o.user !== undefined && ['Shopper', o.user],
    ['Placed', time(o.created_at)],
    ['Expires', o.expires_at ? h('span', {}, time(o.expires_at), o.status === 'pending_payment' ? [' ', countdown(o.expires_at)] : null) : null],
    ['Payment', o.payment ? h('span', { 'data-testid': 'order-payment' }, `${o.payment.gateway} · transaction ${o.payment.transaction_id} · ${o.payment.status}`) : 'none yet'],
    ['Stream', tmLink(`order/${o.reference}`, `order/${o.reference}`)],
  ])));

  const lines = table({
    testid: 'order-lines', rows: o.items || [], empty: 'No lines.',
    columns: [
      { label: 'SKU', cell: (l) => link(`#/products/${seg(l.sku)}`, l.sku, { class: 'mono' }) },
      { label: 'Quantity', num: true, cell: (l) => num(l.quantity) },
      { label: 'Unit price', num: true, cell: (l) => money(l.price_in_cents, cur) },
      { label: 'Line total', num: true, cell: (l) => money(l.price_in_cents * l.quantity, cur) },
    ],
  });
  parts.push(section('Lines', lines.el));

  // Fields this console does not know yet are still shown, not dropped.
  const extra = Object.entries(o).filter(([k]) => !KNOWN.has(k));
  if (extra.length) parts.push(section('Other fields', dl(extra.map(([k, v]) => [k, typeof v === 'object' && v !== null ? pre(v) : String(v)]))));

  parts.push(timeline(o, events, ctx));
  return parts;
}

function who(ev) {
  const d = ev.data || {};
  if (d.by) return d.by === 'owner' ? 'shopper' : d.by;
  if (ev.type === 'OrderPlaced') return d.user ? `shopper ${d.user}` : 'shopper';
  if (['PaymentApproved', 'PaymentFailed', 'OrderNeedsAttention', 'OrderRefunded'].includes(ev.type)) return d.gateway ? `gateway (${d.gateway})` : 'gateway';
  return 'system';
}

function describe(ev, cur) {
  const d = ev.data || {};
  switch (ev.type) {
    case 'OrderPlaced': return `Placed for ${moneyText(d.amount_in_cents, d.currency || cur)} via ${d.gateway || '?'}`;
    case 'OrderNeedsAttention': return `Needs attention: ${d.reason || '?'} — ${d.gateway || ''} ${d.status || ''} ${d.amount_in_cents !== undefined ? moneyText(d.amount_in_cents, d.currency) : ''}`;
    case 'PaymentApproved': return `Payment approved: ${moneyText(d.amount_in_cents, d.currency)} (${d.transaction_id || ''})`;
    case 'PaymentFailed': return `Payment failed: ${d.status || ''}`;
    case 'OrderResolved': return `Resolved: ${(d.action || '?').replaceAll('_', ' ')}`;
    case 'OrderCancelled': return 'Cancelled';
    case 'OrderExpired': return 'Reservation expired';
    case 'OrderRefunded': return `Refunded (${d.status || ''})`;
    default: return ev.type;
  }
}

function timeline(o, events, ctx) {
  if (events.error) return section('Timeline', h('p', { class: 'inline-error' }, `Timeline unavailable: ${events.error.code} — ${events.error.message}`));
  const list = h('ol', { class: 'timeline', 'data-testid': 'order-timeline' });
  const add = (items) => items.forEach((ev) => list.append(h('li', { 'data-testid': 'timeline-item', 'data-type': ev.type },
    h('div', { class: 'timeline-head' }, h('strong', {}, ev.type), ' ', time(ev.at), ' · ', h('span', { 'data-testid': 'timeline-who' }, who(ev))),
    h('div', {}, describe(ev, o.currency)),
    ev.data?.note ? h('div', { class: 'note', 'data-testid': 'timeline-note' }, `“${ev.data.note}”`) : null,
    h('details', {}, h('summary', {}, 'Event data'), pre(ev.data || {})))));
  add(events.items || []);
  let next = events.next_from_version;
  const pager = h('div', { class: 'pager' }, next ? loadMore('Load more events', async () => {
    const page = await api(`/api/streams/${streamPath(`order/${o.reference}`)}/events`, { query: { limit: 200, from_version: next }, signal: ctx.signal });
    add(page.items);
    next = page.next_from_version;
    return next;
  }) : null);
  return section('Timeline', list, pager);
}

function noteField(testid) {
  return h('input', { name: 'note', maxlength: '500', placeholder: 'Note for the log', 'aria-label': 'Note', 'data-testid': testid });
}

async function act(path, body, what, reload, buttons) {
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const order = await api(path, { method: 'POST', body });
    toast(`${what}: order is now ${order.status?.replaceAll('_', ' ')}.`);
    await reload();
  } catch (e) {
    // 409 insufficient_stock / not_needs_attention / already_paid land in the banner with the server's words.
    showError(e, what);
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function resolveForm(o, reload) {
  const note = noteField('resolve-note');
  const paid = h('button', { type: 'button', 'data-testid': 'resolve-mark-paid' }, 'Mark paid');
  const cancel = h('button', { type: 'button', class: 'danger', 'data-testid': 'resolve-cancel' }, 'Cancel order');
  const go = (action, question) => {
    if (!confirm(question)) return;
    const body = { action, note: note.value.trim() };
    act(`/api/orders/${seg(o.reference)}/resolve`, body, action === 'mark_paid' ? 'Marked paid' : 'Cancelled', reload, [paid, cancel]);
  };
  paid.addEventListener('click', () => go('mark_paid', `Mark ${o.reference} paid? Its stock is taken and confirmed.`));
  cancel.addEventListener('click', () => go('cancel', `Cancel ${o.reference}? What it holds is released; refund the payment at the gateway.`));
  // Enter in the note field should not pick an action for the operator.
  note.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
  return h('section', { class: 'card attention', 'data-testid': 'resolve-form' },
    h('h2', {}, 'Resolve'),
    h('p', {}, 'The gateway approved a payment that does not match this order. Decide what stands.'),
    h('div', { class: 'toolbar' }, note, paid, cancel));
}

function cancelForm(o, reload) {
  const note = noteField('cancel-note');
  const button = h('button', { type: 'submit', class: 'danger', 'data-testid': 'cancel-order' }, 'Cancel order');
  const form = h('form', { class: 'toolbar' }, note, button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!confirm(`Cancel ${o.reference}? Its reserved stock is released.`)) return;
    const n = note.value.trim();
    act(`/api/orders/${seg(o.reference)}/cancel`, n ? { note: n } : {}, 'Cancelled', reload, [button]);
  });
  return section('Awaiting payment', h('p', { class: 'muted' }, 'Cancelling releases the reserved stock now instead of at expiry.'), form);
}
