#include <catch2/catch.hpp>

#include "tests/domain/decide_helpers.hpp"

#include <limits>

#include "domain/order.hpp"

using namespace bitacora;
using namespace bitacora::domain;

using bitacora::domain::testing::accept;
using bitacora::domain::testing::refuse;

namespace {

const OrderRef kRef{"ORD-1"};
constexpr Micros kExpiresAt = 1'000'000'000;

PlaceOrder place(std::vector<PricedLine> lines) {
  return PlaceOrder{kRef, UserId{"u1"}, std::move(lines), "wompi", kExpiresAt, "key-1"};
}

PlaceOrder two_mugs_and_a_cup() {
  return place({{Sku{"mug"}, 2, 1500, "COP"}, {Sku{"cup"}, 1, 700, "COP"}});
}

OrderState placed_order() {
  OrderState s{.reference = kRef};
  accept(s, two_mugs_and_a_cup());
  return s;
}

// An order in `status`, reached by folding a (test-made) history; payment events come later.
OrderState order_in(OrderStatus status) {
  auto s = placed_order();
  s.status = status;
  return s;
}

}  // namespace

TEST_CASE("order statuses have the API's names and parse back", "[domain][order]") {
  for (auto status : {OrderStatus::pending_payment, OrderStatus::paid, OrderStatus::payment_failed,
                      OrderStatus::expired, OrderStatus::cancelled, OrderStatus::needs_attention,
                      OrderStatus::refunded}) {
    OrderStatus back = OrderStatus::paid;
    REQUIRE(parse(to_string(status), back));
    CHECK(back == status);
  }
  CHECK(to_string(OrderStatus::pending_payment) == "pending_payment");
  OrderStatus out{};
  CHECK_FALSE(parse("PAID", out));
}

TEST_CASE("placing an order prices its lines and waits for payment", "[domain][order]") {
  OrderState s{.reference = kRef};
  auto evs = accept(s, two_mugs_and_a_cup());
  REQUIRE(evs.size() == 1);
  const auto& placed = std::get<events::OrderPlaced>(evs[0]);
  CHECK(placed.amount_in_cents == 2 * 1500 + 700);
  CHECK(placed.currency == "COP");
  CHECK(placed.idempotency_key == "key-1");
  CHECK(s.placed);
  CHECK(s.status == OrderStatus::pending_payment);
  CHECK(s.user == UserId{"u1"});
  CHECK(s.amount_in_cents == 3700);
  CHECK(s.expires_at == kExpiresAt);
  CHECK(s.version == 1);
}

TEST_CASE("placing an already placed order appends nothing", "[domain][order]") {
  auto s = placed_order();
  CHECK(accept(s, place({{Sku{"other"}, 9, 1, "USD"}})).empty());
  CHECK(s.amount_in_cents == 3700);
  CHECK(s.version == 1);
}

TEST_CASE("an order with no lines is refused as an empty cart", "[domain][order]") {
  CHECK(refuse(OrderState{}, place({})).code == DomainErrc::empty_cart);
}

TEST_CASE("an order mixing currencies is refused", "[domain][order]") {
  auto e = refuse(OrderState{}, place({{Sku{"mug"}, 1, 1500, "COP"}, {Sku{"cup"}, 1, 5, "USD"}}));
  CHECK(e.code == DomainErrc::invalid_argument);
}

TEST_CASE("an order with a bad line or header is refused", "[domain][order]") {
  CHECK(refuse(OrderState{}, place({{Sku{"mug"}, 0, 1500, "COP"}})).code == DomainErrc::invalid_quantity);
  CHECK(refuse(OrderState{}, place({{Sku{"mug"}, 1, -1, "COP"}})).code == DomainErrc::invalid_argument);
  CHECK(refuse(OrderState{}, place({{Sku{"mug"}, 1, 1, "COP"}, {Sku{"mug"}, 1, 1, "COP"}})).code ==
        DomainErrc::invalid_argument);
  constexpr auto kHuge = std::numeric_limits<std::int64_t>::max();
  CHECK(refuse(OrderState{}, place({{Sku{"mug"}, 2, kHuge, "COP"}})).code == DomainErrc::invalid_argument);
  auto other = place({{Sku{"mug"}, 1, 1, "COP"}});
  CHECK(refuse(OrderState{.reference = OrderRef{"ORD-2"}}, other).code == DomainErrc::invalid_argument);
  other.gateway.clear();
  CHECK(refuse(OrderState{}, other).code == DomainErrc::invalid_argument);
}

