#include <catch2/catch.hpp>

#include "tests/domain/decide_helpers.hpp"

#include <limits>

#include "domain/product.hpp"

using namespace bitacora;
using namespace bitacora::domain;

using bitacora::domain::testing::refuse;

namespace {

const OrderRef kOrder{"ORD-1"};

// Decides and applies, as the product actor does; fails the test on a refusal, an event that does
// not fit the state it follows (what audit checks), or a broken invariant.
std::vector<ProductEvent> accept(ProductState& s, const ProductCommand& c) {
  auto before = s;
  auto evs = bitacora::domain::testing::accept(s, c);
  for (const auto& e : evs) {
    CHECK(misfit(before, e) == std::nullopt);
    before = apply(std::move(before), e);
  }
  REQUIRE(invariants_hold(s));
  return evs;
}

ProductState product_with(std::int64_t stock) {
  ProductState s{.sku = Sku{"sku-1"}};
  accept(s, DefineProduct{"Mug", 1500, "COP", stock});
  return s;
}

}  // namespace

TEST_CASE("defining a new product records its catalog entry and sets its stock", "[domain][product]") {
  ProductState s{.sku = Sku{"sku-1"}};
  auto evs = accept(s, DefineProduct{"Mug", 1500, "COP", 10});
  REQUIRE(evs.size() == 2);
  auto defined = std::get<events::ProductDefined>(evs[0]);
  CHECK(defined.sku == Sku{"sku-1"});
  CHECK(defined.price_in_cents == 1500);
  auto adjusted = std::get<events::StockAdjusted>(evs[1]);
  CHECK(adjusted.delta == 10);
  CHECK(adjusted.reason == "set");
  CHECK(adjusted.on_hand_after == 10);
  CHECK(s.defined);
  CHECK(s.on_hand == 10);
  CHECK(s.available() == 10);
  CHECK(s.version == 2);
}

TEST_CASE("redefining a product records only what changed", "[domain][product]") {
  auto s = product_with(10);
  CHECK(accept(s, DefineProduct{"Mug", 1500, "COP", 10}).empty());
  CHECK(s.version == 2);

  auto evs = accept(s, DefineProduct{"Mug", 1500, "COP", 7});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::StockAdjusted>(evs[0]).delta == -3);
  CHECK(s.on_hand == 7);

  evs = accept(s, DefineProduct{"Big mug", 1800, "COP", 7});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::ProductDefined>(evs[0]).name == "Big mug");
  CHECK(s.price_in_cents == 1800);
  CHECK(s.version == 4);
}

TEST_CASE("a definition with a bad name, price, currency or stock is refused", "[domain][product]") {
  ProductState s{.sku = Sku{"sku-1"}};
  CHECK(refuse(s, DefineProduct{"", 1, "COP", 1}).code == DomainErrc::invalid_argument);
  CHECK(refuse(s, DefineProduct{"Mug", -1, "COP", 1}).code == DomainErrc::invalid_argument);
  CHECK(refuse(s, DefineProduct{"Mug", 1, "cop", 1}).code == DomainErrc::invalid_argument);
  CHECK(refuse(s, DefineProduct{"Mug", 1, "COPS", 1}).code == DomainErrc::invalid_argument);
  CHECK(refuse(s, DefineProduct{"Mug", 1, "COP", -1}).code == DomainErrc::invalid_quantity);
}

TEST_CASE("setting stock below what is reserved is refused with the reserved quantity", "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  auto e = refuse(s, DefineProduct{"Mug", 1500, "COP", 3});
  CHECK(e.code == DomainErrc::stock_below_reserved);
  CHECK(e.reserved == 4);
  CHECK(e.sku == Sku{"sku-1"});
  CHECK(accept(s, DefineProduct{"Mug", 1500, "COP", 4}).size() == 1);
}

