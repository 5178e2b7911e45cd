import { ApiError, NetworkError, type FetchLike, type HttpResponse } from './http.js';
import type { ApiErrorBody, Cart, Order, Product, ProductPage } from './types.js';

export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface ApiOptions {
  /** The server's origin, e.g. `https://shop.example` (`''` for the page's own origin). */
  baseUrl: string;
  /** The shopper's JWT (called for every request, so a refreshed token is picked up). */
  getToken?: TokenSource;
  fetch?: FetchLike;
  /** A request that has not answered after this long is aborted and counts as a network error. */
  requestTimeoutMs?: number;
  /** Called after every successful request (status < 400): the sync kicks its queue with it. */
  onAnswer?: () => void;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** `true` (default): send the shopper's token; `false`: none; a string: that bearer token. */
  auth?: boolean | string;
}

/** A thin typed client of the shopper routes; every method throws `ApiError` or `NetworkError`. */
export interface BitacoraApi {
  /** Any request; answers of every status are returned (only network failures throw). */
  raw<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse<T>>;
  /** A request whose non-2xx answer throws `ApiError`. */
  call<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  getCart(): Promise<Cart>;
  getProduct(sku: string, opts?: { token?: string }): Promise<Product>;
  /** `GET /api/products` (public; servers older than that convention want an operator token). */
  listProducts(query?: { cursor?: string | null; limit?: number; token?: string }): Promise<ProductPage>;
  getOrder(reference: string): Promise<Order>;
}

export function createApi(options: ApiOptions): BitacoraApi {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.requestTimeoutMs ?? 15000;

  async function raw<T>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    const auth = opts.auth ?? true;
    if (typeof auth === 'string') headers.Authorization = `Bearer ${auth}`;
    else if (auth) {
      const token = options.getToken ? await options.getToken() : null;
      if (!token) throw new ApiError(401, { error: 'unauthorized', message: 'no shopper token' });
      headers.Authorization = `Bearer ${token}`;
    }
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl && timeoutMs > 0 ? setTimeout(() => ctrl.abort(), timeoutMs) : null;
    let res: Response;
    let text: string;
    try {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = body;
      if (ctrl) init.signal = ctrl.signal;
      res = await doFetch(base + path, init);
      text = await res.text();
    } catch (e) {
      throw new NetworkError(e);
    } finally {
      if (timer) clearTimeout(timer);
    }
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = { error: `http_${res.status}`, message: text.slice(0, 200) };
      }
    }
    if (res.status < 400) options.onAnswer?.();
    return { status: res.status, headers: res.headers, json: json as T };
  }

  async function call<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    const r = await raw<T>(method, path, opts);
    if (r.status < 200 || r.status >= 300) throw new ApiError(r.status, r.json as ApiErrorBody | null);
    return r.json;
  }

  const enc = encodeURIComponent;
  return {
    raw,
    call,
    getCart: () => call<Cart>('GET', '/api/cart'),
    getProduct: (sku, o) => call<Product>('GET', `/api/products/${enc(sku)}`, { auth: o?.token ?? false }),
    listProducts: (q = {}) => {
      const params = new URLSearchParams();
      if (q.cursor) params.set('cursor', q.cursor);
      if (q.limit !== undefined) params.set('limit', String(q.limit));
      const qs = params.toString();
      return call<ProductPage>('GET', `/api/products${qs ? `?${qs}` : ''}`, { auth: q.token ?? false });
    },
    getOrder: (reference) => call<Order>('GET', `/api/orders/${enc(reference)}`),
  };
}
