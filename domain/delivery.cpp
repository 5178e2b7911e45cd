#include "domain/delivery.hpp"

#include <cmath>

#include "events/enum_names.hpp"
#include "events/event_variant.hpp"
#include "support/text.hpp"

namespace bitacora::domain {
namespace {

constexpr EnumNames<DeliveryRefusal, 4> kRefusals{{"unknown_zone", "currency", "too_far", "invalid_distance"}};

bool price_in_range(std::int64_t cents) { return cents >= 0 && cents <= kMaxDeliveryCents; }

Decision<DeliveryEvent> handle(const DeliveryZoneState& s, const DefineDeliveryZone& c) {
  auto terms = c.terms;
  terms.zone = s.zone;
  if (!valid_currency(terms.currency)) return invalid_field("currency", "currency must be three upper-case letters");
  if (!price_in_range(terms.base_in_cents)) return invalid_field("base_in_cents", "base_in_cents must be 0 to 10^10");
  if (!price_in_range(terms.per_km_in_cents)) return invalid_field("per_km_in_cents", "per_km_in_cents must be 0 to 10^10");
  if (terms.free_over_in_cents && !price_in_range(*terms.free_over_in_cents))
    return invalid_field("free_over_in_cents", "free_over_in_cents must be 0 to 10^10");
  if (terms.max_m && (*terms.max_m < 0 || *terms.max_m > kMaxDeliveryMetres))
    return invalid_field("max_km", "max_km must be 0 to 20000");
  if (s.defined && s.terms == terms) return {};
  return std::vector<DeliveryEvent>{std::move(terms)};
}

void fold(DeliveryZoneState& s, events::DeliveryZoneDefined&& e) {
  s.defined = true;
  s.terms = std::move(e);
  s.terms.zone = s.zone;
}

}  // namespace

std::optional<std::int64_t> metres_from_km(double km) {
  if (!(km >= 0) || km > static_cast<double>(kMaxDeliveryMetres) / 1000) return std::nullopt;  // NaN fails too
  return std::llround(km * 1000);
}

std::string_view to_string(DeliveryRefusal r) noexcept { return kRefusals(r); }

DomainError delivery_unavailable(DeliveryRefusal r) {
  auto e = refusal(DomainErrc::delivery_unavailable, "delivery is not available: " + std::string(to_string(r)));
  e.reason = std::string(to_string(r));
  return e;
}

Decision<DeliveryEvent> decide(const DeliveryZoneState& state, const DeliveryCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

void apply_in_place(DeliveryZoneState& state, DeliveryEvent event) {
  std::visit([&state](auto& e) { fold(state, std::move(e)); }, event);
  ++state.version;
}

DeliveryZoneState apply(DeliveryZoneState state, DeliveryEvent event) {
  apply_in_place(state, std::move(event));
  return state;
}

std::variant<std::int64_t, DeliveryRefusal> delivery_fee(const DeliveryZoneState& zone, std::int64_t distance_m,
                                                         std::string_view currency, std::int64_t net_in_cents) {
  if (!zone.defined) return DeliveryRefusal::unknown_zone;
  if (zone.terms.currency != currency) return DeliveryRefusal::currency;
  if (distance_m < 0 || distance_m > kMaxDeliveryMetres) return DeliveryRefusal::invalid_distance;
  if (zone.terms.max_m && distance_m > *zone.terms.max_m) return DeliveryRefusal::too_far;
  if (zone.terms.free_over_in_cents && net_in_cents >= *zone.terms.free_over_in_cents) return std::int64_t{0};
  // Both factors are bounded (10^10 × 2×10^7), so the product fits in 128 bits, and the fee in 64.
  const Wide per_km_part = (static_cast<Wide>(zone.terms.per_km_in_cents) * distance_m + 500) / 1000;
  return static_cast<std::int64_t>(zone.terms.base_in_cents + per_km_part);
}

std::string_view type_of(const DeliveryEvent& event) { return events::variant_type(event); }
std::string to_json(const DeliveryEvent& event) { return events::variant_to_json(event); }

Result<DeliveryEvent> decode_delivery_event(std::string_view type, std::string_view json) {
  return events::decode_variant<DeliveryEvent>(type, json, events::delivery_zone_defined_from_json);
}

}  // namespace bitacora::domain
