// How products, carts and orders look on the wire (API.md §3, §4), and how a refusal from the
// domain becomes a status code and an error body. Status codes are chosen here, nowhere else.
#pragma once

#include "actors/commerce.hpp"
#include "http/json_body.hpp"
#include "http/message.hpp"

namespace bitacora::http {

[[nodiscard]] std::string product_json(const actors::ProductView& p);
[[nodiscard]] std::string cart_json(const actors::CartView& view);
[[nodiscard]] Response cart_response(const actors::CartView& view);  // 200 with ETag: "<version>"
[[nodiscard]] std::string coupon_json(const actors::CouponView& c);
[[nodiscard]] std::string zone_json(const domain::DeliveryZoneState& z);
[[nodiscard]] std::string quote_json(const domain::CheckoutQuote& q);

// A body's optional "delivery":{"zone","distance_km"} (null or absent: pickup), or the answer to
// send: 400 when it is not an object with a string zone, 422 delivery_unavailable when the zone
// cannot be one (unknown_zone) or the distance is not a number from 0 to 20000 (invalid_distance).
[[nodiscard]] std::variant<std::optional<domain::DeliveryChoice>, Response> delivery_choice(JsonBody& body);

// Where a refusal happened changes its status: an unknown sku is 422 in a cart, 404 on
// /api/products/{sku}/stock; insufficient stock is 422 in a cart, 409 at checkout.
// A coupon that cannot apply is 422 in a cart, 409 at checkout; an unknown one is 404 on
// /api/coupons/{code}. Resolving an order (`resolution`) answers shortages and coupons as checkout does.
enum class Resource { product, cart, checkout, order, coupon, resolution };
[[nodiscard]] Response refusal_response(const domain::DomainError& e, Resource where);
// A storage failure: 503 storage_unavailable, never a success.
[[nodiscard]] inline Response storage_response(const Error&) { return storage_response(); }

}  // namespace bitacora::http
