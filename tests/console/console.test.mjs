#!/usr/bin/env node
// Browser test of the operator console (console/) against a real bitacora binary.
//
//   node tests/console/console.test.mjs [path/to/bitacora] [artifacts-dir]
//
// Environment (arguments win): CONSOLE_TEST_BINARY (default build/app/bitacora),
// CONSOLE_TEST_ARTIFACTS (default tests/console/artifacts), CHROMIUM (default /usr/bin/chromium),
// CONSOLE_DEV_SERVER=1 to serve the page from tests/console/dev-server.mjs (console/ read from
// disk, so an edit shows without a rebuild) while the binary answers everything else. Not BITACORA_*: those
// configure the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  assert, eventually, TestFailure, configToml, startServer, client, postWompi, checkout, ensureDir,
  checkQuality, rowsAre, retries, waitWebhook, canonicalLocal,
} from './lib.mjs';
import { startDevServer } from './dev-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(process.argv[2] || process.env.CONSOLE_TEST_BINARY || path.join(here, '../../build/app/bitacora'));
const artifacts = ensureDir(process.argv[3] || process.env.CONSOLE_TEST_ARTIFACTS || path.join(here, 'artifacts'));
const DEV_SERVER = process.env.CONSOLE_DEV_SERVER === '1';
const ALICE_TOKEN = 'alice-operator-token-for-the-console-test';

const tid = (id) => `[data-testid="${id}"]`;

