// Unit tests of the cart sync against an in-memory fake of the cart routes, with vitest's fake
// timers driving the debounce window and the backoff (no real waiting).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CartSyncFailure, backoffDelay, createCartSync, type CartSync, type CartSyncOptions } from '../src/index.js';
import { applyOps, diff, quantitiesOf } from '../src/ops.js';
import { FakeServer, MemoryStorage, fakeJwt } from './fake-server.js';

const BASE = 'http://fake.test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let syncs: CartSync[] = [];
function setup(opts: Partial<CartSyncOptions> = {}, server = new FakeServer({ a: [1000, 100], b: [250, 100], c: [99, 3] }), storage = new MemoryStorage()) {
  const sync = createCartSync({
    baseUrl: BASE,
    getToken: () => fakeJwt('u1'),
    fetch: server.fetch,
    storage,
    broadcast: false,
    retry: { random: () => 0.5 },
    ...opts,
  });
  syncs.push(sync);
  return { server, storage, sync };
}
const quantities = (sync: CartSync) => Object.fromEntries(sync.getState().cart.items.map((l) => [l.sku, l.quantity]));
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const s of syncs) s.dispose();
  syncs = [];
  vi.useRealTimers();
  delete (globalThis as { window?: unknown }).window;
});

describe('ops', () => {
  it('replays set, add and clear and diffs to absolute quantities', () => {
    const base = quantitiesOf([{ sku: 'a', quantity: 2 }, { sku: 'b', quantity: 1 }]);
    const next = applyOps(base, [{ t: 'add', sku: 'a', delta: 3 }, { t: 'set', sku: 'c', qty: 4 }, { t: 'add', sku: 'b', delta: -5 }]);
    expect(Object.fromEntries(next)).toEqual({ a: 5, c: 4 });
    expect(diff(base, next)).toEqual({ a: 5, c: 4, b: 0 });
    expect(Object.fromEntries(applyOps(base, [{ t: 'clear' }, { t: 'add', sku: 'a', delta: 1 }]))).toEqual({ a: 1 });
  });

  it('backoff is full jitter under an exponential, capped ceiling', () => {
    expect(backoffDelay(0, 500, 30000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30000, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, 500, 30000, () => 0.999)).toBe(29970);
    expect(backoffDelay(5, 500, 30000, () => 0)).toBe(0);
  });
});

