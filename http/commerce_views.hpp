// How products, carts and orders look on the wire (API.md §3, §4), and how a refusal from the
// domain becomes a status code and an error body. Status codes are chosen here, nowhere else.
#pragma once

#include "actors/commerce.hpp"
#include "http/message.hpp"

namespace bitacora::http {

[[nodiscard]] std::string product_json(const actors::ProductView& p);
[[nodiscard]] std::string cart_json(const actors::CartView& view);
[[nodiscard]] Response cart_response(const actors::CartView& view);  // 200 with ETag: "<version>"

// Where a refusal happened changes its status: an unknown sku is 422 in a cart, 404 on
// /api/products/{sku}/stock; insufficient stock is 422 in a cart, 409 at checkout.
enum class Resource { product, cart, checkout, order };
[[nodiscard]] Response refusal_response(const domain::DomainError& e, Resource where);
// A storage failure: 503 storage_unavailable, never a success.
[[nodiscard]] inline Response storage_response(const Error&) { return storage_response(); }

}  // namespace bitacora::http