let step = 'setup';
const log = (msg) => console.log(`[console-test] ${msg}`);
async function section(name, fn) {
  step = name;
  const t = Date.now();
  log(`▶ ${name}`);
  await fn();
  log(`✓ ${name} (${Date.now() - t} ms)`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bitacora-console-'));
let server;
let dev;
let browser;
const pageErrors = [];
const dialogs = [];

async function main() {
  assert(fs.existsSync(binary), `no bitacora binary at ${binary} (pass its path as the first argument)`);
  const configPath = path.join(tmp, 'bitacora.toml');
  fs.writeFileSync(configPath, configToml({ dataDir: path.join(tmp, 'data'), aliceToken: ALICE_TOKEN }));
  server = await startServer(binary, configPath, path.join(artifacts, 'server.log'));
  let origin = server.url;
  if (DEV_SERVER) {
    dev = await startDevServer({ upstream: server.url });
    origin = dev.url;
  }
  log(`bitacora at ${server.url}; console at ${origin}/console/${DEV_SERVER ? ' (dev server)' : ''}`);
  const api = client(origin);
  const ctx = { api, origin, refs: {} };

  await section('the console is served with the right content types', async () => {
    for (const [file, type] of [['', 'text/html'], ['app.js', 'javascript'], ['views/webhooks.js', 'javascript'], ['style.css', 'text/css']]) {
      const res = await fetch(`${origin}/console/${file}`, { redirect: 'manual' });
      assert(res.status === 200, `GET /console/${file} → ${res.status}${res.headers.get('location') ? ` (Location: ${res.headers.get('location')})` : ''}, expected 200`);
      assert((res.headers.get('content-type') || '').includes(type), `GET /console/${file} has Content-Type ${res.headers.get('content-type')}, expected ${type}`);
    }
  });

  await section('seed the catalog and a pending checkout', async () => {
    await api.ok('PUT', '/api/products/mug-1', { body: { name: 'Mug', price_in_cents: 2500000, currency: 'COP', stock: 20 } });
    await api.ok('PUT', '/api/products/lamp-2', { body: { name: 'Lamp', price_in_cents: 990000, currency: 'COP', stock: 5 } });
    ctx.refs.dan = (await checkout(api, 'dan', 'lamp-2', 2)).reference; // stays pending: a reservation to look at
  });

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => pageErrors.push(`${step}: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
  ctx.page = page;
  const shot = async (name) => {
    await page.evaluate(() => document.getElementById('toasts')?.replaceChildren()); // toasts would cover the view
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  };
  const go = (hash) => page.evaluate((h) => { location.hash = h; }, hash);

  await section('sign in (bad token refused, session kept in sessionStorage only)', async () => {
    await page.goto(`${origin}/console/#/webhooks?status=failed`);
    await page.fill(tid('token-input'), 'not-a-token');
    await page.press(tid('token-input'), 'Enter'); // the form submits on Enter
    await eventually('the sign-in error', async () => /not accepted/.test(await page.textContent(tid('signin-error'))));
    await page.fill(tid('token-input'), ALICE_TOKEN);
    await page.press(tid('token-input'), 'Enter');
    await page.waitForSelector(tid('operator-name'));
    assert((await page.textContent(tid('operator-name'))) === 'alice', 'the header should name the operator alice');
    assert(page.url().endsWith('#/webhooks?status=failed'), `the deep link should survive sign-in, got ${page.url()}`);
    const storage = await page.evaluate(() => ({ s: JSON.stringify(sessionStorage), l: localStorage.length }));
    assert(storage.s.includes(ALICE_TOKEN) && storage.l === 0, `token must be in sessionStorage only: ${JSON.stringify(storage)}`);
  });

  await section('a webhook posted now appears in the table without reload', async () => {
    await go('#/webhooks');
    await page.waitForSelector(`${tid('webhooks-table')}[data-loaded="true"]`); // first page in: what comes next is live
    await page.evaluate(() => { window.__noReload = true; });
    ctx.ghost = await postWompi(api, { txId: 'tx-ghost-1', amount: 1000, reference: 'ORD-GHOST-1' });
    const row = page.locator(`${tid('webhook-row')}[data-id="${ctx.ghost}"]`);
    await row.waitFor();
    assert(await page.evaluate(() => window.__noReload === true), 'the page reloaded to show the new webhook');
    assert((await row.getAttribute('data-new')) === 'true', 'a row that arrived by polling should be highlighted as new');
    // Unknown order reference: a permanent error, the webhook ends failed (docs/api.md §2).
    await eventually('the new webhook to show failed', async () => (await row.getAttribute('data-status')) === 'failed');
    await checkQuality(page, 'webhooks');
    await shot('01-webhooks');
  });

  await section('filter by status and by reference; reload keeps the filters', async () => {
    ctx.ghost2 = await postWompi(api, { txId: 'tx-ghost-2', amount: 1000, reference: 'ORD-GHOST-2' });
    await waitWebhook(api, ctx.ghost2, 'failed');
    await page.selectOption(tid('filter-status'), 'failed');
    await page.press(tid('filter-type'), 'Enter');
    await eventually('hash with status=failed', () => page.url().includes('status=failed'));
    await eventually('only failed rows, the ghost among them', () => rowsAre(page, { status: 'failed' }, ctx.ghost));
    await page.fill(tid('filter-reference'), 'ORD-GHOST-1');
    await page.press(tid('filter-reference'), 'Enter');
    await eventually('hash with the reference', () => page.url().includes('reference=ORD-GHOST-1'));
    await eventually('only ORD-GHOST-1 rows', () => rowsAre(page, { status: 'failed', reference: 'ORD-GHOST-1' }, ctx.ghost));
    await page.reload();
    await eventually('the filter restored after reload', async () => (await page.inputValue(tid('filter-reference'))) === 'ORD-GHOST-1'
      && (await page.inputValue(tid('filter-status'))) === 'failed');
    await eventually('filtered rows after reload', () => rowsAre(page, { status: 'failed', reference: 'ORD-GHOST-1' }, ctx.ghost));
    assert(!(await page.locator(`${tid('webhook-row')}[data-id="${ctx.ghost2}"]`).count()), 'ORD-GHOST-2 should be filtered out');
    // Time range, typed in the operator's local time: from an hour ahead matches nothing.
    const later = await page.evaluate(() => { const d = new Date(Date.now() + 3600e3); return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19); });
    await page.fill(tid('filter-from'), canonicalLocal(later));
    await page.press(tid('filter-from'), 'Enter');
    await eventually('hash with from=', () => /from=\d{4}-/.test(decodeURIComponent(page.url())));
    await eventually('no row received after an hour from now', async () => (await page.locator(tid('webhook-row')).count()) === 0
      && (await page.locator(`${tid('webhooks-table')} tr.empty`).count()) === 1);
  });

  await section('the webhooks table pages with next_cursor', async () => {
    await go('#/webhooks?limit=1'); // two webhooks exist by now: two pages
    const rows = () => page.locator(tid('webhook-row')).count();
    await eventually('a first page of 1 row', async () => (await rows()) === 1);
    await page.click(tid('load-more'));
    await eventually('2 rows after Load more', async () => (await rows()) === 2);
    assert(/paused/.test(await page.textContent(tid('live-status'))), 'live polling should pause while older pages are shown');
    await page.click(tid('back-to-live'));
    await eventually('back to the first page', async () => (await rows()) === 1);
  });

  await section('webhook detail: payload, history, retry', async () => {
    await go('#/webhooks?status=failed&reference=ORD-GHOST-1');
    await page.click(`${tid('webhook-row')}[data-id="${ctx.ghost}"] ${tid('webhook-link')}`);
    await page.waitForSelector(`${tid('history-item')}[data-type="WebhookFailed"]`);
    assert(/unknown order reference/.test(await page.textContent(tid('last-error'))), 'the detail should show the last error');
    const preStyle = await page.$eval(tid('payload'), (el) => ({ o: getComputedStyle(el).overflow, m: getComputedStyle(el).maxHeight }));
    assert(preStyle.o === 'auto' && preStyle.m !== 'none', `payload <pre> must scroll: ${JSON.stringify(preStyle)}`);
    assert((await page.textContent(tid('payload'))).includes('\n  "data"'), 'a JSON payload should be pretty-printed');
    await shot('02-webhook-detail');
    await page.fill(tid('retry-note'), 'retried by the console test');
    await page.click(tid('retry-one'));
    await page.waitForSelector(`${tid('history-item')}[data-type="WebhookRetryRequested"]`);
    await eventually('a second failed attempt in the history', async () => (await page.locator(`${tid('history-item')}[data-type="WebhookFailed"]`).count()) >= 2);
    const detail = await api.ok('GET', `/api/webhook-events/${ctx.ghost}`);
    const req = detail.history.find((e) => e.type === 'WebhookRetryRequested');
    assert(req, 'the server should record the retry request');
    assert(req.data.by === 'alice' && req.data.note === 'retried by the console test', `retry should be by alice with the note: ${JSON.stringify(req.data)}`);
  });

  await section('bulk retry: selected rows, then all matching a filter', async () => {
    const a = await postWompi(api, { txId: 'tx-bulk-a', amount: 500, reference: 'ORD-BULK-A' });
    const b = await postWompi(api, { txId: 'tx-bulk-b', amount: 500, reference: 'ORD-BULK-B' });
    await waitWebhook(api, a, 'failed');
    await waitWebhook(api, b, 'failed');
    await go('#/webhooks?status=failed');
    for (const id of [a, b]) await page.locator(`${tid('webhook-row')}[data-id="${id}"] ${tid('row-select')}`).check();
    await eventually('two selected', async () => (await page.textContent(tid('retry-selected'))).includes('(2)'));
    await page.click(tid('retry-selected'));
    await eventually('the count of the bulk retry', async () => (await page.getAttribute(tid('bulk-result'), 'data-count')) === '2');
    assert(dialogs.some((m) => /Retry 2 selected/.test(m)), `bulk retry should ask first: ${JSON.stringify(dialogs)}`);
    for (const id of [a, b]) await eventually(`${id} retried and failed again`, async () => retries(await api.ok('GET', `/api/webhook-events/${id}`)) === 1);
    await waitWebhook(api, a, 'failed');
    await go('#/webhooks?status=failed&reference=ORD-BULK-A');
    await eventually('only ORD-BULK-A rows', () => rowsAre(page, { reference: 'ORD-BULK-A' }, a));
    await page.evaluate(() => { document.querySelector('[data-testid="bulk-result"]').dataset.count = ''; });
    await page.click(tid('retry-matching'));
    await eventually('count 1 for the filter', async () => (await page.getAttribute(tid('bulk-result'), 'data-count')) === '1');
    await eventually('ORD-BULK-A retried twice', async () => retries(await api.ok('GET', `/api/webhook-events/${a}`)) === 2);
    assert(retries(await api.ok('GET', `/api/webhook-events/${b}`)) === 1, 'ORD-BULK-B was outside the filter and must not be retried again');
  });

  await section('API errors show a banner in the page, never a blank screen', async () => {
    await go('#/orders/ORD-DOES-NOT-EXIST');
    await page.waitForSelector(`${tid('error-banner')}[data-error="not_found"]`);
    assert(await page.isVisible('[data-view="orders"] h1'), 'the view keeps its heading when its data is missing');
    const o = await checkout(api, 'erin', 'mug-1', 1);
    await go(`#/orders/${o.reference}`);
    await page.waitForSelector(tid('cancel-order'));
    await postWompi(api, { txId: 'tx-erin', amount: o.amount_in_cents, reference: o.reference });
    await eventually('erin\'s order paid', async () => (await api.ok('GET', `/api/orders/${o.reference}`)).status === 'paid');
    await page.click(tid('cancel-order')); // the page still offers it: the server says no
    const banner = page.locator(tid('error-banner'));
    await banner.waitFor();
    assert((await banner.getAttribute('data-error')) === 'already_paid', `banner should carry already_paid, got ${await banner.getAttribute('data-error')}`);
    assert(/409/.test(await banner.textContent()), 'the banner should show the HTTP status');
  });

  await section('needs_attention orders: listed first, resolved with mark_paid and cancel', async () => {
    for (const [user, qty] of [['bea', 2], ['carl', 3]]) {
      const o = await checkout(api, user, 'mug-1', qty);
      ctx.refs[user] = o.reference;
      await postWompi(api, { txId: `tx-${user}`, amount: 100, reference: o.reference }); // wrong amount
    }
    for (const user of ['bea', 'carl']) {
      await eventually(`${user}'s order needs attention`, async () => (await api.ok('GET', `/api/orders/${ctx.refs[user]}`)).status === 'needs_attention');
    }
    await go('#/orders');
    for (const user of ['bea', 'carl']) await page.waitForSelector(`${tid('needs-attention-table')} ${tid('order-row')}[data-reference="${ctx.refs[user]}"]`);
    await checkQuality(page, 'orders');
    await shot('03-orders');
    await page.click(`${tid('needs-attention-table')} ${tid('order-row')}[data-reference="${ctx.refs.bea}"] ${tid('order-link')}`);
    await page.waitForSelector(tid('resolve-form'));
    const na = page.locator(`${tid('timeline-item')}[data-type="OrderNeedsAttention"] ${tid('timeline-who')}`);
    assert(/gateway/.test(await na.textContent()), 'the gateway caused needs_attention');
    await shot('04-order-detail');
    const before = await api.ok('GET', '/api/products/mug-1');
    await page.fill(tid('resolve-note'), 'paid the difference by transfer');
    await page.click(tid('resolve-mark-paid'));
    await page.waitForSelector(`h1 .badge[data-status="paid"]`);
    await page.waitForSelector(`${tid('timeline-item')}[data-type="OrderResolved"]`);
    const afterPaid = await api.ok('GET', '/api/products/mug-1');
    assert((await api.ok('GET', `/api/orders/${ctx.refs.bea}`)).status === 'paid', 'bea\'s order should be paid');
    assert(afterPaid.on_hand === before.on_hand - 2 && afterPaid.reserved === before.reserved - 2,
      `mark_paid should confirm 2 units: before ${JSON.stringify(before)} after ${JSON.stringify(afterPaid)}`);
    await go(`#/orders/${ctx.refs.carl}`);
    await page.waitForSelector(tid('resolve-form'));
    await page.fill(tid('resolve-note'), 'refunded at the gateway');
    await page.click(tid('resolve-cancel'));
    await page.waitForSelector(`h1 .badge[data-status="cancelled"]`);
    const afterCancel = await api.ok('GET', '/api/products/mug-1');
    assert((await api.ok('GET', `/api/orders/${ctx.refs.carl}`)).status === 'cancelled', 'carl\'s order should be cancelled');
    assert(afterCancel.on_hand === afterPaid.on_hand && afterCancel.reserved === afterPaid.reserved - 3,
      `cancel should release 3 units: ${JSON.stringify(afterPaid)} → ${JSON.stringify(afterCancel)}`);
    await checkQuality(page, 'order detail', { badges: true, times: true, nums: true });
  });

  await section('products: list, reservations with countdown, adjust stock', async () => {
    await go('#/products');
    await page.waitForSelector(`${tid('product-row')}[data-sku="mug-1"]`);
    await page.waitForSelector(`${tid('product-row')}[data-sku="lamp-2"]`);
    await checkQuality(page, 'products', { nums: true });
    await shot('05-products');
    await page.click(`${tid('product-row')}[data-sku="lamp-2"] ${tid('product-link')}`);
    const resv = page.locator(`${tid('reservation-row')}[data-order="${ctx.refs.dan}"]`);
    await resv.waitFor();
    assert(/^in \d/.test(await resv.locator(tid('countdown')).textContent()), 'a reservation should count down to its expiry');
    await shot('06-product-detail');
    await go('#/products/mug-1');
    await page.waitForSelector(tid('stock-form'));
    const before = await api.ok('GET', '/api/products/mug-1');
    await page.fill(tid('stock-delta'), '-1000');
    await page.fill(tid('stock-reason'), 'typo');
    await page.press(tid('stock-reason'), 'Enter');
    await page.waitForSelector(`${tid('error-banner')}[data-error="stock_below_reserved"]`);
    await page.fill(tid('stock-delta'), '5');
    await page.fill(tid('stock-reason'), 'restock');
    await page.press(tid('stock-reason'), 'Enter');
    await eventually('on hand +5 in the page', async () => Number(await page.textContent(tid('stock-on_hand'))) === before.on_hand + 5);
    assert((await api.ok('GET', '/api/products/mug-1')).on_hand === before.on_hand + 5, 'the server should hold the adjusted stock');
  });

  await section('time machine: the stock before and after a checkout', async () => {
    await go('#/products/lamp-2');
    await page.click(tid('tm-link'));
    await eventually('the time machine on product/lamp-2', async () => (await page.inputValue(tid('tm-stream')).catch(() => '')) === 'product/lamp-2');
    const events = (await api.ok('GET', '/api/streams/product/lamp-2/events')).items;
    await eventually('one marker per event', async () => (await page.locator(tid('tm-marker')).count()) === events.length);
    const slider = page.locator(tid('tm-slider'));
    await slider.focus();
    await page.keyboard.press('End');
    await eventually('after the checkout: reserved 2', async () => (await page.textContent(tid('tm-reserved')).catch(() => '')) === '2');
    await page.keyboard.press('ArrowLeft');
    await eventually('before the checkout: reserved 0, on hand 5', async () => (await page.textContent(tid('tm-reserved')).catch(() => '')) === '0'
      && (await page.textContent(tid('tm-on_hand'))) === '5');
    assert(page.url().includes('seq='), 'the moment should be in the URL');
    await page.keyboard.press('Home');
    await page.waitForSelector(tid('tm-no-state'));
    const reserved = events.find((e) => e.type === 'StockReserved');
    const adjusted = events.find((e) => e.type === 'StockAdjusted');
    await go(`#/time-machine?stream=product/lamp-2&as_of=${adjusted.at}`);
    await eventually('as_of before the checkout: reserved 0', async () => (await page.textContent(tid('tm-reserved')).catch(() => '')) === '0');
    const local = await page.evaluate((at) => { const d = new Date(at); return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 23); }, reserved.at);
    await page.fill(tid('tm-as-of'), canonicalLocal(local));
    await page.press(tid('tm-as-of'), 'Enter');
    await eventually('as_of at the checkout (typed in local time): reserved 2', async () => (await page.textContent(tid('tm-reserved')).catch(() => '')) === '2');
    await checkQuality(page, 'time machine', { times: true });
    await shot('07-time-machine');
  });

  await section('scheduler lists the reservation expiry', async () => {
    await go('#/scheduler');
    await page.waitForSelector(`${tid('timer-row')}[data-kind="reservation_expiry"][data-target="${ctx.refs.dan}"]`);
    assert(Number((await page.textContent(tid('timers-reservation_expiry'))).replace(/\D/g, '')) >= 1, 'one reservation expiry at least');
    await shot('08-scheduler');
  });

  await section('health and live metrics', async () => {
    await go('#/health');
    await page.waitForSelector(`${tid('health-summary')} .badge[data-status="ok"]`);
    await eventually('two rate samples on the ingest chart', async () => Number(await page.getAttribute(tid('chart-ingest'), 'data-points')) >= 2, 20000);
    assert((await page.locator(`${tid('chart-actors')} svg polyline`).count()) >= 1, 'the actors sparkline should be drawn');
    await shot('09-health');
  });

  await section('390×844: no horizontal overflow, nav collapses', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const views = [
      ['#/webhooks', 'webhook-row'], [`#/webhooks/${ctx.ghost}`, 'history'], ['#/orders', 'order-row'],
      [`#/orders/${ctx.refs.bea}`, 'order-timeline'], ['#/products', 'product-row'], ['#/products/lamp-2', 'reservation-row'],
      ['#/scheduler', 'timer-row'], ['#/time-machine?stream=product/lamp-2', 'tm-state'], ['#/health', 'chart-actors'],
    ];
    for (const [hash, ready] of views) {
      await go(hash);
      await page.waitForSelector(tid(ready));
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
      assert(m.sw <= m.w, `${hash} overflows horizontally at 390 px: scrollWidth ${m.sw} > ${m.w}`);
      if (hash === '#/webhooks') await shot('10-webhooks-390');
    }
    assert(await page.isVisible(tid('menu-button')) && !(await page.isVisible(tid('nav-orders'))), 'the nav should collapse behind Menu');
    await page.click(tid('menu-button'));
    await page.click(tid('nav-orders'));
    await page.waitForSelector(tid('orders-table'));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await section('a later 401 returns to sign-in with a message; sign out', async () => {
    await page.evaluate(() => sessionStorage.setItem('bitacora.console.token', 'revoked-token'));
    await page.click(tid('nav-products'));
    await page.waitForSelector(tid('product-row')); // the catalog is public: no 401 there
    await page.click(tid('nav-orders'));
    await page.waitForSelector(tid('signin-form'));
    assert(/session ended/.test(await page.textContent(tid('signin-error'))), 'the sign-in should say why');
    await page.fill(tid('token-input'), ALICE_TOKEN);
    await page.press(tid('token-input'), 'Enter');
    await page.waitForSelector(tid('orders-table')); // back where the 401 happened
    await page.keyboard.press('Tab'); // keyboard reachability: focus moves to a real control
    await page.click(tid('sign-out'));
    await page.waitForSelector(tid('signin-form'));
    assert(await page.evaluate(() => sessionStorage.length === 0), 'sign-out should forget the token');
  });

  assert(!pageErrors.length, `uncaught errors in the page:\n${pageErrors.join('\n')}`);
}

main().then(
  async () => { await cleanup(); log(`PASS — screenshots in ${artifacts}`); process.exit(0); },
  async (e) => {
    console.error(`[console-test] FAIL in step "${step}": ${e instanceof TestFailure ? e.message : e.stack || e}`);
    try { await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }); } catch { /* best effort */ }
    if (pageErrors.length) console.error(`page errors:\n${pageErrors.join('\n')}`);
    if (server) console.error(`server log: ${path.join(artifacts, 'server.log')}`);
    await cleanup();
    process.exit(1);
  },
);

async function cleanup() {
  await browser?.close().catch(() => {});
  await dev?.close().catch(() => {});
  await server?.stop().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
}
