// Shell and router. The URL hash is the whole state of the page (view, id, filters), so every
// screen is a link an operator can paste to a colleague, and a reload lands on the same thing.
import { api, session, onUnauthorized, ApiError } from './api.js';
import { h, clear, clearBanner, showError } from './ui.js';
import * as webhooks from './views/webhooks.js';
import * as orders from './views/orders.js';
import * as products from './views/products.js';
import * as scheduler from './views/scheduler.js';
import * as timemachine from './views/timemachine.js';
import * as health from './views/health.js';

// [pattern, view, nav section]. ":x" captures one decoded path segment.
const ROUTES = [
  ['webhooks', webhooks.list, 'webhooks'],
  ['webhooks/:id', webhooks.detail, 'webhooks'],
  ['orders', orders.list, 'orders'],
  ['orders/:ref', orders.detail, 'orders'],
  ['products', products.list, 'products'],
  ['products/:sku', products.detail, 'products'],
  ['scheduler', scheduler.render, 'scheduler'],
  ['time-machine', timemachine.render, 'time-machine'],
  ['health', health.render, 'health'],
];
const NAV = [
  ['webhooks', 'Webhooks'], ['orders', 'Orders'], ['products', 'Products'],
  ['scheduler', 'Scheduler'], ['time-machine', 'Time machine'], ['health', 'Health'],
];

const main = document.getElementById('view');
const nav = document.getElementById('nav');
const userBox = document.getElementById('user');
const menuButton = document.getElementById('menu-button');

let current = null; // {path, ctx, handle}

export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, ''), query: Object.fromEntries(new URLSearchParams(qs)) };
}

export function hashFor(path, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, v);
  const qs = params.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, view, section] of ROUTES) {
    const pp = pattern.split('/');
    // A reference or sku never holds "/", but a stream-like id could: the last capture takes the rest.
    if (pp.length > parts.length || (pp.length < parts.length && !pp[pp.length - 1].startsWith(':'))) continue;
    const params = {};
    let ok = true;
    pp.forEach((p, i) => {
      if (!ok) return;
      if (p.startsWith(':')) {
        const rest = i === pp.length - 1 ? parts.slice(i).join('/') : parts[i];
        try { params[p.slice(1)] = decodeURIComponent(rest); } catch { params[p.slice(1)] = rest; }
      } else if (p !== parts[i]) ok = false;
    });
    if (ok) return { view, section, params };
  }
  return null;
}

// Everything a view needs, plus cleanup: timers and fetches of a view stop when it is left.
function makeContext(path, query, params) {
  const controller = new AbortController();
  const timers = [];
  return {
    path, query, params,
    signal: controller.signal,
    every(ms, fn) {
      let running = false;
      const id = setInterval(async () => {
        if (running || controller.signal.aborted) return; // never stack slow polls
        running = true;
        try {
          await fn();
        } catch (e) {
          // A 401 already sent the operator to sign-in; a left view's errors no longer matter.
          if (e.name !== 'AbortError' && e.status !== 401 && !controller.signal.aborted) showError(e);
        } finally {
          running = false;
        }
      }, ms);
      timers.push(id);
    },
    // Filters: push a new hash (a history entry, shareable). replace: keep history clean for
    // continuous controls such as the time machine's slider.
    setQuery(q, { replace = false } = {}) {
      const target = hashFor(path, q);
      if (target === location.hash) return;
      if (replace) {
        history.replaceState(null, '', target);
        route();
      } else location.hash = target;
    },
    dispose() {
      controller.abort();
      timers.forEach(clearInterval);
    },
  };
}