TEST_CASE("an order expires only when pending and its deadline has passed", "[domain][order]") {
  auto s = placed_order();
  CHECK(accept(s, ExpireOrder{kExpiresAt - 1}).empty());
  auto evs = accept(s, ExpireOrder{kExpiresAt});
  REQUIRE(evs.size() == 1);
  CHECK(std::holds_alternative<events::OrderExpired>(evs[0]));
  CHECK(s.status == OrderStatus::expired);
  CHECK(accept(s, ExpireOrder{kExpiresAt + 1}).empty());
  CHECK(s.version == 2);
}

TEST_CASE("an expiry of a paid, cancelled or never placed order appends nothing", "[domain][order]") {
  for (auto status : {OrderStatus::paid, OrderStatus::cancelled, OrderStatus::payment_failed}) {
    auto s = order_in(status);
    CHECK(accept(s, ExpireOrder{kExpiresAt + 1}).empty());
    CHECK(s.status == status);
  }
  OrderState never{.reference = kRef};
  CHECK(accept(never, ExpireOrder{kExpiresAt + 1}).empty());
}

TEST_CASE("a pending order can be cancelled by its owner or an admin, once", "[domain][order]") {
  auto s = placed_order();
  auto evs = accept(s, CancelOrder{"alice", "note"});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::OrderCancelled>(evs[0]).by == "alice");
  CHECK(std::get<events::OrderCancelled>(evs[0]).note == "note");
  CHECK(s.status == OrderStatus::cancelled);
  CHECK(accept(s, CancelOrder{}).empty());
  CHECK(s.version == 2);
}

TEST_CASE("a cancel or resolve with If-Match is refused unless the order is at that version", "[domain][order]") {
  auto s = placed_order();
  auto stale = refuse(s, CancelOrder{"alice", "", s.version + 1});
  CHECK(stale.code == DomainErrc::version_conflict);
  CHECK(stale.current_version == s.version);
  CHECK(refuse(order_in(OrderStatus::needs_attention), ResolveOrder{events::Resolution::cancel, "alice", "", 99}).code ==
        DomainErrc::version_conflict);
  CHECK(accept(s, CancelOrder{"alice", "", s.version}).size() == 1);
}

TEST_CASE("cancelling a paid order is refused as already paid", "[domain][order]") {
  CHECK(refuse(order_in(OrderStatus::paid), CancelOrder{}).code == DomainErrc::already_paid);
  CHECK(refuse(order_in(OrderStatus::needs_attention), CancelOrder{}).code == DomainErrc::already_paid);
}

TEST_CASE("cancelling an order that no longer waits for payment is refused as not pending", "[domain][order]") {
  for (auto status : {OrderStatus::expired, OrderStatus::payment_failed, OrderStatus::refunded})
    CHECK(refuse(order_in(status), CancelOrder{}).code == DomainErrc::not_pending);
  CHECK(refuse(OrderState{.reference = kRef}, CancelOrder{}).code == DomainErrc::unknown_order);
}

TEST_CASE("the lines an order holds are listed for the coordinator", "[domain][order]") {
  auto lines = lines_of(placed_order());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == std::pair{Sku{"mug"}, std::int64_t{2}});
  CHECK(lines[1] == std::pair{Sku{"cup"}, std::int64_t{1}});
}

TEST_CASE("an order's events survive their stored form and rebuild the same order", "[domain][order]") {
  OrderState s{.reference = kRef};
  std::vector<OrderEvent> log;
  for (const OrderCommand& c : std::vector<OrderCommand>{two_mugs_and_a_cup(), CancelOrder{}})
    for (auto& e : accept(s, c)) log.push_back(e);
  OrderState rebuilt;
  for (const auto& e : log) {
    auto back = decode_order_event(type_of(e), to_json(e));
    REQUIRE(back.ok());
    rebuilt = apply(std::move(rebuilt), *back);
  }
  CHECK(rebuilt.reference == kRef);
  CHECK(rebuilt.status == OrderStatus::cancelled);
  CHECK(rebuilt.lines.size() == 2);
  CHECK(rebuilt.amount_in_cents == 3700);
  CHECK(rebuilt.expires_at == kExpiresAt);
  CHECK(rebuilt.version == 2);
  CHECK(type_of(OrderEvent{events::OrderExpired{}}) == "OrderExpired");
}