TEST_CASE("an adjustment moves on-hand stock and records the result", "[domain][product]") {
  auto s = product_with(10);
  auto evs = accept(s, AdjustStock{-3, "damaged"});
  REQUIRE(evs.size() == 1);
  auto adjusted = std::get<events::StockAdjusted>(evs[0]);
  CHECK(adjusted.reason == "damaged");
  CHECK(adjusted.on_hand_after == 7);
  CHECK(s.on_hand == 7);
  CHECK(s.version == 3);
}

TEST_CASE("an adjustment that would drop on-hand below what is reserved or below zero is refused",
          "[domain][product]") {
  auto s = product_with(5);
  CHECK(refuse(s, AdjustStock{-6, "lost"}).code == DomainErrc::stock_below_reserved);
  accept(s, ReserveStock{kOrder, 3});
  auto e = refuse(s, AdjustStock{-3, "lost"});
  CHECK(e.code == DomainErrc::stock_below_reserved);
  CHECK(e.reserved == 3);
  CHECK(e.on_hand == 2);
  CHECK(accept(s, AdjustStock{-2, "lost"}).size() == 1);
  CHECK(s.available() == 0);
}

TEST_CASE("an adjustment of zero, or of an undefined product, is refused", "[domain][product]") {
  auto s = product_with(5);
  CHECK(refuse(s, AdjustStock{0, "nothing"}).code == DomainErrc::invalid_quantity);
  CHECK(refuse(s, AdjustStock{std::numeric_limits<std::int64_t>::max(), "overflow"}).code == DomainErrc::invalid_quantity);
  auto e = refuse(ProductState{.sku = Sku{"ghost"}}, AdjustStock{1, "found"});
  CHECK(e.code == DomainErrc::unknown_sku);
  CHECK(e.sku == Sku{"ghost"});
}

TEST_CASE("a reservation sets units aside without touching on-hand", "[domain][product]") {
  auto s = product_with(10);
  auto evs = accept(s, ReserveStock{kOrder, 4});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::StockReserved>(evs[0]).quantity == 4);
  CHECK(s.on_hand == 10);
  CHECK(s.reserved == 4);
  CHECK(s.available() == 6);
  CHECK(s.reservations.at(kOrder) == 4);
}

TEST_CASE("a reservation larger than what is available is refused with the available quantity",
          "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{OrderRef{"ORD-0"}, 7});
  auto e = refuse(s, ReserveStock{kOrder, 4});
  CHECK(e.code == DomainErrc::insufficient_stock);
  CHECK(e.sku == Sku{"sku-1"});
  CHECK(e.requested == 4);
  CHECK(e.available == 3);
  REQUIRE(e.shortages.size() == 1);
  CHECK(e.shortages[0].available == 3);
  CHECK(accept(s, ReserveStock{kOrder, 3}).size() == 1);
}

TEST_CASE("a reservation of nothing, or on an undefined product, is refused", "[domain][product]") {
  auto s = product_with(10);
  CHECK(refuse(s, ReserveStock{kOrder, 0}).code == DomainErrc::invalid_quantity);
  CHECK(refuse(s, ReserveStock{OrderRef{""}, 1}).code == DomainErrc::invalid_argument);
  CHECK(refuse(ProductState{.sku = Sku{"ghost"}}, ReserveStock{kOrder, 1}).code == DomainErrc::unknown_sku);
}

TEST_CASE("an order that already holds a reservation reserves nothing more", "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  CHECK(accept(s, ReserveStock{kOrder, 4}).empty());
  CHECK(accept(s, ReserveStock{kOrder, 9}).empty());
  CHECK(s.reserved == 4);
  CHECK(s.version == 3);
}

TEST_CASE("releasing gives back exactly what the order held, once", "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  auto evs = accept(s, ReleaseReservation{kOrder, events::ReleaseReason::expired});
  REQUIRE(evs.size() == 1);
  auto released = std::get<events::ReservationReleased>(evs[0]);
  CHECK(released.quantity == 4);
  CHECK(released.reason == events::ReleaseReason::expired);
  CHECK(s.reserved == 0);
  CHECK(s.on_hand == 10);
  CHECK(s.reservations.empty());
  CHECK(accept(s, ReleaseReservation{kOrder, events::ReleaseReason::cancelled}).empty());
  CHECK(accept(s, ReleaseReservation{OrderRef{"ORD-never"}, events::ReleaseReason::payment_failed}).empty());
  CHECK(s.version == 4);
}

