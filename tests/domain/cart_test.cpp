#include <catch2/catch.hpp>

#include "tests/domain/decide_helpers.hpp"

#include "domain/cart.hpp"

using namespace bitacora;
using namespace bitacora::domain;

using bitacora::domain::testing::accept;
using bitacora::domain::testing::refuse;

namespace {

const Sku kMug{"mug"};
const Sku kCup{"cup"};

StockInfo in_stock(std::int64_t available) { return StockInfo{true, available}; }

SetCartQuantities set(std::map<Sku, std::int64_t> lines, std::optional<std::uint64_t> expected = std::nullopt) {
  SetCartQuantities c{std::move(lines), expected, {}};
  for (const auto& [sku, quantity] : c.lines) c.stock[sku] = in_stock(10);
  return c;
}

}  // namespace

TEST_CASE("adding an item adds to its line", "[domain][cart]") {
  CartState s{.user = UserId{"u1"}};
  auto evs = accept(s, AddCartItem{kMug, 2, in_stock(10)});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::CartItemAdded>(evs[0]).quantity == 2);
  accept(s, AddCartItem{kMug, 3, in_stock(10)});
  CHECK(s.quantity_of(kMug) == 5);
  CHECK(s.version == 2);
}

TEST_CASE("a negative delta takes units out, and reaching zero removes the line", "[domain][cart]") {
  CartState s;
  accept(s, AddCartItem{kMug, 3, in_stock(10)});
  accept(s, AddCartItem{kMug, -1, in_stock(10)});
  CHECK(s.quantity_of(kMug) == 2);
  accept(s, AddCartItem{kMug, -2, in_stock(10)});
  CHECK(s.lines.empty());
  CHECK(s.version == 3);
}

TEST_CASE("taking out more than the line holds is refused as an invalid quantity", "[domain][cart]") {
  CartState s;
  accept(s, AddCartItem{kMug, 1, in_stock(10)});
  auto e = refuse(s, AddCartItem{kMug, -2, in_stock(10)});
  CHECK(e.code == DomainErrc::invalid_quantity);
  CHECK(e.sku == kMug);
  CHECK(refuse(s, AddCartItem{kMug, 0, in_stock(10)}).code == DomainErrc::invalid_quantity);
  CHECK(s.version == 1);
}

TEST_CASE("a cart holds at most 200 lines of at most a million units each, so its total always fits", "[domain][cart]") {
  CartState s;
  const StockInfo plenty{true, 10'000'000};
  CHECK(refuse(s, AddCartItem{kMug, kMaxLineQuantity + 1, plenty}).code == DomainErrc::invalid_quantity);
  accept(s, AddCartItem{kMug, kMaxLineQuantity, plenty});
  CHECK(refuse(s, AddCartItem{kMug, 1, plenty}).code == DomainErrc::invalid_quantity);
  for (std::size_t i = 1; i < kMaxCartLines; ++i) accept(s, AddCartItem{Sku{"sku-" + std::to_string(i)}, 1, plenty});
  REQUIRE(s.lines.size() == kMaxCartLines);
  CHECK(refuse(s, AddCartItem{Sku{"one-more"}, 1, plenty}).code == DomainErrc::invalid_quantity);
  accept(s, AddCartItem{Sku{"sku-1"}, 1, plenty});  // an existing line still grows
  auto swap = set({{Sku{"one-more"}, 1}, {Sku{"sku-1"}, 0}});
  accept(s, swap);  // one line out, one in: still 200
  CHECK(refuse(s, set({{Sku{"another"}, 1}})).code == DomainErrc::invalid_quantity);
  CHECK(refuse(CartState{}, set({{kCup, kMaxLineQuantity + 1}})).code == DomainErrc::invalid_quantity);
}

TEST_CASE("adding an unknown sku is refused naming the sku", "[domain][cart]") {
  auto e = refuse(CartState{}, AddCartItem{Sku{"ghost"}, 1, StockInfo{}});
  CHECK(e.code == DomainErrc::unknown_sku);
  CHECK(e.sku == Sku{"ghost"});
}

TEST_CASE("adding beyond what is available is refused with the available quantity", "[domain][cart]") {
  CartState s;
  accept(s, AddCartItem{kMug, 2, in_stock(3)});
  auto e = refuse(s, AddCartItem{kMug, 2, in_stock(3)});
  CHECK(e.code == DomainErrc::insufficient_stock);
  CHECK(e.sku == kMug);
  CHECK(e.available == 3);
  CHECK(e.requested == 4);
  CHECK(accept(s, AddCartItem{kMug, 1, in_stock(3)}).size() == 1);
}

TEST_CASE("taking units out is allowed even when the line is above what is now available", "[domain][cart]") {
  CartState s;
  accept(s, AddCartItem{kMug, 5, in_stock(5)});
  CHECK(accept(s, AddCartItem{kMug, -1, in_stock(2)}).size() == 1);
  auto lower = set({{kMug, 3}});
  lower.stock[kMug] = in_stock(2);
  CHECK(accept(s, lower).size() == 1);
  CHECK(s.quantity_of(kMug) == 3);
}

