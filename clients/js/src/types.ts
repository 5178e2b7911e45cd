// Wire types of the routes this client uses. The shapes come from docs/openapi.yaml through
// `npm run gen` (openapi-typescript → src/generated/api.ts, committed so that a build needs no
// network and no generator); the names below are the ones the rest of the package uses.
import type { components } from './generated/api.js';

type Schemas = components['schemas'];

/** One line of a cart as the server prices it (the product's current price). */
export type CartLine = Schemas['CartLine'];
/** The attached coupon as it would apply to the cart now. */
export type CartCoupon = Schemas['CartCoupon'];
/** `GET /api/cart` (also the answer of every cart change), with `ETag: "<version>"`. */
export type Cart = Schemas['Cart'];
/** `GET /api/products/{sku}`. */
export type Product = Schemas['Product'];
/** `GET /api/products?cursor=&limit=`. */
export type ProductPage = Schemas['ProductPage'];
export type Gateway = Schemas['CheckoutRequest']['gateway'];
export type CheckoutRequest = Schemas['CheckoutRequest'];
export type Delivery = Schemas['DeliveryChoice'];
export type OrderStatus = Schemas['OrderStatus'];
/** `GET /api/orders/{reference}`. */
export type Order = Schemas['Order'];
/** `POST /api/checkout` (201): the order without `payment`, with Wompi's integrity signature. */
export type Checkout = Schemas['Checkout'];

/**
 * Every error body: `{"error":"<snake_case_code>","message":"…", …extra}`; the members below are
 * the extras of the errors this client reacts to (the generated schemas have one type per error).
 */
export interface ApiErrorBody {
  error: string;
  message?: string;
  /** `unknown_sku`, `insufficient_stock` (bulk-update, `POST /api/cart/items`). */
  sku?: string;
  /** `insufficient_stock` on a cart line. */
  available?: number;
  /** `version_conflict` (409, bulk-update) and `precondition_failed` (412, other cart routes). */
  cart?: Cart;
  /** `coupon_invalid`, `delivery_unavailable`. */
  reason?: string;
  /** `invalid_request`, `invalid_argument`, `invalid_parameter`. */
  field?: string;
  /** `insufficient_stock` at checkout (409). */
  items?: Array<{ sku: string; requested: number; available: number }>;
  [extra: string]: unknown;
}
