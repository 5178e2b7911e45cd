// An in-memory stand-in for the cart routes of docs/api.md §4, as a `fetch`, for the unit tests:
// versions and If-Match, Idempotency-Key replay, 409/412 with the cart, 422 unknown_sku /
// insufficient_stock, checkout. Knobs make it fail like a network or a restarting server.
import type { Cart, Checkout } from '../src/types.js';

export interface Logged {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number | 'network';
}

interface Stored {
  status: number;
  json: unknown;
  body: string;
}

export class FakeServer {
  products = new Map<string, { price: number; available: number }>();
  lines = new Map<string, number>();
  version = 0;
  log: Logged[] = [];
  offline = false;
  /** Statuses to answer with (before doing anything) for the next requests matching. */
  failures: Array<{ path: string; status: number | 'network' }> = [];
  /** Apply the change, then lose the answer (the connection drops). */
  loseNextAnswer = false;
  /** Answer If-Match mismatches with 412 precondition_failed instead of 409 (other cart routes). */
  conflictStatus: 409 | 412 = 409;
  idempotency = new Map<string, Stored>();
  orders: Checkout[] = [];
  seq = 0;

  constructor(products: Record<string, [price: number, available: number]> = {}) {
    for (const [sku, [price, available]] of Object.entries(products)) this.products.set(sku, { price, available });
  }

  coupon: string | null = null;
  /** Called before each request is handled (a test changes the cart "elsewhere" from it). */
  before: ((method: string, path: string) => void) | null = null;

