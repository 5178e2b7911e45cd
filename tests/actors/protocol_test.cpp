// Every message of the aggregate protocol (actors/protocol.hpp) crosses CAF's binary serializer
// as a whole message — the way the middleman sends it to another node — and comes back equal.
#include <catch2/catch.hpp>

#include "actors/traits.hpp"

using namespace bitacora;
using namespace bitacora::actors;

namespace {

struct System {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  System() {
    add_aggregate_messages(cfg);
    system = std::make_unique<caf::actor_system>(cfg);
  }
};

// Serializes `value` inside a caf::message (as the middleman would: by its registered name) and
// reads it back.
template <class T>
T round_trip(caf::actor_system& sys, const T& value) {
  auto msg = caf::make_message(value);
  std::vector<char> bytes;
  caf::binary_serializer out{sys, bytes};
  REQUIRE_FALSE(out(msg));
  caf::message back;
  caf::binary_deserializer in{sys, bytes};
  REQUIRE_FALSE(in(back));
  REQUIRE(back.match_elements<T>());
  return back.get_as<T>(0);
}

template <class T>
std::string bytes_of(caf::actor_system& sys, const T& value) {
  std::vector<char> bytes;
  caf::binary_serializer out{sys, bytes};
  auto copy = value;
  REQUIRE_FALSE(out(copy));
  return {bytes.begin(), bytes.end()};
}

// Equal when they serialize to the same bytes (the structs have no operator==).
template <class T>
void check_round_trip(caf::actor_system& sys, const T& value) {
  const auto back = round_trip(sys, value);
  CHECK(bytes_of(sys, back) == bytes_of(sys, value));
  CHECK_FALSE(caf::to_string(caf::make_message(value)).empty());
}

domain::ProductState product_slice() {
  domain::ProductState p;
  p.sku = Sku("mug");
  p.name = "Mug \"blue\" ñ";
  p.price_in_cents = 1500;
  p.currency = "COP";
  p.on_hand = 10;
  p.reserved = 3;
  p.defined = true;
  p.version = 7;
  p.reservations.emplace(OrderRef("ORD-1"), 3);
  return p;
}

domain::OrderState order() {
  domain::OrderState o;
  o.reference = OrderRef("ORD-1");
  o.user = UserId("ana");
  o.lines = {events::OrderLine{Sku("mug"), 3, 1500}};
  o.amount_in_cents = 4500;
  o.currency = "COP";
  o.gateway = "wompi";
  o.placed = true;
  o.expires_at = 123'456;
  o.payment = domain::OrderPayment{"wompi", "tx-1", "APPROVED"};
  o.applied_payments = {"wompi:tx-1:approved"};
  o.status = domain::OrderStatus::paid;
  o.version = 2;
  return o;
}

}  // namespace

