import { createApi, type BitacoraApi, type TokenSource } from './api.js';
import { ApiError, NetworkError, backoffDelay, isTransientStatus, jwtSubject, uuid, type FetchLike } from './http.js';
import { applyOps, diff, opTouches, quantitiesOf, type Op, type Quantities } from './ops.js';
import type { ApiErrorBody, Cart, CartCoupon, Checkout, Delivery, Gateway, Order, Product, ProductPage } from './types.js';

/** The part of the Web Storage API the offline queue needs (`localStorage` by default). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface RetryOptions {
  /** First backoff ceiling (ms); doubles per failed attempt. Default 500. */
  baseMs?: number;
  /** Largest backoff ceiling (ms). Default 30 000. */
  capMs?: number;
  /** Source of the full jitter, [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface CartSyncOptions {
  /** The server's origin, e.g. `https://shop.example`; `''` for the page's own origin. */
  baseUrl: string;
  /** The shopper's JWT; called for every request. */
  getToken: TokenSource;
  /** Local changes are gathered for this long, then sent as one bulk update. Default 250. */
  debounceMs?: number;
  fetch?: FetchLike;
  /** Where the offline queue is kept across reloads: `localStorage` when present; `null`: nowhere. */
  storage?: StorageLike | null;
  /** The storage key of the queue. Default `bitacora.cart-sync:<the token's sub>`. */
  storageKey?: string;
  retry?: RetryOptions;
  /** Tries of one checkout on network errors and 5xx before it rejects (its key is kept). Default 5. */
  checkoutAttempts?: number;
  /** Default 15 000. */
  requestTimeoutMs?: number;
  /** Tell other instances of the same shopper (tabs) about new cart versions. Default true where BroadcastChannel exists. */
  broadcast?: boolean;
}

/** A line of the local cart: its price is `null` until the server (or a product read) told it. */
export interface LocalCartLine {
  sku: string;
  quantity: number;
  price_in_cents: number | null;
}

/** The server's cart with the local changes not yet confirmed applied on top. */
export interface LocalCart {
  items: LocalCartLine[];
  /** The server version the local changes stand on. */
  version: number;
  coupon: CartCoupon | null;
  subtotal_in_cents: number | null;
  discount_in_cents: number;
  total_in_cents: number | null;
  currency: string | null;
}

export interface CartSyncError {
  /** The server's error code (`unknown_sku`, `insufficient_stock`, `invalid_quantity`, `unauthorized`, …) or `network`. */
  code: string;
  message: string;
  /** HTTP status, absent for network errors. */
  status?: number;
  sku?: string;
  /** `insufficient_stock`: the units that can be had. */
  available?: number;
  /** True while the client keeps retrying by itself (network errors, 5xx); false once a change was refused. */
  retrying: boolean;
}

export interface CartSyncState {
  /** What the shopper sees: the server's cart plus the changes not yet confirmed. */
  cart: LocalCart;
  /** The last cart the server answered (`null` before the first answer). */
  serverCart: Cart | null;
  /** Lines whose local quantity the server has not confirmed yet. */
  pending: number;
  /** A cart request is in flight. */
  syncing: boolean;
  error: CartSyncError | null;
  /** The server's cart has been read at least once. */
  ready: boolean;
}

export interface CheckoutOptions {
  gateway: Gateway;
  delivery?: Delivery | null;
}

export interface CartSync {
  getState(): CartSyncState;
  /** Calls `listener` with the state now and after every change; returns the unsubscribe. */
  subscribe(listener: (state: CartSyncState) => void): () => void;
  setQuantity(sku: string, quantity: number): void;
  add(sku: string, delta?: number): void;
  remove(sku: string): void;
  /** Sets every line to 0 (the coupon stays attached). */
  clear(): void;
  /** Sends what is queued now and resolves with the server's cart once nothing is pending; rejects if a change was refused meanwhile. */
  flush(): Promise<Cart>;
  /** Reads the server's cart again (the local changes stay on top). */
  refresh(): Promise<Cart>;
  applyCoupon(code: string): Promise<Cart>;
  removeCoupon(): Promise<Cart>;
  /** Flushes, then places the order; concurrent calls share one promise and one Idempotency-Key. */
  checkout(options: CheckoutOptions): Promise<Checkout>;
  getOrder(reference: string): Promise<Order>;
  getProduct(sku: string): Promise<Product>;
  listProducts(query?: { cursor?: string | null; limit?: number; token?: string }): Promise<ProductPage>;
  /** Forgets a refused change's error. */
  dismissError(): void;
  /** Retries now whatever waits for a backoff (what the `online` event does). */
  retryNow(): void;
  /** Stops timers and listeners; the offline queue stays in storage. */
  dispose(): void;
  readonly api: BitacoraApi;
}