async function route() {
  if (!session.token()) return signIn();
  const { path, query } = parseHash();
  if (!path) {
    history.replaceState(null, '', '#/webhooks');
    return route();
  }
  // Same view, new filters: a view that can update in place (time machine) does so.
  if (current && current.path === path && current.handle?.update) {
    current.ctx.query = query;
    if (current.handle.update(query) !== false) return;
  }
  current?.ctx.dispose();
  clearBanner();
  const found = match(path);
  const ctx = makeContext(path, query, found?.params || {});
  const samePath = current?.path === path;
  current = { path, ctx, handle: null };
  highlightNav(found?.section);
  nav.classList.remove('open');
  menuButton.setAttribute('aria-expanded', 'false');
  const root = h('div', { class: 'view', 'data-view': found?.section || 'none' });
  clear(main, root);
  if (!found) {
    root.append(h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'No view at ', h('code', {}, `#/${path}`), '. ', h('a', { href: '#/webhooks' }, 'Go to webhooks')));
    return;
  }
  try {
    current.handle = (await found.view(root, ctx)) || null;
  } catch (e) {
    if (e.name === 'AbortError' || (e instanceof ApiError && e.status === 401)) return;
    showError(e);
    if (!root.children.length) root.append(h('h1', { tabindex: '-1' }, 'Could not load this view'));
  }
  // Moving focus to the heading tells keyboard and screen-reader users the view changed; a
  // filter change on the same view keeps focus where the operator was.
  if (!samePath && !ctx.signal.aborted) root.querySelector('h1')?.focus({ preventScroll: true });
}

function highlightNav(section) {
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderShell() {
  clear(nav, NAV.map(([s, label]) => h('a', { href: `#/${s}`, 'data-section': s, 'data-testid': `nav-${s}` }, label)));
  const name = session.operator();
  clear(userBox, name
    ? [h('span', { class: 'operator', 'data-testid': 'operator-name', title: 'Signed in operator' }, name),
       h('button', { type: 'button', class: 'secondary small', 'data-testid': 'sign-out', onclick: signOut }, 'Sign out')]
    : []);
  document.body.classList.toggle('signed-in', !!name);
}

function signOut() {
  session.clear();
  signIn('You signed out.');
}

// The sign-in screen. The hash is kept, so after signing in the operator lands where the link
// (or the expired session) pointed.
function signIn(message) {
  current?.ctx.dispose();
  current = null;
  renderShell();
  clearBanner();
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'token-input' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'signin-error' }, message && !message.startsWith('You signed') ? message : '');
  const note = message && message.startsWith('You signed') ? h('p', { class: 'muted', 'data-testid': 'signin-note' }, message) : null;
  const button = h('button', { type: 'submit', 'data-testid': 'signin-submit' }, 'Sign in');
  const form = h('form', { class: 'card signin', 'data-testid': 'signin-form' },
    h('h1', { tabindex: '-1' }, 'Operator sign-in'),
    h('p', { class: 'muted' }, 'Paste your operator token. It is kept in this tab only and forgotten when the tab closes.'),
    h('label', { for: 'token' }, 'Operator token'), input, note, error, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    error.textContent = '';
    try {
      const me = await api('/api/operators/me', { token });
      session.save(token, me.operator || 'operator');
      renderShell();
      route();
    } catch (e) {
      if (e.status === 401) error.textContent = 'That token was not accepted (401). Check it and try again.';
      else error.textContent = `Could not sign in: ${e.code}${e.status ? ` (HTTP ${e.status})` : ''} — ${e.message}`;
      button.disabled = false;
      input.select();
    }
  });
  clear(main, h('div', { class: 'view', 'data-view': 'signin' }, form));
  input.focus();
}

onUnauthorized(() => {
  session.clear();
  signIn('Your session ended: the server refused the token (401). Sign in again.');
});

menuButton.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menuButton.setAttribute('aria-expanded', String(open));
});
window.addEventListener('hashchange', route);

// A token left in this tab's session is checked again: it may have been revoked since.
async function start() {
  const token = session.token();
  if (!token) return signIn();
  try {
    const me = await api('/api/operators/me', { token });
    session.save(token, me.operator || 'operator');
  } catch (e) {
    if (e.status === 401) {
      session.clear();
      return signIn('Your session ended: the server refused the token (401). Sign in again.');
    }
    showError(e, 'Checking the session'); // server down: keep the token, show the views' errors
  }
  renderShell();
  route();
}
start();