TEST_CASE("every aggregate message survives the binary serializer by its registered name", "[actors][protocol]") {
  System s;
  auto& sys = *s.system;

  check_round_trip(sys, Get<ProductTraits>{"mug", 7, 9});
  check_round_trip(sys, Command<ProductTraits>{"mug", 1, domain::DefineProduct{"Mug", 1500, "COP", 10}});
  check_round_trip(sys, Command<ProductTraits>{"mug", 2, domain::AdjustStock{-2, "broken"}});
  check_round_trip(sys, Command<ProductTraits>{"mug", 2, domain::AdjustStock{-2, "broken"}, 4});  // with If-Match
  check_round_trip(sys, Command<ProductTraits>{"mug", 3, domain::ReleaseReservation{OrderRef("ORD-1"), events::ReleaseReason::cancelled}});
  check_round_trip(sys, Hold<ProductTraits>{"mug", 4, 5, HoldMode::shared, OrderRef("ORD-1"), 1'000});
  check_round_trip(sys, Commit<ProductTraits>{5,
                                              {{events::StockReserved{OrderRef("ORD-1"), 3},
                                                events::ReservationConfirmed{OrderRef("ORD-1"), 3},
                                                events::StockAdjusted{-1, "count", 6}}},
                                              12});
  check_round_trip(sys, Release<ProductTraits>{5});
  check_round_trip(sys, Retire<ProductTraits>{42});
  check_round_trip(sys, Leave<ProductTraits>{});
  check_round_trip(sys, Got<ProductTraits>{7, ProductView{Sku("mug"), "Mug", 1500, "COP", 10, 3, true, 12}, 7, std::nullopt});
  check_round_trip(sys, Got<ProductTraits>{8, {}, 0, Error{Errc::data_loss, "product/mug v3: bad"}});
  check_round_trip(sys, Decided<ProductTraits>{1, domain::insufficient_stock({{Sku("mug"), 4, 3}})});
  check_round_trip(sys, Decided<ProductTraits>{1, Error{Errc::unavailable, "the log is shutting down"}});
  check_round_trip(sys, Held<ProductTraits>{4, 5, {product_slice()}, 7, std::nullopt});

  domain::CartState cart;
  cart.user = UserId("ana");
  cart.lines = {{Sku("mug"), 2}, {Sku("cup"), 1}};
  cart.version = 4;
  domain::SetCartQuantities set{{{Sku("mug"), 2}}, 3, {{Sku("mug"), domain::StockInfo{true, 9}}}};
  check_round_trip(sys, Command<CartTraits>{"ana", 1, set});
  check_round_trip(sys, Command<CartTraits>{"ana", 1, domain::SetCartQuantities{{}, std::nullopt, {}}});
  check_round_trip(sys, Command<CartTraits>{"ana", 2, domain::AddCartItem{Sku("cup"), 1, {false, 0}}});
  check_round_trip(sys, Decided<CartTraits>{2, Snap<domain::CartState>{cart}});
  check_round_trip(sys, Held<CartTraits>{3, 4, {cart}, 4, std::nullopt});
  check_round_trip(sys, Commit<CartTraits>{4, {{events::CartCleared{"order_paid"}}}, 5});

  check_round_trip(sys, Got<OrderTraits>{1, {order()}, 2, std::nullopt});
  check_round_trip(sys, Held<OrderTraits>{1, 2, {order()}, 2, std::nullopt});
  check_round_trip(sys, Durable<OrderTraits>{std::nullopt, storage::AppendOutcome{false, 10, 12, 3, {{"order/ORD-1", 3}}}});
  check_round_trip(sys, LeaseDue<OrderTraits>{});

  // Coupons, delivery zones, and the cart's coupon commands.
  check_round_trip(sys, Command<CartTraits>{"ana", 3, domain::AttachCoupon{CouponCode("SAVE10")}});
  check_round_trip(sys, Command<CartTraits>{"ana", 4, domain::RemoveCoupon{}});
  events::CouponDefined terms;
  terms.code = CouponCode("SAVE10");
  terms.kind = events::DiscountKind::fixed;
  terms.value = 500;
  terms.currency = "COP";
  terms.valid_until = 1'800'000'000'000'000;
  terms.max_uses = 100;
  terms.skus = std::vector<Sku>{Sku("mug")};
  check_round_trip(sys, Command<CouponTraits>{"SAVE10", 1, domain::DefineCoupon{terms}});
  check_round_trip(sys, Command<CouponTraits>{"SAVE10", 2, domain::HoldCouponUse{OrderRef("ORD-1"), UserId("ana")}});
  check_round_trip(sys, Command<CouponTraits>{"SAVE10", 3, domain::ReleaseCouponUse{OrderRef("ORD-1"), events::ReleaseReason::expired}});
  check_round_trip(sys, Hold<CouponTraits>{"SAVE10", 4, 5, HoldMode::shared, OrderRef("ORD-1"), 0, UserId("ana")});
  domain::CouponState coupon;
  coupon.code = CouponCode("SAVE10");
  coupon.defined = true;
  coupon.terms = terms;
  coupon.held = 1;
  coupon.holds.emplace(OrderRef("ORD-1"), UserId("ana"));
  coupon.uses_by_user.emplace(UserId("ana"), 1);
  coupon.version = 2;
  check_round_trip(sys, Held<CouponTraits>{4, 5, {coupon}, 2, std::nullopt});
  check_round_trip(sys, Got<CouponTraits>{6, view_of(coupon), 2, std::nullopt});
  check_round_trip(sys, Commit<CouponTraits>{5, {{events::CouponUseHeld{OrderRef("ORD-1"), UserId("ana")},
                                                  events::CouponUseConfirmed{OrderRef("ORD-1")}}}, 3});
  check_round_trip(sys, Decided<CouponTraits>{7, domain::coupon_invalid(domain::CouponRefusal::exhausted)});
  domain::DeliveryZoneState zone;
  zone.zone = ZoneId("north");
  zone.defined = true;
  zone.terms = events::DeliveryZoneDefined{ZoneId("north"), "COP", 500, 100, 100'000, 20'000};
  zone.version = 1;
  check_round_trip(sys, Command<DeliveryTraits>{"north", 1, domain::DefineDeliveryZone{zone.terms}});
  check_round_trip(sys, Got<DeliveryTraits>{2, {zone}, 1, std::nullopt});
}

TEST_CASE("decoded messages carry their values, not just their bytes", "[actors][protocol]") {
  System s;
  auto& sys = *s.system;
  const auto held = round_trip(sys, Held<ProductTraits>{4, 5, {product_slice()}, 7, std::nullopt});
  CHECK(held.slice.value.reservations.at(OrderRef("ORD-1")) == 3);
  CHECK(held.slice.value.name == "Mug \"blue\" ñ");
  CHECK(held.slice.value.available() == 7);
  CHECK_FALSE(held.error);

  const auto commit = round_trip(sys, Commit<ProductTraits>{5, {{events::StockAdjusted{-1, "count", 6}}}, 12});
  REQUIRE(commit.events.items.size() == 1);
  CHECK(std::get<events::StockAdjusted>(commit.events.items[0]).on_hand_after == 6);

  const auto decided = round_trip(sys, Decided<ProductTraits>{1, domain::insufficient_stock({{Sku("mug"), 4, 3}})});
  const auto& refused = std::get<domain::DomainError>(decided.outcome);
  CHECK(refused.code == domain::DomainErrc::insufficient_stock);
  REQUIRE(refused.shortages.size() == 1);
  CHECK(refused.shortages[0].available == 3);

  const auto set = round_trip(sys, Command<CartTraits>{"ana", 1, domain::SetCartQuantities{{{Sku("mug"), 2}}, 3, {}}});
  CHECK(std::get<domain::SetCartQuantities>(set.command).expected_version == 3u);
}

TEST_CASE("a message whose stored events do not decode is refused, not delivered half-made", "[actors][protocol]") {
  System s;
  auto& sys = *s.system;
  // The wire form of Events is (type, JSON) pairs: write one with a JSON the codec refuses.
  std::vector<char> bytes;
  caf::binary_serializer out{sys, bytes};
  std::vector<std::pair<std::string, std::string>> stored{{"StockReserved", "{not json"}};
  REQUIRE_FALSE(out(stored));
  Events<ProductTraits> events;
  caf::binary_deserializer in{sys, bytes};
  CHECK(in(events));  // an error
}
