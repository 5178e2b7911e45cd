import { createApi, type BitacoraApi } from './api.js';
import { makeBatch, sendBulkUpdate, type Batch } from './bulk-update.js';
import { CheckoutFlow, cartCommand, type CommandHost } from './cart-commands.js';
import { CartSyncFailure, Disposed, checkQuantity, errorOf, isTransient } from './cart-sync-errors.js';
import type { CartSync, CartSyncError, CartSyncOptions, CartSyncState, CheckoutOptions, StorageLike } from './cart-sync-types.js';
import { ApiError, backoffDelay, jwtSubject } from './http.js';
import { FlushWaiters } from './flush-waiters.js';
import { localCart, type Prices } from './local-cart.js';
import { opTouches, type Op } from './ops.js';
import { HEARTBEAT_MS, QueueStore, defaultStorage } from './queue-store.js';
import type { Cart, Checkout, Order, Product, ProductPage } from './types.js';
import { openVersionChannel, type VersionChannel } from './version-channel.js';

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
  private readonly prices: Prices = new Map();

  private windowTimer: ReturnType<typeof setTimeout> | null = null;
  private windowDue = false;
  private pumping = false;
  private paused = false;
  private readonly wakers = new Set<() => void>();
  private readonly waiters = new FlushWaiters();
  private store: QueueStore | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly onPageHide = () => this.persist(true);
  private readonly onPageShow = () => this.beat();
  private restored = false;
  private disposed = false;
  private readonly commands: CommandHost;
  private readonly checkouts: CheckoutFlow;
  private channel: VersionChannel | null = null;
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
    this.commands = {
      api: this.api,
      attempts: () => opts.checkoutAttempts ?? 5,
      disposed: () => this.disposed,
      flush: () => this.flush(),
      serverVersion: () => this.server?.version ?? null,
      takeCart: (cart, announce) => {
        this.setServer(cart);
        if (announce) this.announce();
        this.emit();
      },
      backoff: (attempt) => this.backoff(attempt),
    };
    this.checkouts = new CheckoutFlow(this.commands);
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
    const ops = this.batch ? [...this.batch.ops, ...this.ops] : this.ops;
    const { cart, pending } = localCart(this.server, ops, this.prices);
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
    if (!this.windowTimer && !this.windowDue) this.openWindow();
    if (this.paused) this.retryNow();
    this.emit();
  }

  /** Gathers changes for `debounceMs`, then lets the pump send them as one batch. */
  private openWindow(): void {
    this.windowTimer = setTimeout(() => {
      this.windowTimer = null;
      this.windowDue = true;
      void this.pump();
    }, this.debounceMs);
  }

  private closeWindow(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
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
    const p = this.waiters.wait();
    this.closeWindow();
    this.retryNow();
    return p;
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

  private backoff(attempt: number): Promise<void> {
    return this.sleep(backoffDelay(attempt, this.retryBase, this.retryCap, this.random));
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
    if (!this.waiters.size) return;
    if (this.disposed) {
      this.waiters.rejectAll(() => new Disposed());
    } else if (this.paused) {
      const err = this.error ?? { code: 'unauthorized', message: 'paused', retrying: false };
      this.waiters.rejectAll(() => new CartSyncFailure(err));
    } else if (this.idle()) {
      this.waiters.settle(this.server!, this.error);
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
            if (!this.windowDue && !this.waiters.size) {
              if (!this.windowTimer) this.openWindow();
              break;
            }
            this.windowDue = false;
            this.closeWindow();
            this.checkAdopted();
            if (!this.ops.length) continue;
            this.batch = makeBatch(this.server, this.ops);
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
            await this.backoff(this.attempt++);
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

  private async sendBatch(): Promise<void> {
    const b = this.batch!;
    this.syncing = true;
    this.emit();
    let answer;
    try {
      answer = await sendBulkUpdate(this.api, b);
    } finally {
      this.syncing = false;
    }
    if (this.disposed || this.batch !== b) return;
    if (answer.kind === 'applied') {
      this.setServer(answer.cart);
      this.batch = null;
      this.conflicts = 0;
      if (this.error?.retrying) this.error = null;
      this.adoptOrphans();
      this.announce();
      this.emit();
      return;
    }
    if (answer.kind === 'failed') throw answer.error;
    if (answer.kind === 'conflict') {
      // Replay on the server's cart.
      if (answer.cart) this.setServer(answer.cart);
      else this.stale = true;
      if (this.error?.retrying) this.error = null;
      this.rebase();
      if (++this.conflicts > 3) await this.backoff(this.conflicts - 3);
      return;
    }
    // A refused change: surface it, drop the changes it names (all of the batch when it names no
    // sku) and read the server's cart.
    this.waiters.refused();
    this.error = errorOf(answer.error, false);
    const sku = answer.sku;
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
    } else this.batch = makeBatch(this.server!, ops);
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
    this.restored = true;
    if (this.storage) {
      this.store = new QueueStore(this.storage, key);
      this.adoptOrphans();
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      (this.heartbeat as unknown as { unref?: () => void }).unref?.();
      this.onlineTarget?.addEventListener('pagehide', this.onPageHide);
      this.onlineTarget?.addEventListener('pageshow', this.onPageShow);
    }
    this.persist();
    if (this.opts.broadcast ?? true) this.channel = openVersionChannel(`bitacora-cart:${key}`, (v) => this.onBroadcast(v));
    this.emit();
  }

  /** Keeps this instance's queue in storage (`released`: the page is going away, adopt it at once). */
  private persist(released = false): void {
    this.store?.save(this.ops, this.batch, released);
  }

  /**
   * The heartbeat of a queue in storage. If the entry is gone, another instance took it over (this
   * one looked dead: a frozen tab, a page restored from the back-forward cache) and sends it: drop
   * it here rather than send it twice (a batch in flight finishes: its key makes a repeat harmless).
   */
  private beat(): void {
    if (this.disposed || !this.store?.claimed) return;
    this.checkAdopted();
    this.persist();
  }

  private checkAdopted(): void {
    if (!this.store?.takenOver()) return;
    this.ops = [];
    if (!this.syncing) this.batch = null;
    if (!this.disposed) this.emit();
  }

  /** Takes over the queues of instances that are gone (closed or crashed tabs, a reload). */
  private adoptOrphans(): void {
    if (!this.store) return;
    const orphans = this.store.takeOrphans(this.batch !== null);
    if (orphans.batch) this.batch = orphans.batch;
    if (orphans.ops.length) {
      this.ops = [...orphans.ops, ...this.ops];
      this.windowDue = true;
    }
    this.persist();
  }

  private announce(): void {
    if (this.server) this.channel?.announce(this.server.version);
  }

  private onBroadcast(v: number): void {
    if (this.disposed || this.batch) return;
    if (this.server && v <= this.server.version) return;
    this.refresh().catch(() => {});
  }

  // ---- cart commands with If-Match (coupon) ----

  applyCoupon(code: string): Promise<Cart> {
    return cartCommand(this.commands, 'POST', '/api/cart/coupon', { code });
  }

  removeCoupon(): Promise<Cart> {
    return cartCommand(this.commands, 'DELETE', '/api/cart/coupon');
  }

  // ---- checkout ----

  /** Flushes, then places the order; concurrent calls share one promise and one Idempotency-Key. */
  checkout(options: CheckoutOptions): Promise<Checkout> {
    return this.checkouts.run(options);
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
    this.closeWindow();
    this.wakeAll();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.checkAdopted();
    this.persist(true);
    this.onlineTarget?.removeEventListener('online', this.onOnline);
    this.onlineTarget?.removeEventListener('pagehide', this.onPageHide);
    this.onlineTarget?.removeEventListener('pageshow', this.onPageShow);
    this.channel?.close();
    this.channel = null;
    this.settleWaiters();
    this.listeners.clear();
  }
}

/** Starts syncing the shopper's cart: reads it, then sends local changes in debounced batches. */
export function createCartSync(options: CartSyncOptions): CartSync {
  return new CartSyncImpl(options);
}