interface Batch {
  ops: Op[];
  key: string;
  body: Record<string, number>;
  base: number;
}

/** One instance's queue in storage; `at` is its last heartbeat (0: released, adopt at once). */
interface QueueEntry {
  ops: Op[];
  batch: Batch | null;
  at: number;
}

/** What is kept under the per-user storage key: the queue of every live (or dead) instance. */
interface Stored {
  v: 2;
  queues: Record<string, QueueEntry>;
}

/** A queue whose owner has not beaten for this long is taken over (hidden tabs' timers may run once a minute). */
const ORPHAN_AFTER_MS = 120_000;
const HEARTBEAT_MS = 5_000;

interface Waiter {
  resolve: (cart: Cart) => void;
  reject: (e: unknown) => void;
  epoch: number;
}

const EMPTY_CART: Cart = {
  items: [],
  version: 0,
  coupon: null,
  subtotal_in_cents: 0,
  discount_in_cents: 0,
  total_in_cents: 0,
  currency: null,
};

/** `flush()` (and so `checkout()`) rejects with this when a queued change was refused or the token was. */
export class CartSyncFailure extends Error {
  readonly error: CartSyncError;
  constructor(error: CartSyncError) {
    super(error.message);
    this.name = 'CartSyncFailure';
    this.error = error;
  }
}

class Disposed extends Error {
  constructor() {
    super('cart sync disposed');
    this.name = 'Disposed';
  }
}

function isOp(x: unknown): x is Op {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (o.t === 'clear') return true;
  if (typeof o.sku !== 'string') return false;
  return (o.t === 'set' && Number.isInteger(o.qty)) || (o.t === 'add' && Number.isInteger(o.delta));
}

function isBatch(b: unknown): b is Batch {
  if (!b || typeof b !== 'object') return false;
  const o = b as Record<string, unknown>;
  return Array.isArray(o.ops) && o.ops.every(isOp) && typeof o.key === 'string' && Number.isInteger(o.base) && !!o.body && typeof o.body === 'object';
}

function readStored(raw: string | null): Stored {
  const empty: Stored = { v: 2, queues: {} };
  if (!raw) return empty;
  try {
    const s = JSON.parse(raw) as Partial<Stored>;
    if (s.v !== 2 || !s.queues || typeof s.queues !== 'object') return empty;
    const queues: Record<string, QueueEntry> = {};
    for (const [id, q] of Object.entries(s.queues)) {
      if (!q || !Array.isArray(q.ops) || !q.ops.every(isOp) || (q.batch != null && !isBatch(q.batch)) || typeof q.at !== 'number') continue;
      queues[id] = { ops: q.ops, batch: q.batch ?? null, at: q.at };
    }
    return { v: 2, queues };
  } catch {
    return empty;
  }
}

function defaultStorage(): StorageLike | null {
  try {
    const ls = (globalThis as { localStorage?: StorageLike }).localStorage;
    return ls && typeof ls.getItem === 'function' ? ls : null;
  } catch {
    return null; // a sandboxed frame throws on access
  }
}

function errorOf(e: unknown, retrying: boolean): CartSyncError {
  if (e instanceof ApiError) {
    const err: CartSyncError = { code: e.code, message: e.body.message ?? e.message, status: e.status, retrying };
    if (typeof e.body.sku === 'string') err.sku = e.body.sku;
    if (typeof e.body.available === 'number') err.available = e.body.available;
    return err;
  }
  if (e instanceof NetworkError) return { code: 'network', message: e.message, retrying };
  return { code: 'client', message: e instanceof Error ? e.message : String(e), retrying };
}

function isTransient(e: unknown): boolean {
  return e instanceof NetworkError || (e instanceof ApiError && isTransientStatus(e.status));
}

