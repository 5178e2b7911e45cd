import type { BitacoraApi, TokenSource } from './api.js';
import type { FetchLike } from './http.js';
import type { Cart, CartCoupon, Checkout, Delivery, Gateway, Order, Product, ProductPage } from './types.js';

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