TEST_CASE("a bulk update sets absolute quantities in one event and one version", "[domain][cart]") {
  CartState s;
  accept(s, AddCartItem{kMug, 1, in_stock(10)});
  auto evs = accept(s, set({{kMug, 4}, {kCup, 2}}));
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::CartQuantitiesSet>(evs[0]).lines.size() == 2);
  CHECK(s.quantity_of(kMug) == 4);
  CHECK(s.quantity_of(kCup) == 2);
  CHECK(s.version == 2);
}

TEST_CASE("a bulk update to zero removes the line and leaves the others alone", "[domain][cart]") {
  CartState s;
  accept(s, set({{kMug, 4}, {kCup, 2}}));
  accept(s, set({{kMug, 0}}));
  CHECK(s.lines.size() == 1);
  CHECK(s.quantity_of(kCup) == 2);
}

TEST_CASE("a bulk update records only the lines it changes", "[domain][cart]") {
  CartState s;
  accept(s, set({{kMug, 4}}));
  auto evs = accept(s, set({{kMug, 4}, {kCup, 1}}));
  REQUIRE(evs.size() == 1);
  const auto& lines = std::get<events::CartQuantitiesSet>(evs[0]).lines;
  CHECK(lines.size() == 1);
  CHECK(lines.count(kCup) == 1);
}

TEST_CASE("a bulk update that changes nothing appends nothing and keeps the version", "[domain][cart]") {
  CartState s;
  accept(s, set({{kMug, 4}}));
  CHECK(accept(s, set({{kMug, 4}, {kCup, 0}})).empty());
  CHECK(accept(s, set({})).empty());
  CHECK(s.version == 1);
}

TEST_CASE("a bulk update against another version is a conflict naming the current one", "[domain][cart]") {
  CartState s;
  accept(s, set({{kMug, 1}}));
  accept(s, set({{kMug, 2}}));
  auto e = refuse(s, set({{kMug, -1}}, 1));  // the version is checked before anything else
  CHECK(e.code == DomainErrc::version_conflict);
  CHECK(e.current_version == 2);
  CHECK(accept(s, set({{kMug, 3}}, 2)).size() == 1);
  CHECK(s.version == 3);
}

TEST_CASE("a bulk update naming an unknown sku is refused and applies nothing", "[domain][cart]") {
  CartState s;
  auto c = set({{kMug, 1}, {Sku{"ghost"}, 1}});
  c.stock[Sku{"ghost"}] = StockInfo{};
  auto e = refuse(s, c);
  CHECK(e.code == DomainErrc::unknown_sku);
  CHECK(e.sku == Sku{"ghost"});

  auto missing = set({{kMug, 1}});
  missing.stock.clear();
  CHECK(refuse(s, missing).code == DomainErrc::unknown_sku);
}

TEST_CASE("a bulk update above what is available is refused with the available quantity", "[domain][cart]") {
  auto c = set({{kMug, 4}, {kCup, 1}});
  c.stock[kMug] = in_stock(3);
  auto e = refuse(CartState{}, c);
  CHECK(e.code == DomainErrc::insufficient_stock);
  CHECK(e.sku == kMug);
  CHECK(e.available == 3);
}

TEST_CASE("a bulk update with a negative quantity is refused", "[domain][cart]") {
  CHECK(refuse(CartState{}, set({{kMug, -1}})).code == DomainErrc::invalid_quantity);
}

TEST_CASE("clearing a cart removes every line, and clearing an empty one appends nothing", "[domain][cart]") {
  CartState s;
  accept(s, set({{kMug, 4}, {kCup, 2}}));
  auto evs = accept(s, ClearCart{"emptied"});
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::CartCleared>(evs[0]).reason == "emptied");
  CHECK(s.lines.empty());
  CHECK(accept(s, ClearCart{"order_paid"}).empty());
  CHECK(s.version == 2);
}

TEST_CASE("every accepted cart change bumps the version by exactly one", "[domain][cart]") {
  CartState s;
  for (const CartCommand& c : std::vector<CartCommand>{AddCartItem{kMug, 2, in_stock(10)}, set({{kMug, 5}, {kCup, 1}}),
                                                       AddCartItem{kCup, -1, in_stock(10)}, ClearCart{"emptied"}}) {
    auto before = s.version;
    CHECK(accept(s, c).size() == 1);
    CHECK(s.version == before + 1);
  }
}

TEST_CASE("a cart's events survive their stored form and rebuild the same cart", "[domain][cart]") {
  CartState s;
  std::vector<CartEvent> log;
  for (const CartCommand& c : std::vector<CartCommand>{AddCartItem{kMug, 2, in_stock(10)}, set({{kCup, 3}}),
                                                       AddCartItem{kMug, -1, in_stock(10)}})
    for (auto& e : accept(s, c)) log.push_back(e);
  CartState rebuilt;
  for (const auto& e : log) {
    auto back = decode_cart_event(type_of(e), to_json(e));
    REQUIRE(back.ok());
    rebuilt = apply(std::move(rebuilt), *back);
  }
  CHECK(rebuilt.lines == s.lines);
  CHECK(rebuilt.version == 3);
  CHECK(decode_cart_event("CartItemAdded", "{\"sku\":1}").error().code == Errc::data_loss);
}
