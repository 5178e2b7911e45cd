export { createCartSync } from './cart-sync.js';
export { CartSyncFailure } from './cart-sync-errors.js';
export type {
  CartSync,
  CartSyncError,
  CartSyncOptions,
  CartSyncState,
  CheckoutOptions,
  LocalCart,
  LocalCartLine,
  RetryOptions,
  StorageLike,
} from './cart-sync-types.js';
export { createApi } from './api.js';
export type { ApiOptions, BitacoraApi, RequestOptions, TokenSource } from './api.js';
export { ApiError, NetworkError, backoffDelay, jwtSubject, uuid } from './http.js';
export type { FetchLike, HttpResponse } from './http.js';
export type * from './types.js';
