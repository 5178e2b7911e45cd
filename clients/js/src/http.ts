import type { ApiErrorBody } from './types.js';

/** The `fetch` this package needs: the global one, or a wrapper (tests count requests with one). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An answer of the server that is not a success, with its decoded error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody | null) {
    const b: ApiErrorBody = body && typeof body.error === 'string' ? body : { error: `http_${status}` };
    super(b.message ? `${status} ${b.error}: ${b.message}` : `${status} ${b.error}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = b.error;
    this.body = b;
  }
}

/** The request never got an answer (offline, connection reset, timeout). */
export class NetworkError extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super(`network error: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  json: T;
}

/** True for answers worth retrying unchanged: 408, 425, 429 and every 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** A random RFC 4122 v4 UUID; `crypto.randomUUID` where the context has it (secure contexts, Node). */
export function uuid(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The `sub` of a JWT, read without checking the signature (only to name local storage). */
export function jwtSubject(token: string): string | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bin = atob(padded);
    const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

/** Full-jitter exponential backoff: a uniform wait in [0, min(cap, base·2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
