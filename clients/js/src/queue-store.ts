// The offline queue in storage. Every instance (tab) of the same shopper keeps its queue under one
// per-user key, beats a heartbeat into it, and takes over the queues whose owner stopped beating.

import type { Batch } from './bulk-update.js';
import type { StorageLike } from './cart-sync-types.js';
import { uuid } from './http.js';
import type { Op } from './ops.js';

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
export const HEARTBEAT_MS = 5_000;

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

export function defaultStorage(): StorageLike | null {
  try {
    const ls = (globalThis as { localStorage?: StorageLike }).localStorage;
    return ls && typeof ls.getItem === 'function' ? ls : null;
  } catch {
    return null; // a sandboxed frame throws on access
  }
}

/** One instance's entry under the per-user key, and the takeover of the entries of instances that are gone. */
export class QueueStore {
  private readonly storage: StorageLike;
  private readonly key: string;
  private readonly id = uuid();
  private owned = false;

  constructor(storage: StorageLike, key: string) {
    this.storage = storage;
    this.key = key;
  }

  /** This instance has a queue in storage (it had something queued when last saved). */
  get claimed(): boolean {
    return this.owned;
  }

  private read(): Stored {
    try {
      return readStored(this.storage.getItem(this.key));
    } catch {
      return { v: 2, queues: {} };
    }
  }

  private write(rec: Stored): void {
    try {
      if (!Object.keys(rec.queues).length) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(rec));
    } catch {
      // quota or privacy mode: the queue still lives in memory
    }
  }

  /** Keeps this instance's queue in storage (`released`: the page is going away, adopt it at once). */
  save(ops: Op[], batch: Batch | null, released = false): void {
    const rec = this.read();
    if (!ops.length && !batch) {
      delete rec.queues[this.id];
      this.owned = false;
    } else {
      rec.queues[this.id] = { ops, batch, at: released ? 0 : Date.now() };
      this.owned = true;
    }
    this.write(rec);
  }

  /** True (once) when this instance's entry is gone: another instance took its queue over. */
  takenOver(): boolean {
    if (!this.owned || this.read().queues[this.id]) return false;
    this.owned = false;
    return true;
  }

  /**
   * Takes the queues of instances that are gone (closed or crashed tabs, a reload) out of storage.
   * The first orphan batch becomes `batch` unless the caller has one (`haveBatch`); the changes of
   * any other batch go to `ops`, each ahead of the changes its instance had queued after it.
   */
  takeOrphans(haveBatch: boolean): { batch: Batch | null; ops: Op[] } {
    const rec = this.read();
    const now = Date.now();
    let batch: Batch | null = null;
    const ops: Op[] = [];
    for (const [id, q] of Object.entries(rec.queues)) {
      if (id === this.id || (q.at !== 0 && now - q.at < ORPHAN_AFTER_MS)) continue;
      delete rec.queues[id];
      if (q.batch && !haveBatch && !batch) batch = q.batch; // same key: a repeat of a batch that landed is replayed
      else if (q.batch) ops.push(...q.batch.ops);
      ops.push(...q.ops);
    }
    this.write(rec);
    return { batch, ops };
  }
}
