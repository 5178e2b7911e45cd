#include "events/coupon_events.hpp"

#include "events/enum_names.hpp"
#include "events/json_fields.hpp"

namespace bitacora::events {
namespace {

constexpr EnumNames<DiscountKind, 2> kDiscountKinds{{"percent", "fixed"}};

}  // namespace

std::string coupon_stream(const CouponCode& code) { return std::string(kCouponStreamPrefix) + code.value(); }
std::string delivery_stream(const ZoneId& zone) { return std::string(kDeliveryStreamPrefix) + zone.value(); }

std::string_view to_string(DiscountKind kind) noexcept { return kDiscountKinds(kind); }
bool parse(std::string_view text, DiscountKind& out) noexcept { return kDiscountKinds.parse(text, out); }

void fields(auto& io, Is<CouponDefined> auto& e) {
  io("code", e.code);
  io("kind", e.kind);
  io("value", e.value);
  io("currency", e.currency);
  io.time("valid_from", e.valid_from);
  io.time("valid_until", e.valid_until);
  io("max_uses", e.max_uses);
  io("max_uses_per_user", e.max_uses_per_user);
  io("min_subtotal_in_cents", e.min_subtotal_in_cents);
  io("skus", e.skus);
  io("active", e.active);
}

void fields(auto& io, Is<CouponUseHeld> auto& e) {
  io("order_reference", e.order_reference);
  io("user", e.user);
}

void fields(auto& io, Is<CouponUseConfirmed> auto& e) { io("order_reference", e.order_reference); }

void fields(auto& io, Is<CouponUseReleased> auto& e) {
  io("order_reference", e.order_reference);
  io("reason", e.reason);
}

void fields(auto& io, Is<DeliveryZoneDefined> auto& e) {
  io("zone", e.zone);
  io("currency", e.currency);
  io("base_in_cents", e.base_in_cents);
  io("per_km_in_cents", e.per_km_in_cents);
  io("free_over_in_cents", e.free_over_in_cents);
  io("max_m", e.max_m);
}

std::string to_json(const CouponDefined& e) { return json::write(e); }
std::string to_json(const CouponUseHeld& e) { return json::write(e); }
std::string to_json(const CouponUseConfirmed& e) { return json::write(e); }
std::string to_json(const CouponUseReleased& e) { return json::write(e); }
std::string to_json(const DeliveryZoneDefined& e) { return json::write(e); }

Result<CouponDefined> coupon_defined_from_json(std::string_view j) { return json::read<CouponDefined>(j); }
Result<CouponUseHeld> coupon_use_held_from_json(std::string_view j) { return json::read<CouponUseHeld>(j); }
Result<CouponUseConfirmed> coupon_use_confirmed_from_json(std::string_view j) { return json::read<CouponUseConfirmed>(j); }
Result<CouponUseReleased> coupon_use_released_from_json(std::string_view j) { return json::read<CouponUseReleased>(j); }
Result<DeliveryZoneDefined> delivery_zone_defined_from_json(std::string_view j) { return json::read<DeliveryZoneDefined>(j); }

}  // namespace bitacora::events
