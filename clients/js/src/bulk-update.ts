// One bulk update: the local changes (as operations) turned into absolute quantities on the server
// cart they stand on, sent with If-Match and an Idempotency-Key, and what the server's answer means.

import type { BitacoraApi } from './api.js';
import { ApiError, isTransientStatus, uuid } from './http.js';
import { applyOps, diff, quantitiesOf, type Op } from './ops.js';
import type { ApiErrorBody, Cart } from './types.js';

/** A bulk update sent (or about to be): kept with its key, so that sending it again is harmless. */
export interface Batch {
  ops: Op[];
  key: string;
  body: Record<string, number>;
  base: number;
}

/** The batch that replays `ops` on `base`; `null` when they change nothing there. */
export function makeBatch(base: Cart, ops: Op[]): Batch | null {
  const baseQ = quantitiesOf(base.items);
  const body = diff(baseQ, applyOps(baseQ, ops));
  if (!Object.keys(body).length) return null;
  return { ops, key: uuid(), body, base: base.version };
}

export type BulkAnswer =
  /** The changes landed: the server's new cart. */
  | { kind: 'applied'; cart: Cart }
  /** version_conflict (409) / precondition_failed (412): replay on the server's cart (`null`: read it). */
  | { kind: 'conflict'; cart: Cart | null }
  /** A transient status (retry later) or 401/403 (wait for the token): the queue keeps the batch. */
  | { kind: 'failed'; error: ApiError }
  /** A refused change (422 unknown_sku / insufficient_stock / invalid_quantity, 400, …), naming its sku or not. */
  | { kind: 'refused'; error: ApiError; sku: string | null };

/** Sends `b`; network errors reject, every answer resolves. */
export async function sendBulkUpdate(api: BitacoraApi, b: Batch): Promise<BulkAnswer> {
  const res = await api.raw<Cart | ApiErrorBody | null>('POST', '/api/cart/bulk-update', {
    body: b.body,
    headers: { 'If-Match': `"${b.base}"`, 'Idempotency-Key': b.key },
  });
  if (res.status >= 200 && res.status < 300) return { kind: 'applied', cart: res.json as Cart };
  const body = (res.json ?? null) as ApiErrorBody | null;
  if (isTransientStatus(res.status) || res.status === 401 || res.status === 403) return { kind: 'failed', error: new ApiError(res.status, body) };
  if (res.status === 409 || res.status === 412) {
    return { kind: 'conflict', cart: body?.cart && typeof body.cart.version === 'number' ? body.cart : null };
  }
  return { kind: 'refused', error: new ApiError(res.status, body), sku: typeof body?.sku === 'string' ? body.sku : null };
}
