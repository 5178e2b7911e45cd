// The delivery zone aggregate: one zone's prices (stream `delivery/<zone>`), and the fee of a
// delivery in it. decide(state, command) → the events to append, or a DomainError;
// apply(state, event) → state. Distances are whole metres; money is whole cents.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/errors.hpp"
#include "events/coupon_events.hpp"
#include "events/ids.hpp"
#include "support/result.hpp"

namespace bitacora::domain {

// The longest delivery bitacora prices: 20,000 km, in metres. Keeps per_km × metres in range.
inline constexpr std::int64_t kMaxDeliveryMetres = 20'000'000;
inline constexpr std::int64_t kMaxDeliveryCents = 10'000'000'000;  // a base, a per-km price, a threshold

struct DeliveryZoneState {
  ZoneId zone{};  // set by whoever creates the state (the actor, from its key)
  bool defined = false;
  events::DeliveryZoneDefined terms{};
  std::uint64_t version = 0;
};

// PUT /api/delivery/zones/{zone}. Emits DeliveryZoneDefined when new or changed. Refused
// (invalid_argument, `field` named): currency not three upper-case letters; a price below 0 or
// above kMaxDeliveryCents; max_m below 0 or above kMaxDeliveryMetres.
struct DefineDeliveryZone {
  events::DeliveryZoneDefined terms{};
};

using DeliveryCommand = std::variant<DefineDeliveryZone>;
using DeliveryEvent = std::variant<events::DeliveryZoneDefined>;

[[nodiscard]] Decision<DeliveryEvent> decide(const DeliveryZoneState& state, const DeliveryCommand& command);
[[nodiscard]] DeliveryZoneState apply(DeliveryZoneState state, DeliveryEvent event);
void apply_in_place(DeliveryZoneState& state, DeliveryEvent event);

// Kilometres as the API takes them (a JSON number) in whole metres, rounded; nothing when not
// 0 to kMaxDeliveryMetres.
[[nodiscard]] std::optional<std::int64_t> metres_from_km(double km);

// A checkout's delivery: where, and how far.
struct DeliveryChoice {
  ZoneId zone{};
  std::int64_t distance_m = 0;
};

// Why a delivery cannot be made: the API's `reason` words.
enum class DeliveryRefusal { unknown_zone, currency, too_far, invalid_distance };
[[nodiscard]] std::string_view to_string(DeliveryRefusal r) noexcept;
[[nodiscard]] DomainError delivery_unavailable(DeliveryRefusal r);

// The fee of delivering `distance_m` in `zone` an order in `currency` whose subtotal less its
// discount is `net_in_cents`: base + round-half-up(per_km × distance_m / 1000), or 0 when the zone
// is free over a threshold the net reaches. Refused: the zone is not defined (unknown_zone), prices
// another currency (currency), or the distance is past its max (too_far) or outside 0 to
// kMaxDeliveryMetres (invalid_distance).
[[nodiscard]] std::variant<std::int64_t, DeliveryRefusal> delivery_fee(const DeliveryZoneState& zone, std::int64_t distance_m,
                                                                       std::string_view currency, std::int64_t net_in_cents);

[[nodiscard]] std::string_view type_of(const DeliveryEvent& event);
[[nodiscard]] std::string to_json(const DeliveryEvent& event);
[[nodiscard]] Result<DeliveryEvent> decode_delivery_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
