// What the shopper sees: the server's cart with the changes not yet confirmed replayed on top,
// priced from the server's lines or, for new lines, from the prices the product reads noted.

import type { LocalCart, LocalCartLine } from './cart-sync-types.js';
import { applyOps, diff, quantitiesOf, type Op } from './ops.js';
import type { Cart } from './types.js';

/** The last price (and its currency) seen for each sku. */
export type Prices = Map<string, { price: number; currency: string }>;

const EMPTY_CART: Cart = {
  items: [],
  version: 0,
  coupon: null,
  subtotal_in_cents: 0,
  discount_in_cents: 0,
  total_in_cents: 0,
  currency: null,
};

/** The local cart after `ops` on the server's cart (empty before the first answer); `pending`: the lines they change. */
export function localCart(server: Cart | null, ops: readonly Op[], prices: Prices): { cart: LocalCart; pending: number } {
  const base = server ?? EMPTY_CART;
  const baseQ = quantitiesOf(base.items);
  const local = ops.length ? applyOps(baseQ, ops) : baseQ;
  const pending = Object.keys(diff(baseQ, local)).length;
  if (!pending) return { cart: { ...base, items: base.items.map((l) => ({ ...l })) }, pending };
  const items: LocalCartLine[] = [];
  for (const l of base.items) {
    const q = local.get(l.sku);
    if (q) items.push({ sku: l.sku, quantity: q, price_in_cents: l.price_in_cents });
  }
  for (const [sku, q] of local) {
    if (!baseQ.has(sku)) items.push({ sku, quantity: q, price_in_cents: prices.get(sku)?.price ?? null });
  }
  let subtotal: number | null = 0;
  for (const l of items) subtotal = l.price_in_cents == null || subtotal == null ? null : subtotal + l.quantity * l.price_in_cents;
  const discount = subtotal == null ? base.discount_in_cents : Math.min(base.discount_in_cents, subtotal);
  const currency = items.length ? base.currency ?? prices.get(items[0]!.sku)?.currency ?? null : null;
  const cart: LocalCart = {
    items,
    version: base.version,
    coupon: base.coupon,
    subtotal_in_cents: subtotal,
    discount_in_cents: discount,
    total_in_cents: subtotal == null ? null : subtotal - discount,
    currency,
  };
  return { cart, pending };
}
