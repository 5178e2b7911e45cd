import { ApiError, NetworkError, isTransientStatus } from './http.js';
import type { CartSyncError } from './cart-sync-types.js';

/** `flush()` (and so `checkout()`) rejects with this when a queued change was refused or the token was. */
export class CartSyncFailure extends Error {
  readonly error: CartSyncError;
  constructor(error: CartSyncError) {
    super(error.message);
    this.name = 'CartSyncFailure';
    this.error = error;
  }
}

/** What the calls made on (or pending at) a disposed cart sync reject with. */
export class Disposed extends Error {
  constructor() {
    super('cart sync disposed');
    this.name = 'Disposed';
  }
}

/** The `CartSyncError` a failed request is shown as (`retrying`: the client keeps trying by itself). */
export function errorOf(e: unknown, retrying: boolean): CartSyncError {
  if (e instanceof ApiError) {
    const err: CartSyncError = { code: e.code, message: e.body.message ?? e.message, status: e.status, retrying };
    if (typeof e.body.sku === 'string') err.sku = e.body.sku;
    if (typeof e.body.available === 'number') err.available = e.body.available;
    return err;
  }
  if (e instanceof NetworkError) return { code: 'network', message: e.message, retrying };
  return { code: 'client', message: e instanceof Error ? e.message : String(e), retrying };
}

/** A network error or an answer worth retrying unchanged (408, 425, 429, 5xx), as opposed to a refusal. */
export function isTransient(e: unknown): boolean {
  return e instanceof NetworkError || (e instanceof ApiError && isTransientStatus(e.status));
}

/** Throws a RangeError unless `n` is a safe integer ≥ `min` (an argument of the cart's methods). */
export function checkQuantity(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${n}`);
}
