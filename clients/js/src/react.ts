import { useSyncExternalStore } from 'react';
import type { CartSync, CartSyncState } from './cart-sync-types.js';

/**
 * The cart sync's state for a React component: re-renders on every change of `{cart, pending,
 * syncing, error}`. Actions stay on the sync itself (`sync.add(sku)`, `sync.checkout(…)`).
 */
export function useCart(sync: CartSync): CartSyncState {
  return useSyncExternalStore(sync.subscribe, sync.getState, sync.getState);
}

export type { CartSync, CartSyncState } from './cart-sync-types.js';
