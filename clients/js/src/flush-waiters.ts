import { CartSyncFailure } from './cart-sync-errors.js';
import type { CartSyncError } from './cart-sync-types.js';
import type { Cart } from './types.js';

interface Waiter {
  resolve: (cart: Cart) => void;
  reject: (e: unknown) => void;
  epoch: number;
}

/**
 * The promises `flush()` returned, settled together once nothing is pending. One made before a
 * queued change was refused rejects with that refusal rather than resolve with a cart that lacks it.
 */
export class FlushWaiters {
  private waiters: Waiter[] = [];
  private rejectEpoch = 0;

  get size(): number {
    return this.waiters.length;
  }

  wait(): Promise<Cart> {
    return new Promise<Cart>((resolve, reject) => {
      this.waiters.push({ resolve, reject, epoch: this.rejectEpoch });
    });
  }

  /** A queued change was refused: the waiters so far reject when they settle. */
  refused(): void {
    this.rejectEpoch++;
  }

  /** Rejects every waiter, each with a fresh `reason()`. */
  rejectAll(reason: () => unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(reason());
  }

  /** Resolves the waiters with `cart`, but rejects with `error` those that saw a change refused. */
  settle(cart: Cart, error: CartSyncError | null): void {
    for (const w of this.waiters.splice(0)) {
      if (w.epoch !== this.rejectEpoch && error) w.reject(new CartSyncFailure(error));
      else w.resolve(cart);
    }
  }
}
