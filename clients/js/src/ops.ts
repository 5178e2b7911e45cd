// Local cart changes as operations, so that they can be replayed on top of whatever cart the
// server holds (after a version conflict, or when the queue was restored after a reload).
// `add` stays relative: two tabs that each add one unit of the same sku end with both units.

export type Op =
  | { t: 'set'; sku: string; qty: number }
  | { t: 'add'; sku: string; delta: number }
  | { t: 'clear' };

export type Quantities = Map<string, number>;

export function quantitiesOf(items: ReadonlyArray<{ sku: string; quantity: number }>): Quantities {
  const m: Quantities = new Map();
  for (const it of items) if (it.quantity > 0) m.set(it.sku, it.quantity);
  return m;
}

/** The quantities after replaying `ops` on `base` (lines at 0 dropped). */
export function applyOps(base: Quantities, ops: readonly Op[]): Quantities {
  const m: Quantities = new Map(base);
  for (const op of ops) {
    if (op.t === 'set') m.set(op.sku, op.qty);
    else if (op.t === 'add') m.set(op.sku, Math.max(0, (m.get(op.sku) ?? 0) + op.delta));
    else for (const k of m.keys()) m.set(k, 0);
  }
  for (const [k, v] of m) if (v <= 0) m.delete(k);
  return m;
}

/** A bulk-update body: only the lines whose quantity differs, as absolute quantities (0 removes). */
export function diff(base: Quantities, next: Quantities): Record<string, number> {
  const body: Record<string, number> = {};
  for (const [sku, q] of next) if (base.get(sku) !== q) body[sku] = q;
  for (const sku of base.keys()) if (!next.has(sku)) body[sku] = 0;
  return body;
}

export function opTouches(op: Op, sku: string): boolean {
  return op.t !== 'clear' && op.sku === sku;
}