function checkQuantity(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${n}`);
}

class CartSyncImpl implements CartSync {
  readonly api: BitacoraApi;
  private readonly opts: CartSyncOptions;
  private readonly debounceMs: number;
  private readonly storage: StorageLike | null;
  private readonly retryBase: number;
  private readonly retryCap: number;
  private readonly random: () => number;

  private server: Cart | null = null;
  private stale = false;
  private ops: Op[] = [];
  private batch: Batch | null = null;
  private attempt = 0;
  private conflicts = 0;
  private error: CartSyncError | null = null;
  private syncing = false;
  private state: CartSyncState;
  private readonly listeners = new Set<(s: CartSyncState) => void>();
  private readonly prices = new Map<string, { price: number; currency: string }>();

  private windowTimer: ReturnType<typeof setTimeout> | null = null;
  private windowDue = false;
  private pumping = false;
  private paused = false;
  private readonly wakers = new Set<() => void>();
  private waiters: Waiter[] = [];
  private rejectEpoch = 0;
  private storageKey: string | null = null;
  private readonly id = uuid();
  private claimed = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly onPageHide = () => this.persist(true);
  private readonly onPageShow = () => this.beat();
  private restored = false;
  private disposed = false;
  private checkoutPromise: Promise<Checkout> | null = null;
  private checkoutAttempt: { sig: string; key: string } | null = null;
  private channel: BroadcastChannel | null = null;
  private readonly onOnline = () => this.retryNow();
  private onlineTarget: EventTarget | null = null;

  constructor(opts: CartSyncOptions) {
    this.opts = opts;
    this.debounceMs = opts.debounceMs ?? 250;
    this.storage = opts.storage === undefined ? defaultStorage() : opts.storage;
    this.retryBase = opts.retry?.baseMs ?? 500;
    this.retryCap = opts.retry?.capMs ?? 30000;
    this.random = opts.retry?.random ?? Math.random;
    const apiOpts: Parameters<typeof createApi>[0] = {
      baseUrl: opts.baseUrl,
      getToken: opts.getToken,
      onAnswer: () => this.onAnswer(),
    };
    if (opts.fetch) apiOpts.fetch = opts.fetch;
    if (opts.requestTimeoutMs !== undefined) apiOpts.requestTimeoutMs = opts.requestTimeoutMs;
    this.api = createApi(apiOpts);
    this.state = this.computeState();
    const w = (globalThis as { window?: EventTarget }).window;
    if (w && typeof w.addEventListener === 'function') {
      w.addEventListener('online', this.onOnline);
      this.onlineTarget = w;
    }
    void this.pump();
  }

  // ---- state ----

  getState = (): CartSyncState => this.state;

  subscribe = (listener: (s: CartSyncState) => void): (() => void) => {
    this.listeners.add(listener);
    listener(this.state);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private emit(): void {
    this.state = this.computeState();
    for (const l of [...this.listeners]) {
      try {
        l(this.state);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  private computeState(): CartSyncState {
    const base = this.server ?? EMPTY_CART;
    const ops = this.batch ? [...this.batch.ops, ...this.ops] : this.ops;
    const baseQ = quantitiesOf(base.items);
    const local = ops.length ? applyOps(baseQ, ops) : baseQ;
    const pending = Object.keys(diff(baseQ, local)).length;
    let cart: LocalCart;
    if (!pending) {
      cart = { ...base, items: base.items.map((l) => ({ ...l })) };
    } else {
      const items: LocalCartLine[] = [];
      for (const l of base.items) {
        const q = local.get(l.sku);
        if (q) items.push({ sku: l.sku, quantity: q, price_in_cents: l.price_in_cents });
      }
      for (const [sku, q] of local) {
        if (!baseQ.has(sku)) items.push({ sku, quantity: q, price_in_cents: this.prices.get(sku)?.price ?? null });
      }
      let subtotal: number | null = 0;
      for (const l of items) subtotal = l.price_in_cents == null || subtotal == null ? null : subtotal + l.quantity * l.price_in_cents;
      const discount = subtotal == null ? base.discount_in_cents : Math.min(base.discount_in_cents, subtotal);
      const currency = items.length ? base.currency ?? this.prices.get(items[0]!.sku)?.currency ?? null : null;
      cart = {
        items,
        version: base.version,
        coupon: base.coupon,
        subtotal_in_cents: subtotal,
        discount_in_cents: discount,
        total_in_cents: subtotal == null ? null : subtotal - discount,
        currency,
      };
    }
    return { cart, serverCart: this.server, pending, syncing: this.syncing, error: this.error, ready: this.server !== null };
  }

  // ---- local changes ----

  setQuantity(sku: string, quantity: number): void {
    checkQuantity('quantity', quantity, 0);
    this.change({ t: 'set', sku, qty: quantity });
  }

  add(sku: string, delta = 1): void {
    if (!Number.isSafeInteger(delta)) throw new RangeError(`delta must be an integer, got ${delta}`);
    if (delta !== 0) this.change({ t: 'add', sku, delta });
  }

  remove(sku: string): void {
    this.change({ t: 'set', sku, qty: 0 });
  }

  clear(): void {
    this.change({ t: 'clear' });
  }

  private change(op: Op): void {
    if (this.disposed) throw new Disposed();
    if (op.t !== 'clear' && (typeof op.sku !== 'string' || !op.sku)) throw new TypeError('sku must be a non-empty string');
    this.checkAdopted();
    this.ops.push(op);
    if (this.error && !this.error.retrying) this.error = null;
    this.persist();
    if (!this.windowTimer && !this.windowDue) {
      this.windowTimer = setTimeout(() => {
        this.windowTimer = null;
        this.windowDue = true;
        void this.pump();
      }, this.debounceMs);
    }
    if (this.paused) this.retryNow();
    this.emit();
  }

  dismissError(): void {
    if (this.error && !this.error.retrying) {
      this.error = null;
      this.emit();
    }
  }

  // ---- the queue ----

  flush(): Promise<Cart> {
    if (this.disposed) return Promise.reject(new Disposed());
    return new Promise<Cart>((resolve, reject) => {
      this.waiters.push({ resolve, reject, epoch: this.rejectEpoch });
      if (this.windowTimer) {
        clearTimeout(this.windowTimer);
        this.windowTimer = null;
      }
      this.retryNow();
    });
  }

  retryNow(): void {
    if (this.disposed) return;
    this.paused = false;
    this.wakeAll();
    void this.pump();
  }

  private onAnswer(): void {
    // "Flush on the next successful request": an answer proves the server is reachable again.
    if (this.wakers.size || (this.paused && (this.batch || this.ops.length))) this.retryNow();
  }

  private wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private idle(): boolean {
    return !this.ops.length && !this.batch && this.server !== null && !this.stale;
  }

  private settleWaiters(): void {
    if (!this.waiters.length) return;
    if (this.disposed) {
      for (const w of this.waiters.splice(0)) w.reject(new Disposed());
      return;
    }
    if (this.paused) {
      const err = this.error ?? { code: 'unauthorized', message: 'paused', retrying: false };
      for (const w of this.waiters.splice(0)) w.reject(new CartSyncFailure(err));
      return;
    }
    if (!this.idle()) return;
    const cart = this.server!;
    for (const w of this.waiters.splice(0)) {
      if (w.epoch !== this.rejectEpoch && this.error) w.reject(new CartSyncFailure(this.error));
      else w.resolve(cart);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      while (!this.disposed && !this.paused) {
        try {
          if (!this.restored) await this.restore();
          if (!this.server || this.stale) {
            await this.load();
            continue;
          }
          if (!this.batch) {
            if (!this.ops.length) break;
            if (!this.windowDue && !this.waiters.length) {
              if (!this.windowTimer) {
                this.windowTimer = setTimeout(() => {
                  this.windowTimer = null;
                  this.windowDue = true;
                  void this.pump();
                }, this.debounceMs);
              }
              break;
            }
            this.windowDue = false;
            if (this.windowTimer) {
              clearTimeout(this.windowTimer);
              this.windowTimer = null;
            }
            this.checkAdopted();
            if (!this.ops.length) continue;
            this.batch = this.makeBatch(this.ops);
            this.ops = [];
            this.persist();
            if (!this.batch) {
              this.emit();
              continue;
            }
          }
          await this.sendBatch();
          this.attempt = 0;
        } catch (e) {
          if (this.disposed) break;
          if (isTransient(e)) {
            this.error = errorOf(e, true);
            this.emit();
            const delay = backoffDelay(this.attempt++, this.retryBase, this.retryCap, this.random);
            await this.sleep(delay);
            continue;
          }
          // 401/403 (or no token): keep everything queued, wait for a change, retryNow() or an answer.
          this.error = errorOf(e, false);
          this.paused = true;
          this.emit();
          break;
        }
      }
    } finally {
      this.pumping = false;
      this.settleWaiters();
      if (!this.disposed) this.emit();
    }
  }

  private makeBatch(ops: Op[]): Batch | null {
    const base = this.server!;
    const baseQ = quantitiesOf(base.items);
    const body = diff(baseQ, applyOps(baseQ, ops));
    if (!Object.keys(body).length) return null;
    return { ops, key: uuid(), body, base: base.version };
  }

  private async sendBatch(): Promise<void> {
    const b = this.batch!;
    this.syncing = true;
    this.emit();
    let res;
    try {
      res = await this.api.raw<Cart | ApiErrorBody | null>('POST', '/api/cart/bulk-update', {
        body: b.body,
        headers: { 'If-Match': `"${b.base}"`, 'Idempotency-Key': b.key },
      });
    } finally {
      this.syncing = false;
    }
    if (this.disposed || this.batch !== b) return;
    if (res.status >= 200 && res.status < 300) {
      this.setServer(res.json as Cart);
      this.batch = null;
      this.conflicts = 0;
      if (this.error?.retrying) this.error = null;
      this.adoptOrphans();
      this.announce();
      this.emit();
      return;
    }
    const body = (res.json ?? null) as ApiErrorBody | null;
    if (isTransientStatus(res.status)) throw new ApiError(res.status, body);
    if (res.status === 401 || res.status === 403) throw new ApiError(res.status, body);
    if (res.status === 409 || res.status === 412) {
      // version_conflict (409, bulk-update) / precondition_failed (412): replay on the server's cart.
      if (body?.cart && typeof body.cart.version === 'number') this.setServer(body.cart);
      else this.stale = true;
      if (this.error?.retrying) this.error = null;
      this.rebase();
      if (++this.conflicts > 3) await this.sleep(backoffDelay(this.conflicts - 3, this.retryBase, this.retryCap, this.random));
      return;
    }
    // A refused change (422 unknown_sku / insufficient_stock / invalid_quantity, 400, …): surface it,
    // drop the changes it names (all of the batch when it names no sku) and read the server's cart.
    const err = new ApiError(res.status, body);
    this.rejectEpoch++;
    this.error = errorOf(err, false);
    const sku = typeof body?.sku === 'string' ? body.sku : null;
    const keep = sku ? b.ops.filter((op) => !opTouches(op, sku)) : [];
    this.batch = null;
    this.ops = [...keep, ...this.ops];
    if (keep.length) this.windowDue = true;
    this.stale = true;
    this.conflicts = 0;
    this.persist();
    this.emit();
  }

  private rebase(): void {
    const ops = [...this.batch!.ops, ...this.ops];
    this.ops = [];
    this.batch = null;
    if (this.stale) {
      this.ops = ops;
      this.windowDue = true;
    } else this.batch = this.makeBatch(ops);
    this.persist();
    this.emit();
  }

  private setServer(cart: Cart): void {
    this.server = cart;
    this.stale = false;
    for (const l of cart.items) if (cart.currency) this.prices.set(l.sku, { price: l.price_in_cents, currency: cart.currency });
  }

  private async load(): Promise<Cart> {
    this.syncing = true;
    this.emit();
    try {
      const cart = await this.api.getCart();
      if (!this.disposed) this.setServer(cart);
      return cart;
    } finally {
      this.syncing = false;
      if (!this.disposed) this.emit();
    }
  }

  async refresh(): Promise<Cart> {
    const cart = await this.api.getCart();
    if (!this.disposed && (!this.batch || !this.server || cart.version >= this.server.version)) {
      this.setServer(cart);
      this.emit();
    }
    return cart;
  }

  // ---- persistence and other tabs ----

  private async restore(): Promise<void> {
    const token = await this.opts.getToken();
    if (!token) throw new ApiError(401, { error: 'unauthorized', message: 'no shopper token' });
    if (this.disposed || this.restored) return;
    const key = this.opts.storageKey ?? `bitacora.cart-sync:${jwtSubject(token) ?? 'anonymous'}`;
    this.storageKey = key;
    this.restored = true;
    if (this.storage) {
      this.adoptOrphans();
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      (this.heartbeat as unknown as { unref?: () => void }).unref?.();
      this.onlineTarget?.addEventListener('pagehide', this.onPageHide);
      this.onlineTarget?.addEventListener('pageshow', this.onPageShow);
    }
    this.persist();
    const BC = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if ((this.opts.broadcast ?? true) && typeof BC === 'function') {
      try {
        this.channel = new BC(`bitacora-cart:${key}`);
        this.channel.onmessage = (ev: MessageEvent) => this.onBroadcast(ev.data);
        (this.channel as unknown as { unref?: () => void }).unref?.();
      } catch {
        this.channel = null;
      }
    }
    this.emit();
  }

  private read(): Stored {
    try {
      return readStored(this.storage!.getItem(this.storageKey!));
    } catch {
      return { v: 2, queues: {} };
    }
  }

  private write(rec: Stored): void {
    try {
      if (!Object.keys(rec.queues).length) this.storage!.removeItem(this.storageKey!);
      else this.storage!.setItem(this.storageKey!, JSON.stringify(rec));
    } catch {
      // quota or privacy mode: the queue still lives in memory
    }
  }

  /** Keeps this instance's queue in storage (`released`: the page is going away, adopt it at once). */
  private persist(released = false): void {
    if (!this.storage || !this.storageKey) return;
    const rec = this.read();
    if (!this.ops.length && !this.batch) {
      delete rec.queues[this.id];
      this.claimed = false;
    } else {
      rec.queues[this.id] = { ops: this.ops, batch: this.batch, at: released ? 0 : Date.now() };
      this.claimed = true;
    }
    this.write(rec);
  }

  /**
   * The heartbeat of a queue in storage. If the entry is gone, another instance took it over (this
   * one looked dead: a frozen tab, a page restored from the back-forward cache) and sends it: drop
   * it here rather than send it twice (a batch in flight finishes: its key makes a repeat harmless).
   */
  private beat(): void {
    if (this.disposed || !this.claimed) return;
    this.checkAdopted();
    this.persist();
  }

  private checkAdopted(): void {
    if (!this.storage || !this.storageKey || !this.claimed) return;
    if (this.read().queues[this.id]) return;
    this.claimed = false;
    this.ops = [];
    if (!this.syncing) this.batch = null;
    if (!this.disposed) this.emit();
  }

  /** Takes over the queues of instances that are gone (closed or crashed tabs, a reload). */
  private adoptOrphans(): void {
    if (!this.storage || !this.storageKey) return;
    const rec = this.read();
    const now = Date.now();
    const adopted: Op[] = [];
    for (const [id, q] of Object.entries(rec.queues)) {
      if (id === this.id || (q.at !== 0 && now - q.at < ORPHAN_AFTER_MS)) continue;
      delete rec.queues[id];
      if (q.batch && !this.batch) this.batch = q.batch; // same key: a repeat of a batch that landed is replayed
      else if (q.batch) adopted.push(...q.batch.ops);
      adopted.push(...q.ops);
    }
    this.write(rec);
    if (adopted.length) {
      this.ops = [...adopted, ...this.ops];
      this.windowDue = true;
    }
    this.persist();
  }

  private announce(): void {
    try {
      if (this.server) this.channel?.postMessage({ version: this.server.version });
    } catch {
      // closed
    }
  }

  private onBroadcast(data: unknown): void {
    const v = (data as { version?: unknown } | null)?.version;
    if (typeof v !== 'number' || this.disposed || this.batch) return;
    if (this.server && v <= this.server.version) return;
    this.refresh().catch(() => {});
  }

  // ---- cart commands with If-Match (coupon) ----

  private async cartCommand(method: string, path: string, body?: unknown): Promise<Cart> {
    await this.flush();
    let key = uuid();
    let transient = 0;
    for (let conflicts = 0; ; ) {
      if (this.disposed) throw new Disposed();
      const headers: Record<string, string> = { 'Idempotency-Key': key };
      if (this.server) headers['If-Match'] = `"${this.server.version}"`;
      let res;
      try {
        res = await this.api.raw<Cart | ApiErrorBody | null>(method, path, body === undefined ? { headers } : { headers, body });
      } catch (e) {
        if (!(e instanceof NetworkError) || ++transient >= (this.opts.checkoutAttempts ?? 5)) throw e;
        await this.sleep(backoffDelay(transient, this.retryBase, this.retryCap, this.random));
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        this.setServer(res.json as Cart);
        this.announce();
        this.emit();
        return res.json as Cart;
      }
      const eb = (res.json ?? null) as ApiErrorBody | null;
      if (isTransientStatus(res.status) && ++transient < (this.opts.checkoutAttempts ?? 5)) {
        await this.sleep(backoffDelay(transient, this.retryBase, this.retryCap, this.random));
        continue;
      }
      if ((res.status === 412 || res.status === 409) && eb?.cart && ++conflicts <= 5) {
        this.setServer(eb.cart);
        this.emit();
        key = uuid();
        continue;
      }
      throw new ApiError(res.status, eb);
    }
  }

  applyCoupon(code: string): Promise<Cart> {
    return this.cartCommand('POST', '/api/cart/coupon', { code });
  }

  removeCoupon(): Promise<Cart> {
    return this.cartCommand('DELETE', '/api/cart/coupon');
  }

  // ---- checkout ----

  checkout(options: CheckoutOptions): Promise<Checkout> {
    if (this.checkoutPromise) return this.checkoutPromise;
    const p = this.doCheckout(options).finally(() => {
      if (this.checkoutPromise === p) this.checkoutPromise = null;
    });
    this.checkoutPromise = p;
    return p;
  }

  private async doCheckout(options: CheckoutOptions): Promise<Checkout> {
    const cart = await this.flush();
    const body: { gateway: Gateway; delivery?: Delivery } = { gateway: options.gateway };
    if (options.delivery) body.delivery = options.delivery;
    // One key per attempt: kept while an attempt ended without an answer (same cart, same body), so
    // clicking again after a network failure cannot place a second order.
    const sig = `${cart.version}|${JSON.stringify(body)}`;
    if (!this.checkoutAttempt || this.checkoutAttempt.sig !== sig) this.checkoutAttempt = { sig, key: uuid() };
    const { key } = this.checkoutAttempt;
    const attempts = this.opts.checkoutAttempts ?? 5;
    for (let i = 0; ; i++) {
      if (this.disposed) throw new Disposed();
      let res;
      try {
        res = await this.api.raw<Checkout | ApiErrorBody | null>('POST', '/api/checkout', { body, headers: { 'Idempotency-Key': key } });
      } catch (e) {
        if (!(e instanceof NetworkError) || i + 1 >= attempts || this.disposed) throw e;
        await this.sleep(backoffDelay(i, this.retryBase, this.retryCap, this.random));
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        if (this.checkoutAttempt?.key === key) this.checkoutAttempt = null;
        return res.json as Checkout;
      }
      if (isTransientStatus(res.status) && i + 1 < attempts && !this.disposed) {
        await this.sleep(backoffDelay(i, this.retryBase, this.retryCap, this.random));
        continue;
      }
      if (!isTransientStatus(res.status) && this.checkoutAttempt?.key === key) this.checkoutAttempt = null;
      throw new ApiError(res.status, (res.json ?? null) as ApiErrorBody | null);
    }
  }

  // ---- reads ----

  getOrder(reference: string): Promise<Order> {
    return this.api.getOrder(reference);
  }

  async getProduct(sku: string): Promise<Product> {
    const p = await this.api.getProduct(sku);
    this.notePrice(p);
    return p;
  }

  async listProducts(query?: { cursor?: string | null; limit?: number; token?: string }): Promise<ProductPage> {
    const page = await this.api.listProducts(query);
    for (const p of page.items) this.notePrice(p);
    return page;
  }

  private notePrice(p: Product): void {
    this.prices.set(p.sku, { price: p.price_in_cents, currency: p.currency });
    if (this.state.pending) this.emit();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    this.wakeAll();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.checkAdopted();
    this.persist(true);
    this.onlineTarget?.removeEventListener('online', this.onOnline);
    this.onlineTarget?.removeEventListener('pagehide', this.onPageHide);
    this.onlineTarget?.removeEventListener('pageshow', this.onPageShow);
    try {
      this.channel?.close();
    } catch {
      // already closed
    }
    this.channel = null;
    this.settleWaiters();
    this.listeners.clear();
  }
}

/** Starts syncing the shopper's cart: reads it, then sends local changes in debounced batches. */
export function createCartSync(options: CartSyncOptions): CartSync {
  return new CartSyncImpl(options);
}
