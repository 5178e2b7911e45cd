// An order as the API shows it (API.md §4 GET /api/orders/{reference}):
// {"reference","status","amount_in_cents","currency","items":[{"sku","quantity","price_in_cents"}],
//  "subtotal_in_cents","discount_in_cents","delivery_fee_in_cents","coupon":CODE|null,
//  "delivery":null|{"zone","distance_km"},"created_at":RFC3339|null,
//  "expires_at","payment":null|{"gateway","transaction_id","status"}}, "payment" being the last
// payment fact applied (its status the gateway's own word); amount = subtotal − discount + fee. One rendering, used by the HTTP layer
// and stored as the order's row in the `orders` index, so the admin list and the detail never
// disagree. Pure.
#pragma once

#include <string>

#include "domain/order.hpp"
#include "support/json_writer.hpp"

namespace bitacora::domain {

void write_order_view(JsonWriter& w, const OrderState& order);
// The members from "subtotal_in_cents" to "created_at", into `w`'s open object (checkout's answer
// shows them too).
void write_order_pricing(JsonWriter& w, const OrderState& order);
// The order's row in the statistics projection: {"status","currency","amount_in_cents",
// "discount_in_cents","delivery_fee_in_cents","coupon":CODE|null}.
[[nodiscard]] std::string checkout_row_json(const OrderState& order);
// Whole metres as kilometres, the API's unit: 2500 → "2.5", 12000 → "12".
[[nodiscard]] std::string km_text(std::int64_t metres);
[[nodiscard]] std::string order_view_json(const OrderState& order);

}  // namespace bitacora::domain
