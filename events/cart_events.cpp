#include "events/cart_events.hpp"

#include "events/json_fields.hpp"

namespace bitacora::events {

std::string cart_stream(const UserId& user) { return std::string(kCartStreamPrefix) + user.value(); }

void fields(auto& io, Is<CartItemAdded> auto& e) {
  io("sku", e.sku);
  io("quantity", e.quantity);
}

void fields(auto& io, Is<CartQuantitiesSet> auto& e) { io("lines", e.lines); }

void fields(auto& io, Is<CartCleared> auto& e) { io("reason", e.reason); }

void fields(auto& io, Is<CartCouponAttached> auto& e) { io("code", e.code); }

void fields(auto&, Is<CartCouponRemoved> auto&) {}

std::string to_json(const CartItemAdded& e) { return json::write(e); }
std::string to_json(const CartQuantitiesSet& e) { return json::write(e); }
std::string to_json(const CartCleared& e) { return json::write(e); }
std::string to_json(const CartCouponAttached& e) { return json::write(e); }
std::string to_json(const CartCouponRemoved& e) { return json::write(e); }

Result<CartItemAdded> cart_item_added_from_json(std::string_view j) { return json::read<CartItemAdded>(j); }
Result<CartQuantitiesSet> cart_quantities_set_from_json(std::string_view j) {
  return json::read<CartQuantitiesSet>(j);
}
Result<CartCleared> cart_cleared_from_json(std::string_view j) { return json::read<CartCleared>(j); }
Result<CartCouponAttached> cart_coupon_attached_from_json(std::string_view j) {
  return json::read<CartCouponAttached>(j);
}
Result<CartCouponRemoved> cart_coupon_removed_from_json(std::string_view j) { return json::read<CartCouponRemoved>(j); }

}  // namespace bitacora::events
