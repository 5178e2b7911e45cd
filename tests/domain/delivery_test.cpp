// Delivery zones (domain/delivery.hpp): definitions and the fee arithmetic, as tables.
#include <catch2/catch.hpp>

#include "domain/delivery.hpp"
#include "tests/domain/decide_helpers.hpp"

using namespace bitacora;
using namespace bitacora::domain;
using domain::testing::accept;
using domain::testing::refuse;

namespace {

DeliveryZoneState zone(std::int64_t base, std::int64_t per_km, std::optional<std::int64_t> free_over = std::nullopt,
                       std::optional<std::int64_t> max_m = std::nullopt) {
  DeliveryZoneState z;
  z.zone = ZoneId("bogota");
  accept(z, DeliveryCommand{DefineDeliveryZone{events::DeliveryZoneDefined{{}, "COP", base, per_km, free_over, max_m}}});
  return z;
}

}  // namespace

TEST_CASE("delivery fee = base + round-half-up(per_km x km), or 0 over the free threshold", "[domain][delivery]") {
  struct Row {
    const char* name;
    DeliveryZoneState zone;
    std::int64_t metres;
    std::int64_t net;
    std::int64_t fee;
  };
  const std::vector<Row> rows{
      {"pickup distance 0", zone(5000, 1200), 0, 10'000, 5000},
      {"whole km", zone(5000, 1200), 3000, 10'000, 5000 + 3600},
      {"2.5 km", zone(0, 1000), 2500, 10'000, 2500},
      {"half a cent rounds up", zone(0, 1), 500, 10'000, 1},
      {"just under half rounds down", zone(0, 1), 499, 10'000, 0},
      {"1.234 km at 999/km", zone(100, 999), 1234, 10'000, 100 + 1233},  // 1232.766 → 1233
      {"free over: net reaches it", zone(5000, 1200, 10'000), 3000, 10'000, 0},
      {"free over: net one cent short", zone(5000, 1200, 10'000), 3000, 9'999, 8600},
      {"at max distance", zone(0, 100, std::nullopt, 10'000), 10'000, 1, 1000},
      {"the longest distance at the highest price", zone(kMaxDeliveryCents, kMaxDeliveryCents), kMaxDeliveryMetres, 0,
       kMaxDeliveryCents + kMaxDeliveryCents * 20'000},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    auto fee = delivery_fee(row.zone, row.metres, "COP", row.net);
    REQUIRE(std::holds_alternative<std::int64_t>(fee));
    CHECK(std::get<std::int64_t>(fee) == row.fee);
  }
}

TEST_CASE("delivery is refused with its reason", "[domain][delivery]") {
  struct Row {
    const char* reason;
    DeliveryZoneState zone;
    std::int64_t metres;
    std::string currency = "COP";
  };
  const std::vector<Row> rows{
      {"unknown_zone", DeliveryZoneState{}, 1000},
      {"currency", zone(100, 100), 1000, "USD"},
      {"too_far", zone(100, 100, std::nullopt, 5000), 5001},
      {"invalid_distance", zone(100, 100), -1},
      {"invalid_distance", zone(100, 100), kMaxDeliveryMetres + 1},
  };
  for (const auto& row : rows) {
    INFO(row.reason);
    auto fee = delivery_fee(row.zone, row.metres, row.currency, 0);
    REQUIRE(std::holds_alternative<DeliveryRefusal>(fee));
    CHECK(to_string(std::get<DeliveryRefusal>(fee)) == row.reason);
    CHECK(delivery_unavailable(std::get<DeliveryRefusal>(fee)).reason == row.reason);
  }
}

TEST_CASE("a zone definition is refused with the field at fault", "[domain][delivery]") {
  struct Row {
    const char* field;
    events::DeliveryZoneDefined terms;
  };
  const std::vector<Row> rows{
      {"currency", {{}, "cop", 1, 1, std::nullopt, std::nullopt}},
      {"base_in_cents", {{}, "COP", -1, 1, std::nullopt, std::nullopt}},
      {"per_km_in_cents", {{}, "COP", 1, kMaxDeliveryCents + 1, std::nullopt, std::nullopt}},
      {"free_over_in_cents", {{}, "COP", 1, 1, -5, std::nullopt}},
      {"max_km", {{}, "COP", 1, 1, std::nullopt, kMaxDeliveryMetres + 1}},
  };
  for (const auto& row : rows) {
    INFO(row.field);
    DeliveryZoneState z;
    z.zone = ZoneId("z");
    auto e = refuse(z, DeliveryCommand{DefineDeliveryZone{row.terms}});
    CHECK(e.code == DomainErrc::invalid_argument);
    CHECK(e.field == row.field);
  }
  auto z = zone(100, 100);
  CHECK(z.terms.zone == ZoneId("bogota"));
  CHECK(events_of(decide(z, DeliveryCommand{DefineDeliveryZone{z.terms}}))->empty());
}
