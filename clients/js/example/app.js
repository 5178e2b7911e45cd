// The storefront demo: lists products, edits the cart through @bitacora/client's cart sync and
// checks out. Served at /demo/ with the built client beside it at /demo/client/ (README.md).
import { ApiError, CartSyncFailure, createCartSync } from './client/index.js';

const TOKEN_KEY = 'bitacora-demo.token';
// The API's origin: the page's own unless `?api=https://…` names another (that server must list
// this page's origin in `http.cors_origins`).
const API = new URLSearchParams(location.search).get('api') ?? '';

const $ = (id) => document.getElementById(id);
const products = new Map();
let sync = null;
let unsubscribe = null;
let nextCursor = null;

function money(cents, currency) {
  if (cents == null) return '—';
  if (!currency) return (cents / 100).toFixed(2);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

// ---- token (demo only) ----

function showLogin() {
  unsubscribe?.();
  sync?.dispose();
  sync = null;
  $('shop').hidden = true;
  $('login').hidden = false;
  $('sync-status').textContent = '';
  $('token').focus();
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  start();
});

$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});

// ---- products ----

async function loadProducts(more = false) {
  const note = $('products-note');
  try {
    const page = await sync.listProducts({ limit: 50, cursor: more ? nextCursor : null });
    if (!more) $('products').replaceChildren();
    for (const p of page.items) {
      products.set(p.sku, p);
      $('products').append(productRow(p));
    }
    nextCursor = page.next_cursor;
    $('more').hidden = !nextCursor;
    note.hidden = page.items.length > 0 || more;
    note.textContent = 'No products yet: an operator defines them with PUT /api/products/{sku}.';
  } catch (e) {
    note.hidden = false;
    note.textContent =
      e instanceof ApiError && e.status === 401
        ? 'This server still wants an operator token to list products (the public catalog is newer).'
        : `Could not list products: ${e.message}`;
  }
}

function productRow(p) {
  return el(
    'li',
    { dataset: { sku: p.sku, testid: 'product' } },
    el('div', {}, el('div', { textContent: p.name }), el('div', { className: 'sku', textContent: p.sku })),
    el('div', { className: 'num' }, el('div', { textContent: money(p.price_in_cents, p.currency) }), el('div', { className: 'stock', textContent: `${p.available} available` })),
    el('button', { type: 'button', textContent: 'Add to cart', disabled: p.available <= 0, dataset: { testid: 'add', sku: p.sku }, onclick: () => sync.add(p.sku, 1) }),
  );
}

$('more').addEventListener('click', () => loadProducts(true));

// ---- cart ----

function renderCart(state) {
  const { cart, pending, syncing, error } = state;
  const lines = $('cart-lines').querySelector('tbody');
  const server = new Map((state.serverCart?.items ?? []).map((l) => [l.sku, l.quantity]));
  lines.replaceChildren(
    ...cart.items.map((l) => {
      const name = products.get(l.sku)?.name ?? l.sku;
      const unsaved = server.get(l.sku) !== l.quantity;
      return el(
        'tr',
        { dataset: { sku: l.sku, quantity: String(l.quantity), pending: String(unsaved), testid: 'cart-line' } },
        el('td', { textContent: name }),
        el(
          'td',
          { className: 'qty' },
          el('button', { type: 'button', className: 'ghost', textContent: '−', ariaLabel: `One ${name} less`, onclick: () => sync.add(l.sku, -1) }),
          el('span', { textContent: String(l.quantity) }),
          el('button', { type: 'button', className: 'ghost', textContent: '+', ariaLabel: `One ${name} more`, onclick: () => sync.add(l.sku, 1) }),
        ),
        el('td', { className: 'num', textContent: l.price_in_cents == null ? '…' : money(l.quantity * l.price_in_cents, cart.currency ?? products.get(l.sku)?.currency) }),
        el('td', {}, el('button', { type: 'button', className: 'ghost', textContent: '×', ariaLabel: `Remove ${name}`, onclick: () => sync.remove(l.sku) })),
      );
    }),
  );
  const empty = cart.items.length === 0;
  $('cart-empty').hidden = !empty;
  $('cart-lines').hidden = empty;
  $('totals').hidden = empty;
  $('subtotal').textContent = money(cart.subtotal_in_cents, cart.currency);
  $('discount').textContent = money(cart.discount_in_cents, cart.currency);
  $('total').textContent = money(cart.total_in_cents, cart.currency);
  $('checkout').disabled = empty || checkingOut;

  const status = $('sync-status');
  status.dataset.state = error ? 'error' : pending || syncing ? 'saving' : 'saved';
  status.dataset.pending = String(pending);
  status.textContent = !state.ready
    ? 'Loading your cart…'
    : error?.retrying
      ? `Offline or server busy: ${pending} change(s) will be sent when it is back`
      : pending || syncing
        ? 'Saving…'
        : 'All changes saved';

  $('cart-error').hidden = !error || error.retrying;
  if (error && !error.retrying) $('cart-error-text').textContent = describe(error);
}

function describe(error) {
  const name = error.sku ? products.get(error.sku)?.name ?? error.sku : '';
  if (error.code === 'insufficient_stock') return `Only ${error.available} of ${name} can be had; your cart was put back.`;
  if (error.code === 'unknown_sku') return `${name || 'That product'} is not sold here any more.`;
  if (error.code === 'unauthorized') return 'The token was refused: paste another one.';
  return error.message;
}

$('cart-error-dismiss').addEventListener('click', () => sync?.dismissError());

// ---- checkout ----

let checkingOut = false;
$('checkout-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  checkingOut = true;
  $('checkout').disabled = true;
  $('checkout').textContent = 'Placing order…';
  try {
    // A double click gets this same promise back: one order.
    const order = await sync.checkout({ gateway: $('gateway').value });
    $('order').hidden = false;
    $('order-reference').textContent = order.reference;
    $('order-amount').textContent = money(order.amount_in_cents, order.currency);
    $('order-status').textContent = order.status.replace(/_/g, ' ');
    $('order-status').dataset.status = order.status;
    const expires = $('order-expires');
    expires.dateTime = order.expires_at;
    expires.title = order.expires_at;
    expires.textContent = new Date(order.expires_at).toLocaleTimeString();
  } catch (e) {
    const msg =
      e instanceof CartSyncFailure
        ? describe(e.error)
        : e instanceof ApiError && e.code === 'insufficient_stock'
          ? `Not enough stock: ${(e.body.items ?? []).map((i) => `${i.sku} (${i.available} left)`).join(', ')}`
          : e instanceof ApiError && e.code === 'empty_cart'
            ? 'Your cart is empty.'
            : `Checkout failed: ${e.message}`;
    $('cart-error').hidden = false;
    $('cart-error-text').textContent = msg;
  } finally {
    checkingOut = false;
    $('checkout').textContent = 'Check out';
    if (sync) renderCart(sync.getState());
  }
});

// ---- start ----

function start() {
  if (!sessionStorage.getItem(TOKEN_KEY)) return showLogin();
  unsubscribe?.();
  sync?.dispose();
  sync = createCartSync({ baseUrl: API, getToken: () => sessionStorage.getItem(TOKEN_KEY) });
  $('login').hidden = true;
  $('shop').hidden = false;
  $('order').hidden = true;
  unsubscribe = sync.subscribe(renderCart);
  loadProducts().then(() => renderCart(sync.getState()));
}

start();
