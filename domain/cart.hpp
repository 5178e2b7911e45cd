// The cart aggregate: one shopper's lines (API.md §4, stream `cart/<user>`).
// decide(state, command) → the events to append, or a DomainError; apply(state, event) → state.
// Every accepted change is exactly one event and bumps `version` by exactly one; a command that
// would change nothing (same quantities, clearing an empty cart) emits no event and keeps the
// version, so If-Match clients are not told a cart changed when it did not.
// Stock is an input, not a lookup: the caller asks the product actors and passes what they said.
// Only a line that grows is checked against `available` (taking units out is always allowed).
// Every member has an initializer, so designated initializers build these warning-free.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/errors.hpp"
#include "events/cart_events.hpp"
#include "events/ids.hpp"
#include "support/result.hpp"

namespace bitacora::domain {

// Bounds that keep a cart's total in an int64 whatever it holds: 200 lines × 10^6 units × a
// product's price of at most 10^10 (product.hpp) is 2×10^18 < 2^63.
inline constexpr std::size_t kMaxCartLines = 200;
inline constexpr std::int64_t kMaxLineQuantity = 1'000'000;

struct CartState {
  UserId user{};                        // set by whoever creates the state (the actor, from its key)
  std::map<Sku, std::int64_t> lines{};  // sku → quantity > 0
  std::optional<CouponCode> coupon{};   // attached; checked again at checkout
  std::uint64_t version = 0;            // accepted changes: the stream's version

  [[nodiscard]] std::int64_t quantity_of(const Sku& sku) const;
};

// What the product said when asked: whether it is defined, and how many units are available.
struct StockInfo {
  bool known = false;
  std::int64_t available = 0;
};

// POST /api/cart/items: move one line by `quantity` (a delta ≠ 0). Refused: delta 0, a negative
// result, more than kMaxLineQuantity or a new line past kMaxCartLines (invalid_quantity); unknown
// sku (unknown_sku); growing past available (insufficient_stock, requested = the resulting quantity).
struct AddCartItem {
  Sku sku{};
  std::int64_t quantity = 0;
  StockInfo stock{};
};

// POST /api/cart/bulk-update: absolute quantities (0 removes), one event for the whole update.
// Refused, checked in this order: expected_version ≠ version (version_conflict); then per line in
// sku order: negative or above kMaxLineQuantity (invalid_quantity), no `stock` entry or unknown
// (unknown_sku), growing past available (insufficient_stock); then more than kMaxCartLines lines
// after the update (invalid_quantity). Nothing is applied when any line is refused.
struct SetCartQuantities {
  std::map<Sku, std::int64_t> lines{};
  std::optional<std::uint64_t> expected_version{};  // If-Match; none: no check
  std::map<Sku, StockInfo> stock{};                // one entry per sku in `lines`
};

// DELETE /api/cart, or the order was paid: the lines and the coupon go. No event when the cart
// has neither.
struct ClearCart {
  std::string reason{};
};

// POST /api/cart/coupon: attach `code`, replacing any other (whether it applies was checked by the
// caller against the coupon). No event when it is attached already.
struct AttachCoupon {
  CouponCode code{};
};

// DELETE /api/cart/coupon. No event when none is attached.
struct RemoveCoupon {};

using CartCommand = std::variant<AddCartItem, SetCartQuantities, ClearCart, AttachCoupon, RemoveCoupon>;
using CartEvent = std::variant<events::CartItemAdded, events::CartQuantitiesSet, events::CartCleared,
                               events::CartCouponAttached, events::CartCouponRemoved>;

[[nodiscard]] Decision<CartEvent> decide(const CartState& state, const CartCommand& command);
// The event is taken by value so that std::apply, which ADL finds through std::variant, never
// wins overload resolution against this for a non-const event.
[[nodiscard]] CartState apply(CartState state, CartEvent event);
// The same, changing `state` in place: for loops that fold many events into one state (audit,
// replay), where `s = apply(std::move(s), e)` would move the whole state three times an event.
void apply_in_place(CartState& state, CartEvent event);

// The stored form: envelope type and JSON data, and back (unknown type or bad JSON: data_loss).
[[nodiscard]] std::string_view type_of(const CartEvent& event);
[[nodiscard]] std::string to_json(const CartEvent& event);
[[nodiscard]] Result<CartEvent> decode_cart_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
