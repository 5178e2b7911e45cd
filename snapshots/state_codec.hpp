// State codecs: one aggregate state as one compact, versioned JSON object, and back, for
// snapshots and the `replay` CLI (STYLE.md 4: every stored record carries its format).
// Encoding writes "format" first, then every member of the state, maps and sets in their sorted
// order, so two equal states encode to equal text: compare state_json outputs to compare states.
// decode(state_json(x)) gives back x exactly. ProductState's "available" (on_hand − reserved) and
// OrderState's "expires_at" (RFC 3339) are for people reading the JSON; decoding requires them to
// be present but takes the numbers from on_hand/reserved and "expires_at_us". Members added
// after format 1 (an order's discount, fee, coupon and delivery, a cart's coupon) are read when
// present and default otherwise, so older snapshots keep decoding. Unknown fields are ignored. A
// coupon's and a zone's terms are their last definition event, nested as the log stores it. Each
// state's members are listed once, for both directions (the `fields` idiom of events/json_fields.hpp). A missing or mistyped field, a "format" other than kStateFormat, or text that is not
// one JSON object is Errc::data_loss.
// Pure; any thread may call these (each thread decodes with its own reused parser).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/cart.hpp"
#include "domain/coupon.hpp"
#include "domain/delivery.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "support/result.hpp"

namespace bitacora::snapshots {

inline constexpr std::uint32_t kStateFormat = 1;

[[nodiscard]] std::string state_json(const domain::ProductState& s);
[[nodiscard]] std::string state_json(const domain::CartState& s);
[[nodiscard]] std::string state_json(const domain::OrderState& s);
[[nodiscard]] std::string state_json(const domain::CouponState& s);
[[nodiscard]] std::string state_json(const domain::DeliveryZoneState& s);

[[nodiscard]] Result<domain::ProductState> decode_product_state(std::string_view json);
[[nodiscard]] Result<domain::CartState> decode_cart_state(std::string_view json);
[[nodiscard]] Result<domain::OrderState> decode_order_state(std::string_view json);
[[nodiscard]] Result<domain::CouponState> decode_coupon_state(std::string_view json);
[[nodiscard]] Result<domain::DeliveryZoneState> decode_delivery_state(std::string_view json);

}  // namespace bitacora::snapshots
