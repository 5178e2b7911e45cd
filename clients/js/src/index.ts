export { createCartSync, CartSyncFailure } from './cart-sync.js';
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
} from './cart-sync.js';
export { createApi } from './api.js';
export type { ApiOptions, BitacoraApi, RequestOptions, TokenSource } from './api.js';
export { ApiError, NetworkError, backoffDelay, jwtSubject, uuid } from './http.js';
export type { FetchLike, HttpResponse } from './http.js';
export type * from './types.js';