TEST_CASE("confirming takes the order's units off the shelf, once", "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  auto evs = accept(s, ConfirmReservation{kOrder});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::ReservationConfirmed>(evs[0]).quantity == 4);
  CHECK(s.on_hand == 6);
  CHECK(s.reserved == 0);
  CHECK(s.available() == 6);
  CHECK(accept(s, ConfirmReservation{kOrder}).empty());
  CHECK(accept(s, ReleaseReservation{kOrder, events::ReleaseReason::cancelled}).empty());
  CHECK(s.version == 4);
}

TEST_CASE("an order whose reservation was released can reserve again", "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  accept(s, ReleaseReservation{kOrder, events::ReleaseReason::expired});
  CHECK(accept(s, ReserveStock{kOrder, 4}).size() == 1);
  CHECK(s.reserved == 4);
}

TEST_CASE("every product event applied bumps the version by exactly one", "[domain][product]") {
  auto s = product_with(10);
  for (const ProductCommand& c : std::vector<ProductCommand>{
           AdjustStock{1, "found"}, ReserveStock{kOrder, 2}, ConfirmReservation{kOrder},
           ReserveStock{OrderRef{"ORD-2"}, 1}, ReleaseReservation{OrderRef{"ORD-2"}, events::ReleaseReason::cancelled}}) {
    auto before = s.version;
    auto evs = accept(s, c);
    CHECK(s.version == before + evs.size());
    CHECK(evs.size() == 1);
  }
}

TEST_CASE("a product's events survive their stored form and rebuild the same state", "[domain][product]") {
  ProductState s{.sku = Sku{"sku-1"}};
  std::vector<ProductEvent> log;
  for (const ProductCommand& c : std::vector<ProductCommand>{DefineProduct{"Mug", 1500, "COP", 10},
                                                             ReserveStock{kOrder, 3}, ConfirmReservation{kOrder}})
    for (auto& e : accept(s, c)) log.push_back(e);

  ProductState rebuilt{.sku = Sku{"sku-1"}};
  for (const auto& e : log) {
    auto back = decode_product_event(type_of(e), to_json(e));
    REQUIRE(back.ok());
    rebuilt = apply(std::move(rebuilt), *back);
  }
  CHECK(rebuilt.on_hand == 7);
  CHECK(rebuilt.reserved == 0);
  CHECK(rebuilt.name == "Mug");
  CHECK(rebuilt.version == s.version);
  CHECK(decode_product_event("OrderPlaced", "{}").error().code == Errc::data_loss);
}

TEST_CASE("an event that cannot follow the state is named: a bad reservation, or a release or confirmation of other than what is held",
          "[domain][product]") {
  auto s = product_with(10);
  accept(s, ReserveStock{kOrder, 4});
  const OrderRef other{"ORD-2"};
  CHECK(misfit(s, events::StockReserved{other, 2}) == std::nullopt);
  CHECK(misfit(s, events::StockReserved{other, 0}) == "reserves 0 units");
  CHECK(misfit(s, events::StockReserved{kOrder, 1}) == "reserves for order ORD-1, which already holds 4");
  CHECK(misfit(s, events::ReservationReleased{kOrder, 4, events::ReleaseReason::expired}) == std::nullopt);
  CHECK(misfit(s, events::ReservationReleased{kOrder, 3, events::ReleaseReason::expired}) ==
        "releases 3 units of order ORD-1, which holds 4");
  CHECK(misfit(s, events::ReservationConfirmed{other, 0}) == "confirms 0 units of order ORD-2, which holds 0");
  CHECK(misfit(s, events::ReservationConfirmed{kOrder, 4}) == std::nullopt);
  CHECK(misfit(s, events::StockAdjusted{-100, "set", -90}) == std::nullopt);  // the stock checks come after the fold
}
