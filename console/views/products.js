// Products: the catalog with stock, and one product's reservations (each counting down to its
// expiry) with the stock adjustment form (docs/api.md §3).
import { api, seg } from '../api.js';
import { h, clear, time, countdown, num, money, table, dl, loadMore, showError, toast, section, tmLink, orderLink } from '../ui.js';
import { jumpForm } from './orders.js';

const PAGE = 50;

export async function list(root, ctx) {
  const tbl = table({
    testid: 'products-table', rows: [], empty: 'No products defined yet.',
    columns: [
      { label: 'SKU', cell: (p) => h('a', { href: `#/products/${seg(p.sku)}`, class: 'mono', 'data-testid': 'product-link' }, p.sku) },
      { label: 'Name', cell: (p) => p.name },
      { label: 'Price', num: true, cell: (p) => money(p.price_in_cents, p.currency) },
      { label: 'On hand', num: true, cell: (p) => num(p.on_hand) },
      { label: 'Reserved', num: true, cell: (p) => num(p.reserved) },
      { label: 'Available', num: true, cell: (p) => num(p.available) },
    ],
    rowAttrs: (p) => ({ 'data-testid': 'product-row', 'data-sku': p.sku }),
  });
  const pager = h('div', { class: 'pager' });
  root.append(h('h1', { tabindex: '-1' }, 'Products'), jumpForm('Open product', 'sku', (v) => `#/products/${seg(v)}`), tbl.el, pager);
  const page = await api('/api/products', { query: { limit: PAGE }, signal: ctx.signal });
  tbl.add(page.items);
  let cursor = page.next_cursor;
  if (cursor) pager.append(loadMore('Load more', async () => {
    const next = await api('/api/products', { query: { limit: PAGE, cursor }, signal: ctx.signal });
    tbl.add(next.items);
    cursor = next.next_cursor;
    return cursor;
  }));
}

export async function detail(root, ctx) {
  const sku = ctx.params.sku;
  const body = h('div');
  root.append(h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, '← Products')),
    h('h1', { tabindex: '-1' }, 'Product ', h('span', { class: 'mono' }, sku)), body);
  async function load() {
    const p = await api(`/api/products/${seg(sku)}`, { signal: ctx.signal });
    clear(body, render(p, load));
  }
  await load();
}

function render(p, reload) {
  const stock = h('div', { class: 'stat-row', 'data-testid': 'product-stock' },
    stat('On hand', p.on_hand, 'on_hand'), stat('Reserved', p.reserved, 'reserved'), stat('Available', p.available, 'available'));
  const summary = section('Summary', stock, dl([
    ['Name', p.name],
    ['Price', money(p.price_in_cents, p.currency)],
    ['Stream', tmLink(`product/${p.sku}`, `product/${p.sku}`)],
  ]));

  let reservations;
  if (Array.isArray(p.reservations)) {
    const tbl = table({
      testid: 'reservations-table', rows: p.reservations, empty: 'No stock is reserved.',
      columns: [
        { label: 'Order', cell: (r) => orderLink(r.order) },
        { label: 'Quantity', num: true, cell: (r) => num(r.quantity) },
        { label: 'Expires', cell: (r) => time(r.expires_at) },
        { label: 'Left', num: true, cell: (r) => (r.expires_at ? countdown(r.expires_at) : h('span', { class: 'muted' }, 'held until resolved')) },
      ],
      rowAttrs: (r) => ({ 'data-testid': 'reservation-row', 'data-order': r.order }),
    });
    // The server lists the soonest-expiring reservations only; reservations_total counts them all.
    const total = p.reservations_total ?? p.reservations.length;
    reservations = section(`Reservations (${total})`, tbl.el,
      total > p.reservations.length ? h('p', { class: 'muted' }, `Showing the ${p.reservations.length} that expire first of ${total}.`) : null);
  } else {
    reservations = section('Reservations', h('p', { class: 'muted' }, 'The server did not list reservations for this product.'));
  }
  return [summary, adjustForm(p, reload), reservations];
}

function stat(label, value, key) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value num', 'data-testid': `stock-${key}` }, String(value ?? '—')));
}

function adjustForm(p, reload) {
  const delta = h('input', { name: 'delta', type: 'number', step: '1', required: true, placeholder: '+5 or -2', 'data-testid': 'stock-delta' });
  const reason = h('input', { name: 'reason', required: true, maxlength: '200', placeholder: 'restock, damaged…', 'data-testid': 'stock-reason' });
  const note = h('input', { name: 'note', maxlength: '500', placeholder: 'optional', 'data-testid': 'stock-note' });
  const button = h('button', { type: 'submit', 'data-testid': 'stock-submit' }, 'Adjust stock');
  const form = h('form', { class: 'filters', 'data-testid': 'stock-form' },
    h('label', { class: 'field' }, h('span', {}, 'Change (units)'), delta),
    h('label', { class: 'field' }, h('span', {}, 'Reason'), reason),
    h('label', { class: 'field' }, h('span', {}, 'Note'), note),
    h('div', { class: 'field buttons' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = Number(delta.value);
    if (!Number.isInteger(d) || d === 0) {
      delta.setCustomValidity('A whole number of units, not zero.');
      delta.reportValidity();
      return;
    }
    delta.setCustomValidity('');
    const body = { delta: d, reason: reason.value.trim() };
    if (note.value.trim()) body.note = note.value.trim();
    button.disabled = true;
    try {
      const after = await api(`/api/products/${seg(p.sku)}/stock`, { method: 'POST', body });
      toast(`Stock of ${p.sku} ${d > 0 ? '+' : ''}${d}: ${after.on_hand} on hand.`);
      await reload();
    } catch (err) {
      showError(err, 'Adjust stock'); // e.g. 409 stock_below_reserved with on_hand/reserved
      button.disabled = false;
    }
  });
  delta.addEventListener('input', () => delta.setCustomValidity(''));
  return section('Adjust stock', form);
}
