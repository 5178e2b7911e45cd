// Facts about a shopper's cart, stored on the stream `cart/<user>` (API.md §4).
// Each struct names exactly one accepted change, so a cart's version is its stream's version.
// Its JSON codec is the event's `data` in the envelope. Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "events/ids.hpp"
#include "support/result.hpp"

namespace bitacora::events {

inline constexpr std::string_view kCartStreamPrefix = "cart/";
[[nodiscard]] std::string cart_stream(const UserId& user);

// POST /api/cart/items: the line moved by `quantity` (a delta; negative takes units out).
struct CartItemAdded {
  static constexpr std::string_view kType = "CartItemAdded";
  Sku sku;
  std::int64_t quantity = 0;
  friend bool operator==(const CartItemAdded&, const CartItemAdded&) = default;
};

// POST /api/cart/bulk-update: these lines now hold these absolute quantities (0: line removed).
// Only the lines that changed are recorded; lines not named are untouched.
struct CartQuantitiesSet {
  static constexpr std::string_view kType = "CartQuantitiesSet";
  std::map<Sku, std::int64_t> lines;
  friend bool operator==(const CartQuantitiesSet&, const CartQuantitiesSet&) = default;
};

// The shopper attached a coupon (it was checked then; checkout checks it again), replacing any other.
struct CartCouponAttached {
  static constexpr std::string_view kType = "CartCouponAttached";
  CouponCode code;
  friend bool operator==(const CartCouponAttached&, const CartCouponAttached&) = default;
};

// The shopper took the coupon off.
struct CartCouponRemoved {
  static constexpr std::string_view kType = "CartCouponRemoved";
  friend bool operator==(const CartCouponRemoved&, const CartCouponRemoved&) = default;
};

// Every line was removed, and the coupon with them: "emptied" by the shopper, "order_paid" after
// checkout, …
struct CartCleared {
  static constexpr std::string_view kType = "CartCleared";
  std::string reason;
  friend bool operator==(const CartCleared&, const CartCleared&) = default;
};

[[nodiscard]] std::string to_json(const CartItemAdded& e);
[[nodiscard]] std::string to_json(const CartQuantitiesSet& e);
[[nodiscard]] std::string to_json(const CartCleared& e);
[[nodiscard]] std::string to_json(const CartCouponAttached& e);
[[nodiscard]] std::string to_json(const CartCouponRemoved& e);
[[nodiscard]] Result<CartCouponAttached> cart_coupon_attached_from_json(std::string_view json);
[[nodiscard]] Result<CartCouponRemoved> cart_coupon_removed_from_json(std::string_view json);
[[nodiscard]] Result<CartItemAdded> cart_item_added_from_json(std::string_view json);
[[nodiscard]] Result<CartQuantitiesSet> cart_quantities_set_from_json(std::string_view json);
[[nodiscard]] Result<CartCleared> cart_cleared_from_json(std::string_view json);

}  // namespace bitacora::events