describe('createCartSync (fake server)', () => {
  it('coalesces rapid edits into one bulk update of the changed lines, with If-Match and a key', async () => {
    const { server, sync } = setup();
    await tick();
    expect(sync.getState().ready).toBe(true);
    for (let i = 0; i < 20; i++) sync.add('a');
    sync.setQuantity('b', 3);
    sync.setQuantity('b', 0);
    sync.setQuantity('c', 2);
    expect(quantities(sync)).toEqual({ a: 20, c: 2 });
    expect(sync.getState().pending).toBe(2);
    expect(sync.getState().cart.subtotal_in_cents).toBeNull(); // prices unknown until the server (or a product read) tells
    await tick(249);
    expect(server.posts()).toHaveLength(0);
    await tick(1);
    const posts = server.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ a: 20, c: 2 });
    expect(posts[0]!.headers['if-match']).toBe('"0"');
    expect(posts[0]!.headers['idempotency-key']).toMatch(UUID);
    const s = sync.getState();
    expect(s.pending).toBe(0);
    expect(s.cart.version).toBe(1);
    expect(s.cart.total_in_cents).toBe(20 * 1000 + 2 * 99);
    expect(server.log.map((l) => `${l.method} ${l.path}`)).toEqual(['GET /api/cart', 'POST /api/cart/bulk-update']);
  });

  it('changes made while a batch is in flight go in the next window, in order', async () => {
    const { server, sync } = setup();
    await tick();
    sync.setQuantity('a', 1);
    await tick(250);
    sync.setQuantity('a', 5);
    sync.add('a', -2);
    await tick(250);
    expect(server.posts().map((p) => p.body)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(server.lines.get('a')).toBe(3);
  });

  it('retries 5xx and network errors with backoff, reusing the batch key, later changes after it', async () => {
    const { server, sync } = setup();
    await tick();
    server.failures.push({ path: '/api/cart/bulk-update', status: 503 }, { path: '/api/cart/bulk-update', status: 'network' });
    sync.setQuantity('a', 2);
    await tick(250);
    expect(server.posts()).toHaveLength(1);
    expect(sync.getState().error).toMatchObject({ code: 'unavailable', status: 503, retrying: true });
    sync.setQuantity('b', 1); // during the backoff: not merged into the batch being retried
    await tick(249); // attempt 0: 0.5 × 500
    expect(server.posts()).toHaveLength(1);
    await tick(1);
    expect(server.posts()).toHaveLength(2);
    expect(sync.getState().error).toMatchObject({ code: 'network', retrying: true });
    await tick(500); // attempt 1: 0.5 × 1000
    const posts = server.posts();
    expect(posts.map((p) => p.body)).toEqual([{ a: 2 }, { a: 2 }, { a: 2 }, { b: 1 }]);
    expect(new Set(posts.slice(0, 3).map((p) => p.headers['idempotency-key'])).size).toBe(1);
    expect(posts[3]!.headers['idempotency-key']).not.toBe(posts[0]!.headers['idempotency-key']);
    expect(sync.getState().error).toBeNull();
    expect(Object.fromEntries(server.lines)).toEqual({ a: 2, b: 1 });
  });

  it('an answer lost after the server applied the batch is replayed by its key, not applied twice', async () => {
    const { server, sync } = setup();
    await tick();
    server.loseNextAnswer = true;
    sync.add('a', 1);
    await tick(250);
    await tick(250);
    expect(server.posts()).toHaveLength(2);
    expect(server.lines.get('a')).toBe(1);
    expect(quantities(sync)).toEqual({ a: 1 });
    expect(sync.getState().pending).toBe(0);
  });

  for (const status of [409, 412] as const) {
    it(`on ${status} takes the server's cart, replays the local changes on it and retries with a new key`, async () => {
      const { server, sync } = setup();
      server.conflictStatus = status;
      await tick();
      server.external({ a: 3, b: 5 }); // another tab, version 1
      sync.add('a', 1);
      sync.setQuantity('c', 1);
      await tick(250);
      const posts = server.posts();
      expect(posts).toHaveLength(2);
      expect(posts[0]!.headers['if-match']).toBe('"0"');
      expect(posts[1]!.headers['if-match']).toBe('"1"');
      expect(posts[1]!.headers['idempotency-key']).not.toBe(posts[0]!.headers['idempotency-key']);
      expect(posts[1]!.body).toEqual({ a: 4, c: 1 });
      expect(Object.fromEntries(server.lines)).toEqual({ a: 4, b: 5, c: 1 });
      expect(quantities(sync)).toEqual({ a: 4, b: 5, c: 1 });
    });
  }

  it('422 unknown_sku: surfaced, that change dropped, the rest sent, no endless retry', async () => {
    const { server, sync } = setup();
    await tick();
    sync.setQuantity('nope', 1);
    sync.setQuantity('a', 1);
    await tick(250);
    const s = sync.getState();
    expect(s.error).toMatchObject({ code: 'unknown_sku', sku: 'nope', status: 422, retrying: false });
    expect(quantities(sync)).toEqual({ a: 1 });
    expect(server.posts().map((p) => p.body)).toEqual([{ nope: 1, a: 1 }, { a: 1 }]);
    await tick(60000);
    expect(server.posts()).toHaveLength(2);
    sync.add('b'); // the next change dismisses a refusal's error
    expect(sync.getState().error).toBeNull();
  });

  it('422 insufficient_stock: surfaced with available, local cart back to the server, flush rejects', async () => {
    const { server, sync } = setup();
    await tick();
    sync.setQuantity('c', 10);
    const flushed = sync.flush().then(() => null, (e: unknown) => e);
    await tick();
    const failure = await flushed;
    expect(failure).toBeInstanceOf(CartSyncFailure);
    expect((failure as CartSyncFailure).error).toMatchObject({ code: 'insufficient_stock', sku: 'c', available: 3 });
    expect(quantities(sync)).toEqual({});
    expect(sync.getState().pending).toBe(0);
    await tick(60000);
    expect(server.posts()).toHaveLength(1);
  });

  it('offline: changes queue in storage under the user, survive a reload and land when back', async () => {
    const { server, storage, sync } = setup();
    await tick();
    server.offline = true;
    sync.add('a', 2);
    await tick(250);
    sync.setQuantity('b', 1);
    expect(sync.getState().error).toMatchObject({ code: 'network', retrying: true });
    const queues = Object.values(JSON.parse(storage.getItem('bitacora.cart-sync:u1')!).queues) as Array<{ batch: { body: unknown }; ops: unknown[]; at: number }>;
    expect(queues).toHaveLength(1);
    expect(queues[0]!.batch.body).toEqual({ a: 2 });
    expect(queues[0]!.ops).toEqual([{ t: 'set', sku: 'b', qty: 1 }]);
    expect(queues[0]!.at).toBeGreaterThan(0);
    sync.dispose(); // the tab closes: its queue is released to whoever opens next
    server.offline = false;
    const again = setup({}, server, storage).sync;
    await tick();
    await tick(250);
    expect(Object.fromEntries(server.lines)).toEqual({ a: 2, b: 1 });
    expect(quantities(again)).toEqual({ a: 2, b: 1 });
    expect(storage.getItem('bitacora.cart-sync:u1')).toBeNull();
    // the first batch kept its key across the reload
    const keys = server.posts().map((p) => p.headers['idempotency-key']);
    expect(keys[keys.length - 2]).toBe(keys[0]);
  });

  it('tabs sharing storage keep their own queues; a crashed tab\'s queue is adopted once stale', async () => {
    const server = new FakeServer({ a: [1000, 100], b: [250, 100] });
    const storage = new MemoryStorage();
    let oneOffline = false;
    const one = setup({ fetch: (u, i) => (oneOffline ? Promise.reject(new TypeError('offline')) : server.fetch(u, i)) }, server, storage).sync;
    await tick();
    oneOffline = true;
    one.add('a', 1);
    await tick(250);
    // a second tab opens while the first is alive and offline: it must not take the first one's queue
    const two = setup({}, server, storage).sync;
    await tick(1000);
    two.add('b', 1);
    await tick(250);
    await tick(10_000);
    expect(Object.fromEntries(server.lines)).toEqual({ b: 1 }); // tab one is still offline
    // tab one "crashes": its heartbeat stops, nothing releases its queue
    const crashed = one as unknown as { heartbeat: ReturnType<typeof setInterval>; disposed: boolean; wakers: Set<() => void> };
    clearInterval(crashed.heartbeat);
    crashed.disposed = true;
    for (const w of crashed.wakers) w();
    await tick(121_000);
    two.add('b', 1); // tab two's next successful batch adopts the orphan
    await tick(250);
    await tick(250);
    expect(Object.fromEntries(server.lines)).toEqual({ a: 1, b: 2 });
    expect(storage.getItem('bitacora.cart-sync:u1')).toBeNull();
  });

  it('the online event and the next successful request flush at once, without waiting out the backoff', async () => {
    (globalThis as { window?: unknown }).window = new EventTarget();
    const { server, sync } = setup({ retry: { random: () => 0.999, baseMs: 20000, capMs: 30000 } });
    await tick();
    server.offline = true;
    sync.add('a');
    await tick(250);
    await tick(1000);
    expect(server.posts()).toHaveLength(1);
    server.offline = false;
    (globalThis as unknown as { window: EventTarget }).window.dispatchEvent(new Event('online'));
    await tick();
    expect(server.lines.get('a')).toBe(1);

    server.offline = true;
    sync.add('a');
    await tick(250);
    await tick(1000);
    server.offline = false;
    await sync.listProducts(); // any answer proves the server is back
    await tick();
    expect(server.lines.get('a')).toBe(2);
  });

  it('a double-clicked checkout is one request with one key; a lost answer is retried with it', async () => {
    const { server, sync } = setup();
    await tick();
    sync.add('a', 2);
    const p1 = sync.checkout({ gateway: 'wompi' });
    const p2 = sync.checkout({ gateway: 'wompi' });
    expect(p2).toBe(p1);
    await tick(); // flushed first: no debounce wait
    expect(server.posts()).toHaveLength(1);
    const order = await p1;
    expect(order.items).toEqual([{ sku: 'a', quantity: 2, price_in_cents: 1000 }]);
    expect(server.posts('/api/checkout')).toHaveLength(1);

    server.loseNextAnswer = true; // the order is placed but the answer never arrives
    const p3 = sync.checkout({ gateway: 'wompi', delivery: null });
    expect(p3).not.toBe(p1);
    await tick(1000);
    const again = await p3;
    const posts = server.posts('/api/checkout');
    expect(posts).toHaveLength(3);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[2]!.headers['idempotency-key']);
    expect(posts[0]!.headers['idempotency-key']).not.toBe(posts[1]!.headers['idempotency-key']);
    expect(server.orders).toHaveLength(2); // one per attempt, none for the retry
    expect(again.reference).toBe(server.orders[1]!.reference);
  });

  it('two instances of one shopper converge with no lost change', async () => {
    const server = new FakeServer({ a: [1000, 100], b: [250, 100], c: [99, 3] });
    const one = setup({}, server).sync;
    const two = setup({}, server).sync;
    await tick();
    one.add('a', 1);
    two.add('a', 2);
    two.setQuantity('b', 4);
    await tick(250);
    one.add('c', 1);
    two.remove('b');
    two.add('a', 1);
    await tick(250);
    await Promise.all([one.flush(), two.flush()]);
    await Promise.all([one.refresh(), two.refresh()]);
    expect(Object.fromEntries(server.lines)).toEqual({ a: 4, c: 1 });
    expect(quantities(one)).toEqual({ a: 4, c: 1 });
    expect(quantities(two)).toEqual({ a: 4, c: 1 });
  });

  it('without a token it pauses and resumes on the next change', async () => {
    let token: string | null = null;
    const { server, sync } = setup({ getToken: () => token });
    await tick();
    expect(sync.getState().error).toMatchObject({ code: 'unauthorized', retrying: false });
    token = fakeJwt('u1');
    sync.add('a');
    await tick(250);
    expect(server.lines.get('a')).toBe(1);
    expect(sync.getState().error).toBeNull();
  });

  it('coupon routes send If-Match and a key, and retry a 412 on the cart it carries with a new key', async () => {
    const { server, sync } = setup();
    await tick();
    sync.add('a', 1);
    server.external({ b: 1 }); // the flush before the coupon meets a 409 first
    let first = true;
    server.before = (method, path) => {
      if (first && path === '/api/cart/coupon') {
        first = false;
        server.external({ b: 2 }); // lands between the flush and the coupon request
      }
    };
    const applied = sync.applyCoupon('spring10');
    await tick();
    const cart = await applied;
    expect(cart.coupon?.code).toBe('SPRING10');
    const posts = server.posts('/api/cart/coupon');
    expect(posts.map((p) => [p.headers['if-match'], p.status])).toEqual([['"2"', 412], ['"3"', 200]]);
    expect(posts[0]!.headers['idempotency-key']).toMatch(UUID);
    expect(posts[1]!.headers['idempotency-key']).not.toBe(posts[0]!.headers['idempotency-key']);
    expect(sync.getState().cart.coupon?.code).toBe('SPRING10');
    expect(quantities(sync)).toEqual({ a: 1, b: 2 });
    const removed = await sync.removeCoupon();
    expect(removed.coupon).toBeNull();
  });

  it('clear() empties every line, also lines another tab added meanwhile', async () => {
    const { server, sync } = setup();
    await tick();
    sync.setQuantity('a', 2);
    await sync.flush();
    server.external({ b: 3 });
    sync.clear();
    expect(quantities(sync)).toEqual({});
    await tick(250);
    expect(Object.fromEntries(server.lines)).toEqual({});
    expect(server.posts().map((p) => p.body)).toEqual([{ a: 2 }, { a: 0 }, { a: 0, b: 0 }]);
  });

  it('subscribe reports cart, pending, syncing and error', async () => {
    const { sync } = setup();
    const seen: Array<{ pending: number; syncing: boolean }> = [];
    const off = sync.subscribe((s) => seen.push({ pending: s.pending, syncing: s.syncing }));
    await tick();
    sync.add('a');
    await tick(250);
    off();
    expect(seen[0]).toEqual({ pending: 0, syncing: false });
    expect(seen).toContainEqual({ pending: 1, syncing: true });
    expect(seen[seen.length - 1]).toEqual({ pending: 0, syncing: false });
  });
});
