// The cart sync against the REAL bitacora binary (CLIENT_TEST_BINARY, default ../../build/app/bitacora):
// coalescing, two tabs, a crash and restart, a double-clicked checkout, the offline queue.
// Skipped (with a note) when the binary is missing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCartSync, type CartSync, type CartSyncOptions, type FetchLike } from '../src/index.js';
import { MemoryStorage } from './fake-server.js';
import { ADMIN_TOKEN, BINARY, binaryExists, call, defineProduct, eventually, serverQuantities, shopperJwt, startServer, type Running } from './server.mjs';

if (!binaryExists && process.env.CLIENT_TEST_STRICT === '1') throw new Error(`${BINARY} not found (CLIENT_TEST_BINARY)`);
if (!binaryExists) console.warn(`[clients/js] ${BINARY} not found: the real-binary tests are skipped (set CLIENT_TEST_BINARY)`);

/** A fetch that logs every request and can go "offline" (throws TypeError like a browser's). */
function wire() {
  const log: string[] = [];
  const w = {
    log,
    offline: false,
    /** Called with each request after it was answered; may throw to lose the answer. */
    after: null as null | ((method: string, path: string, res: Response) => Promise<void> | void),
    fetch: (async (url, init) => {
      const method = init?.method ?? 'GET';
      const p = new URL(url).pathname;
      log.push(`${method} ${p}`);
      if (w.offline) throw new TypeError('fetch failed (offline)');
      const res = await fetch(url, init);
      if (w.after) await w.after(method, p, res);
      return res;
    }) as FetchLike,
    count: (what: string) => log.filter((l) => l === what).length,
  };
  return w;
}

const quantities = (s: CartSync) => Object.fromEntries(s.getState().cart.items.map((l) => [l.sku, l.quantity]));
const same = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