  cart(): Cart {
    const items = [...this.lines].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, quantity]) => ({ sku, quantity, price_in_cents: this.products.get(sku)!.price }));
    const subtotal = items.reduce((s, l) => s + l.quantity * l.price_in_cents, 0);
    const coupon = this.coupon ? { code: this.coupon, discount_in_cents: 0, applies: true, reason: null } : null;
    return { items, version: this.version, coupon, subtotal_in_cents: subtotal, discount_in_cents: 0, total_in_cents: subtotal, currency: items.length ? 'COP' : null };
  }

  /** Another client changes the cart behind the sync's back. */
  external(changes: Record<string, number>): void {
    for (const [sku, q] of Object.entries(changes)) if (q === 0) this.lines.delete(sku); else this.lines.set(sku, q);
    this.version++;
  }

  posts(path = '/api/cart/bulk-update'): Logged[] {
    return this.log.filter((l) => l.method === 'POST' && l.path === path);
  }

  fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const raw = typeof init.body === 'string' ? init.body : '';
    const body = raw ? JSON.parse(raw) : undefined;
    const entry: Logged = { method, path: url.pathname, headers, body, status: 'network' };
    this.log.push(entry);
    await Promise.resolve();
    if (this.offline) throw new TypeError('fetch failed (offline)');
    const fi = this.failures.findIndex((f) => url.pathname === f.path || f.path === '*');
    if (fi >= 0) {
      const [f] = this.failures.splice(fi, 1);
      if (f!.status === 'network') throw new TypeError('fetch failed (reset)');
      entry.status = f!.status;
      return json(f!.status, { error: 'unavailable', message: 'storage could not serve the request' });
    }
    this.before?.(method, url.pathname);
    const [status, out, extra] = this.route(method, url, headers, body, raw);
    entry.status = status;
    if (this.loseNextAnswer && method !== 'GET') {
      this.loseNextAnswer = false;
      entry.status = 'network';
      throw new TypeError('fetch failed (answer lost)');
    }
    return json(status, out, extra);
  };

  private route(method: string, url: URL, h: Record<string, string>, body: any, raw: string): [number, unknown, Record<string, string>?] {
    const sub = h.authorization ? 'shopper' : null;
    if (url.pathname.startsWith('/api/cart') || url.pathname === '/api/checkout') {
      if (!sub) return [401, { error: 'unauthorized' }];
    }
    const key = h['idempotency-key'];
    const scope = `${method} ${url.pathname} ${key}`;
    if (key && method !== 'GET') {
      const seen = this.idempotency.get(scope);
      if (seen) {
        if (seen.body !== raw) return [422, { error: 'idempotency_key_reused' }];
        return [seen.status, seen.json, { 'Idempotent-Replayed': 'true' }];
      }
    }
    const r = this.handle(method, url, h, body);
    if (key && method !== 'GET' && r[0] < 500) this.idempotency.set(scope, { status: r[0], json: r[1], body: raw });
    return r;
  }

  private handle(method: string, url: URL, h: Record<string, string>, body: any): [number, unknown, Record<string, string>?] {
    const p = url.pathname;
    if (method === 'GET' && p === '/api/cart') return [200, this.cart(), { ETag: `"${this.version}"` }];
    if (method === 'POST' && p === '/api/cart/bulk-update') {
      const im = h['if-match'];
      if (im !== undefined && im.replace(/^W\//, '').replace(/"/g, '') !== String(this.version)) {
        return this.conflictStatus === 409
          ? [409, { error: 'version_conflict', message: 'the cart changed', cart: this.cart() }]
          : [412, { error: 'precondition_failed', message: 'the cart changed', cart: this.cart() }];
      }
      for (const [sku, q] of Object.entries(body as Record<string, number>)) {
        const prod = this.products.get(sku);
        if (!prod) return [422, { error: 'unknown_sku', message: `unknown sku ${sku}`, sku }];
        if (q > (this.lines.get(sku) ?? 0) && q > prod.available) return [422, { error: 'insufficient_stock', message: 'not enough', sku, available: prod.available }];
      }
      let changed = false;
      for (const [sku, q] of Object.entries(body as Record<string, number>)) {
        if ((this.lines.get(sku) ?? 0) === q) continue;
        changed = true;
        if (q === 0) this.lines.delete(sku);
        else this.lines.set(sku, q);
      }
      if (changed) this.version++;
      return [200, this.cart(), { ETag: `"${this.version}"` }];
    }
    if (p === '/api/cart/coupon') {
      const im = h['if-match'];
      if (im !== undefined && im.replace(/"/g, '') !== String(this.version)) return [412, { error: 'precondition_failed', message: 'the cart changed', cart: this.cart() }];
      const code = method === 'POST' ? String(body.code).toUpperCase() : null;
      if (code !== this.coupon) {
        this.coupon = code;
        this.version++;
      }
      return [200, this.cart(), { ETag: `"${this.version}"` }];
    }
    if (method === 'POST' && p === '/api/checkout') {
      if (!this.lines.size) return [422, { error: 'empty_cart' }];
      const c = this.cart();
      const order: Checkout = {
        reference: `ORD-${++this.seq}`, status: 'pending_payment', amount_in_cents: c.total_in_cents!, currency: 'COP', items: c.items,
        subtotal_in_cents: c.subtotal_in_cents!, discount_in_cents: 0, delivery_fee_in_cents: 0, coupon: null, delivery: body.delivery ?? null,
        created_at: new Date(0).toISOString(), expires_at: new Date(900000).toISOString(), integrity_signature: null,
      };
      this.orders.push(order);
      return [201, order];
    }
    if (method === 'GET' && p === '/api/products') {
      return [200, { items: [...this.products].map(([sku, v]) => ({ sku, name: sku, price_in_cents: v.price, currency: 'COP', on_hand: v.available, reserved: 0, available: v.available })), next_cursor: null }];
    }
    return [404, { error: 'not_found' }];
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A Map-backed Web Storage. */
export class MemoryStorage {
  m = new Map<string, string>();
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.m.set(k, v);
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
}

/** A JWT with `sub` whose signature nobody checks (the fake server only wants a bearer). */
export function fakeJwt(sub: string): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub })}.sig`;
}
