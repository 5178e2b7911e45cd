// Facts about a coupon, stored on the stream `coupon/<CODE>`: its terms, and each use an order
// holds, confirms or releases. A use is held at checkout (in the same batch as the order's stock
// reservations), becomes used when the order is paid, and is released when the order ends without
// payment — exactly as a product's stock is. Its JSON codec is the event's `data` in the envelope.
// Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/catalog_events.hpp"
#include "events/ids.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::events {

inline constexpr std::string_view kCouponStreamPrefix = "coupon/";
[[nodiscard]] std::string coupon_stream(const CouponCode& code);

enum class DiscountKind { percent, fixed };
[[nodiscard]] std::string_view to_string(DiscountKind kind) noexcept;
[[nodiscard]] bool parse(std::string_view text, DiscountKind& out) noexcept;

// The coupon was created, or its terms changed (PUT /api/coupons/{code}). Uses are never part of it.
struct CouponDefined {
  static constexpr std::string_view kType = "CouponDefined";
  CouponCode code;
  DiscountKind kind = DiscountKind::percent;
  std::int64_t value = 0;                              // percent 1–100, or cents off (fixed)
  std::optional<std::string> currency;                 // fixed: the cents' currency
  std::optional<Micros> valid_from;                    // none: from the start
  std::optional<Micros> valid_until;                   // none: forever (exclusive bound)
  std::optional<std::int64_t> max_uses;                // none: unlimited
  std::optional<std::int64_t> max_uses_per_user;       // none: unlimited
  std::optional<std::int64_t> min_subtotal_in_cents;   // none: any subtotal
  std::optional<std::vector<Sku>> skus;                // none: every line is eligible
  bool active = true;
  friend bool operator==(const CouponDefined&, const CouponDefined&) = default;
};

// Checkout held one use for the order (placed by `user`) until it is paid or ends.
struct CouponUseHeld {
  static constexpr std::string_view kType = "CouponUseHeld";
  OrderRef order_reference;
  UserId user;
  friend bool operator==(const CouponUseHeld&, const CouponUseHeld&) = default;
};

// The order was paid: the use it held is used, for good.
struct CouponUseConfirmed {
  static constexpr std::string_view kType = "CouponUseConfirmed";
  OrderRef order_reference;
  friend bool operator==(const CouponUseConfirmed&, const CouponUseConfirmed&) = default;
};

// The order ended without payment: the use it held is free again.
struct CouponUseReleased {
  static constexpr std::string_view kType = "CouponUseReleased";
  OrderRef order_reference;
  ReleaseReason reason = ReleaseReason::expired;
  friend bool operator==(const CouponUseReleased&, const CouponUseReleased&) = default;
};

[[nodiscard]] std::string to_json(const CouponDefined& e);
[[nodiscard]] std::string to_json(const CouponUseHeld& e);
[[nodiscard]] std::string to_json(const CouponUseConfirmed& e);
[[nodiscard]] std::string to_json(const CouponUseReleased& e);
[[nodiscard]] Result<CouponDefined> coupon_defined_from_json(std::string_view json);
[[nodiscard]] Result<CouponUseHeld> coupon_use_held_from_json(std::string_view json);
[[nodiscard]] Result<CouponUseConfirmed> coupon_use_confirmed_from_json(std::string_view json);
[[nodiscard]] Result<CouponUseReleased> coupon_use_released_from_json(std::string_view json);

// -- delivery zones (stream `delivery/<zone>`) ---------------------------------------------------

inline constexpr std::string_view kDeliveryStreamPrefix = "delivery/";
[[nodiscard]] std::string delivery_stream(const ZoneId& zone);

// The zone was created or its prices changed (PUT /api/delivery/zones/{zone}). Distances are in
// metres, so a fee is computed in integers: base + round-half-up(per_km × metres / 1000).
struct DeliveryZoneDefined {
  static constexpr std::string_view kType = "DeliveryZoneDefined";
  ZoneId zone;
  std::string currency;
  std::int64_t base_in_cents = 0;
  std::int64_t per_km_in_cents = 0;
  std::optional<std::int64_t> free_over_in_cents;  // none: never free
  std::optional<std::int64_t> max_m;               // none: any distance
  friend bool operator==(const DeliveryZoneDefined&, const DeliveryZoneDefined&) = default;
};

[[nodiscard]] std::string to_json(const DeliveryZoneDefined& e);
[[nodiscard]] Result<DeliveryZoneDefined> delivery_zone_defined_from_json(std::string_view json);

}  // namespace bitacora::events