describe.skipIf(!binaryExists)('cart sync against the real server', () => {
  let srv: Running;
  const syncs: CartSync[] = [];
  const make = (sub: string, opts: Partial<CartSyncOptions> = {}) => {
    const s = createCartSync({
      baseUrl: srv.url,
      getToken: () => shopperJwt(sub),
      storage: null,
      retry: { baseMs: 100, capMs: 1000 },
      ...opts,
    });
    syncs.push(s);
    return s;
  };
  const ready = (s: CartSync) => eventually('the cart to load', () => s.getState().ready);
  const settled = (s: CartSync) => eventually('nothing pending', () => s.getState().pending === 0 && !s.getState().syncing);

  beforeAll(async () => {
    srv = await startServer();
    await defineProduct(srv.url, 'tea', 1500, 1000, 'Green tea');
    await defineProduct(srv.url, 'mug', 2500, 1000, 'Mug');
    await defineProduct(srv.url, 'rare', 9900, 2, 'Rare print');
  });
  afterEach(() => {
    for (const s of syncs.splice(0)) s.dispose();
    delete (globalThis as { window?: unknown }).window;
  });
  afterAll(async () => {
    await srv?.dispose();
  });

  it('rapid edits coalesce into one bulk update per debounce window', async () => {
    const w = wire();
    const s = make('coalesce', { fetch: w.fetch, debounceMs: 250 });
    await ready(s);
    for (let i = 0; i < 20; i++) {
      s.add('tea');
      await Promise.resolve();
    }
    s.setQuantity('mug', 3);
    s.add('mug', 2);
    s.remove('mug');
    s.setQuantity('mug', 1);
    s.setQuantity('rare', 1);
    s.remove('rare');
    expect(quantities(s)).toEqual({ tea: 20, mug: 1 });
    await eventually('the server to have the edits', async () => same(await serverQuantities(srv.url, 'coalesce'), { tea: 20, mug: 1 }));
    await settled(s);
    expect(w.count('POST /api/cart/bulk-update')).toBe(1);
    expect(w.log).toEqual(['GET /api/cart', 'POST /api/cart/bulk-update']);
    const st = s.getState();
    expect(st.cart.total_in_cents).toBe(20 * 1500 + 2500);
    expect(st.serverCart?.version).toBe(1);

    // a second burst is a second window
    s.add('tea', 5);
    s.add('tea', -3);
    await eventually('the second burst', async () => (await serverQuantities(srv.url, 'coalesce')).tea === 22);
    await settled(s);
    expect(w.count('POST /api/cart/bulk-update')).toBe(2);
  });

  it('two tabs of one shopper editing the same cart converge with no lost change', async () => {
    const storage = new MemoryStorage(); // tabs share localStorage
    const a = make('tabs', { storage, debounceMs: 40 });
    const b = make('tabs', { storage, debounceMs: 60 });
    await Promise.all([ready(a), ready(b)]);
    for (let round = 0; round < 4; round++) {
      a.add('tea', 1);
      b.add('tea', 2);
      a.add('mug', 1);
      if (round === 1) b.setQuantity('rare', 1);
      await Promise.all([a.flush(), b.flush()]);
    }
    const want = { tea: 12, mug: 4, rare: 1 };
    await eventually('the server to hold every change', async () => same(await serverQuantities(srv.url, 'tabs'), want));
    // each tab hears of the other's versions (BroadcastChannel) and shows the same cart
    await eventually('both tabs to show the server cart', () => same(quantities(a), want) && same(quantities(b), want));
    expect(a.getState().cart.version).toBe(b.getState().cart.version);
  });

  it('a version conflict with a change made elsewhere is replayed on the server cart', async () => {
    const w = wire();
    const s = make('conflict', { fetch: w.fetch });
    await ready(s);
    const other = await call(srv.url, 'POST', '/api/cart/bulk-update', { mug: 2 }, shopperJwt('conflict'));
    expect(other.status).toBe(200);
    s.add('tea', 3);
    await eventually('both changes on the server', async () => same(await serverQuantities(srv.url, 'conflict'), { tea: 3, mug: 2 }));
    await settled(s);
    expect(w.count('POST /api/cart/bulk-update')).toBe(2); // 409, then the replay
    expect(quantities(s)).toEqual({ mug: 2, tea: 3 });
  });

  it('a refused change (422) is surfaced and the local cart goes back to the server', async () => {
    const s = make('refused');
    await ready(s);
    s.setQuantity('rare', 5);
    await eventually('insufficient_stock', () => s.getState().error?.code === 'insufficient_stock');
    expect(s.getState().error).toMatchObject({ sku: 'rare', available: 2, retrying: false, status: 422 });
    await settled(s);
    expect(quantities(s)).toEqual({});
    s.setQuantity('ghost', 1);
    s.setQuantity('tea', 1);
    await eventually('unknown_sku', () => s.getState().error?.code === 'unknown_sku');
    await eventually('the valid line to land', async () => same(await serverQuantities(srv.url, 'refused'), { tea: 1 }));
    await settled(s);
    expect(quantities(s)).toEqual({ tea: 1 });
  });

  it('a server killed (SIGKILL) and restarted on the same data loses no queued change', async () => {
    const w = wire();
    const s = make('restart', { fetch: w.fetch });
    await ready(s);
    s.setQuantity('tea', 2);
    await s.flush();
    await srv.stop({ kill: true });
    s.add('tea', 3);
    s.setQuantity('mug', 4);
    await eventually('the client to notice', () => s.getState().error?.code === 'network');
    expect(s.getState().pending).toBe(2);
    await srv.restart();
    await eventually('the queued changes to land', async () => same(await serverQuantities(srv.url, 'restart'), { tea: 5, mug: 4 }), 20000);
    await settled(s);
    expect(s.getState().error).toBeNull();
    expect(quantities(s)).toEqual({ tea: 5, mug: 4 });
  });

  it('a batch whose answer died with the server is replayed by its key after the restart, not applied twice', async () => {
    const w = wire();
    const s = make('crash', { fetch: w.fetch });
    await ready(s);
    s.setQuantity('tea', 1);
    await s.flush();
    let armed = true;
    w.after = async (method, p) => {
      if (armed && method === 'POST' && p === '/api/cart/bulk-update') {
        armed = false;
        await srv.stop({ kill: true }); // the server applied it; the answer is lost with it
        throw new TypeError('fetch failed (connection reset)');
      }
    };
    s.add('tea', 1);
    await eventually('the client to notice', () => s.getState().error?.code === 'network');
    await srv.restart();
    await settled(s);
    await eventually('the client to settle', () => s.getState().error === null);
    expect(await serverQuantities(srv.url, 'crash')).toEqual({ tea: 2 });
    expect(quantities(s)).toEqual({ tea: 2 });
  });

  it('a double-clicked checkout places one order, also when its answer is lost', async () => {
    const pendingCount = async () => {
      const r = await call(srv.url, 'GET', '/api/orders?status=pending_payment&limit=500');
      expect(r.status).toBe(200);
      return (r.json.items as unknown[]).length;
    };
    const before = await pendingCount();
    const w = wire();
    const keys: string[] = [];
    const s = make('checkout', {
      fetch: (url, init) => {
        if (new URL(url).pathname === '/api/checkout') keys.push(new Headers(init?.headers).get('Idempotency-Key') ?? '');
        return w.fetch(url, init);
      },
    });
    await ready(s);
    s.add('mug', 2);
    let lose = true;
    w.after = (method, p) => {
      if (lose && p === '/api/checkout') {
        lose = false;
        throw new TypeError('fetch failed (answer lost)');
      }
    };
    const p1 = s.checkout({ gateway: 'wompi' });
    const p2 = s.checkout({ gateway: 'wompi' });
    expect(p2).toBe(p1);
    const [o1, o2] = await Promise.all([p1, p2]);
    expect(o1.reference).toBe(o2.reference);
    expect(o1.status).toBe('pending_payment');
    expect(o1.items).toEqual([{ sku: 'mug', quantity: 2, price_in_cents: 2500 }]);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await pendingCount()).toBe(before + 1);
    const seen = await s.getOrder(o1.reference);
    expect(seen.reference).toBe(o1.reference);
  });

  it('offline changes queue and flush on the online event', async () => {
    (globalThis as { window?: unknown }).window = new EventTarget();
    const w = wire();
    const storage = new MemoryStorage();
    const s = make('offline', { fetch: w.fetch, storage, retry: { baseMs: 60_000, capMs: 60_000 } });
    await ready(s);
    w.offline = true;
    s.add('tea', 2);
    s.setQuantity('mug', 1);
    await eventually('the client to notice', () => s.getState().error?.code === 'network');
    s.add('tea', 1);
    expect(storage.getItem('bitacora.cart-sync:offline')).toContain('tea');
    expect(await serverQuantities(srv.url, 'offline')).toEqual({});
    w.offline = false;
    (globalThis as unknown as { window: EventTarget }).window.dispatchEvent(new Event('online'));
    await eventually('the queue to land', async () => same(await serverQuantities(srv.url, 'offline'), { tea: 3, mug: 1 }));
    await settled(s);
    expect(storage.getItem('bitacora.cart-sync:offline')).toBeNull();
  });

  it('an offline queue survives a reload and flushes from the next page', async () => {
    const w = wire();
    const storage = new MemoryStorage();
    const first = make('reload', { fetch: w.fetch, storage });
    await ready(first);
    w.offline = true;
    first.add('tea', 4);
    first.add('mug', 1);
    await eventually('the client to notice', () => first.getState().error?.code === 'network');
    first.dispose(); // the page goes away, its queue stays in storage
    const second = make('reload', { storage });
    await eventually('the queue to land from the reloaded page', async () => same(await serverQuantities(srv.url, 'reload'), { tea: 4, mug: 1 }));
    await settled(second);
    expect(quantities(second)).toEqual({ tea: 4, mug: 1 });
  });

  it('lists and reads products (the list is public)', async () => {
    const s = make('catalog');
    const p = await s.getProduct('tea');
    expect(p).toMatchObject({ sku: 'tea', name: 'Green tea', price_in_cents: 1500, currency: 'COP' });
    const withAdmin = await s.listProducts({ limit: 2, token: ADMIN_TOKEN });
    expect(withAdmin.items.map((x) => x.sku)).toEqual(['mug', 'rare']);
    expect(withAdmin.next_cursor).toBeTruthy();
    const open = await call(srv.url, 'GET', '/api/products?limit=1', undefined, null);
    expect(open.status).toBe(200); // the catalog is public
    const page = await s.listProducts({ limit: 200 });
    expect(page.items.map((x) => x.sku)).toEqual(['mug', 'rare', 'tea']);
  });
});
