// The requests that are retried on their own rather than through the queue: the cart commands with
// If-Match (the coupon) and the idempotent checkout. Both flush the queue first.

import type { BitacoraApi } from './api.js';
import { Disposed } from './cart-sync-errors.js';
import type { CheckoutOptions } from './cart-sync-types.js';
import { ApiError, NetworkError, isTransientStatus, uuid } from './http.js';
import type { ApiErrorBody, Cart, Checkout, Delivery, Gateway } from './types.js';

/** What the commands need of the cart sync they run for. */
export interface CommandHost {
  readonly api: BitacoraApi;
  /** Tries on network errors and 5xx before a command or a checkout rejects (`checkoutAttempts`). */
  attempts(): number;
  disposed(): boolean;
  flush(): Promise<Cart>;
  /** The version of the server's cart as last read, `null` before the first answer. */
  serverVersion(): number | null;
  /** Takes a cart the server answered; `announce`: tell the other tabs about its version. */
  takeCart(cart: Cart, announce: boolean): void;
  /** Waits out the backoff of the given retry (cut short by `retryNow()`). */
  backoff(attempt: number): Promise<void>;
}

/** Sends a cart command with If-Match, replayed with a new key on the server's cart after a 412/409. */
export async function cartCommand(host: CommandHost, method: string, path: string, body?: unknown): Promise<Cart> {
  await host.flush();
  let key = uuid();
  let transient = 0;
  for (let conflicts = 0; ; ) {
    if (host.disposed()) throw new Disposed();
    const headers: Record<string, string> = { 'Idempotency-Key': key };
    const version = host.serverVersion();
    if (version !== null) headers['If-Match'] = `"${version}"`;
    let res;
    try {
      res = await host.api.raw<Cart | ApiErrorBody | null>(method, path, body === undefined ? { headers } : { headers, body });
    } catch (e) {
      if (!(e instanceof NetworkError) || ++transient >= host.attempts()) throw e;
      await host.backoff(transient);
      continue;
    }
    if (res.status >= 200 && res.status < 300) {
      host.takeCart(res.json as Cart, true);
      return res.json as Cart;
    }
    const eb = (res.json ?? null) as ApiErrorBody | null;
    if (isTransientStatus(res.status) && ++transient < host.attempts()) {
      await host.backoff(transient);
      continue;
    }
    if ((res.status === 412 || res.status === 409) && eb?.cart && ++conflicts <= 5) {
      host.takeCart(eb.cart, false);
      key = uuid();
      continue;
    }
    throw new ApiError(res.status, eb);
  }
}

/** The checkout: concurrent calls share one promise and one Idempotency-Key. */
export class CheckoutFlow {
  private readonly host: CommandHost;
  private inFlight: Promise<Checkout> | null = null;
  private attempt: { sig: string; key: string } | null = null;

  constructor(host: CommandHost) {
    this.host = host;
  }

  run(options: CheckoutOptions): Promise<Checkout> {
    if (this.inFlight) return this.inFlight;
    const p = this.place(options).finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  private async place(options: CheckoutOptions): Promise<Checkout> {
    const host = this.host;
    const cart = await host.flush();
    const body: { gateway: Gateway; delivery?: Delivery } = { gateway: options.gateway };
    if (options.delivery) body.delivery = options.delivery;
    // One key per attempt: kept while an attempt ended without an answer (same cart, same body), so
    // clicking again after a network failure cannot place a second order.
    const sig = `${cart.version}|${JSON.stringify(body)}`;
    if (!this.attempt || this.attempt.sig !== sig) this.attempt = { sig, key: uuid() };
    const { key } = this.attempt;
    const attempts = host.attempts();
    for (let i = 0; ; i++) {
      if (host.disposed()) throw new Disposed();
      let res;
      try {
        res = await host.api.raw<Checkout | ApiErrorBody | null>('POST', '/api/checkout', { body, headers: { 'Idempotency-Key': key } });
      } catch (e) {
        if (!(e instanceof NetworkError) || i + 1 >= attempts || host.disposed()) throw e;
        await host.backoff(i);
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        if (this.attempt?.key === key) this.attempt = null;
        return res.json as Checkout;
      }
      if (isTransientStatus(res.status) && i + 1 < attempts && !host.disposed()) {
        await host.backoff(i);
        continue;
      }
      if (!isTransientStatus(res.status) && this.attempt?.key === key) this.attempt = null;
      throw new ApiError(res.status, (res.json ?? null) as ApiErrorBody | null);
    }
  }
}
