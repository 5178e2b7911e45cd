// An order as the API shows it (API.md §4 GET /api/orders/{reference}):
// {"reference","status","amount_in_cents","currency","items":[{"sku","quantity","price_in_cents"}],
//  "expires_at","payment":null|{"gateway","transaction_id","status"}}, "payment" being the last
// payment fact applied (its status the gateway's own word). One rendering, used by the HTTP layer
// and stored as the order's row in the `orders` index, so the admin list and the detail never
// disagree. Pure.
#pragma once

#include <string>

#include "domain/order.hpp"
#include "support/json_writer.hpp"

namespace bitacora::domain {

void write_order_view(JsonWriter& w, const OrderState& order);
[[nodiscard]] std::string order_view_json(const OrderState& order);

}  // namespace bitacora::domain
