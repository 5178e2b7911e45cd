// Strong ids (STYLE.md 5): a Sku is not an OrderRef is not a UserId, though each is text.
// NamedType<T, Tag> is built explicitly, compares, orders and hashes like its value, and does
// nothing else; `.value()` is the way back to the text (for JSON, stream names, messages).
// Pure values; thread-safe.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace bitacora {

template <class T, class Tag>
class NamedType {
 public:
  using value_type = T;

  NamedType() = default;
  explicit NamedType(T value) : value_(std::move(value)) {}

  [[nodiscard]] const T& value() const& noexcept { return value_; }
  [[nodiscard]] T value() && { return std::move(value_); }

  friend bool operator==(const NamedType&, const NamedType&) = default;
  friend auto operator<=>(const NamedType&, const NamedType&) = default;

 private:
  T value_{};
};

using Sku = NamedType<std::string, struct SkuTag>;            // a product: "sku-1"
using OrderRef = NamedType<std::string, struct OrderRefTag>;  // an order: "ORD-…", the gateways' reference
using UserId = NamedType<std::string, struct UserIdTag>;      // a shopper: the JWT's `sub`
using CouponCode = NamedType<std::string, struct CouponCodeTag>;  // a coupon: "WELCOME10", upper-case
using ZoneId = NamedType<std::string, struct ZoneIdTag>;          // a delivery zone: "bogota-norte"

}  // namespace bitacora

template <class T, class Tag>
struct std::hash<bitacora::NamedType<T, Tag>> {
  std::size_t operator()(const bitacora::NamedType<T, Tag>& id) const noexcept { return std::hash<T>{}(id.value()); }
};
