// The coupon aggregate (domain/coupon.hpp): definitions, the life of a use, and whether a coupon
// applies to a cart — every reason code, each its own row.
#include <catch2/catch.hpp>

#include "domain/coupon.hpp"
#include "tests/domain/decide_helpers.hpp"

using namespace bitacora;
using namespace bitacora::domain;
using domain::testing::accept;
using domain::testing::refuse;

namespace {

const UserId kAna{"ana"};
const UserId kBeto{"beto"};

events::CouponDefined percent(std::int64_t value) {
  events::CouponDefined t;
  t.kind = events::DiscountKind::percent;
  t.value = value;
  return t;
}

CouponState defined(events::CouponDefined terms) {
  CouponState c;
  c.code = CouponCode("SAVE10");
  accept(c, CouponCommand{DefineCoupon{std::move(terms)}});
  return c;
}

std::vector<CouponLine> lines() { return {{Sku("a"), 2, 1000}, {Sku("b"), 1, 500}}; }  // 2500

}  // namespace

TEST_CASE("coupon codes are 1 to 64 of A-Z a-z 0-9 _ - and are stored upper-case", "[domain][coupon]") {
  CHECK(normalize_coupon_code("save-10_x")->value() == "SAVE-10_X");
  CHECK(normalize_coupon_code(std::string(64, 'a')).has_value());
  CHECK_FALSE(normalize_coupon_code(std::string(65, 'a')).has_value());
  CHECK_FALSE(normalize_coupon_code("").has_value());
  CHECK_FALSE(normalize_coupon_code("save 10").has_value());
  CHECK_FALSE(normalize_coupon_code("save.10").has_value());
  CHECK_FALSE(normalize_coupon_code("caf\xc3\xa9").has_value());
}

TEST_CASE("a definition is refused with the field at fault", "[domain][coupon]") {
  struct Row {
    const char* name;
    events::CouponDefined terms;
    const char* field;
  };
  auto fixed = [](std::int64_t value, std::optional<std::string> currency) {
    events::CouponDefined t;
    t.kind = events::DiscountKind::fixed;
    t.value = value;
    t.currency = std::move(currency);
    return t;
  };
  auto with = [](events::CouponDefined t, auto change) {
    change(t);
    return t;
  };
  const std::vector<Row> rows{
      {"percent 0", percent(0), "value"},
      {"percent 101", percent(101), "value"},
      {"fixed 0", fixed(0, "COP"), "value"},
      {"fixed without currency", fixed(500, std::nullopt), "currency"},
      {"lower-case currency", fixed(500, "cop"), "currency"},
      {"negative max_uses", with(percent(10), [](auto& t) { t.max_uses = -1; }), "max_uses"},
      {"negative per user", with(percent(10), [](auto& t) { t.max_uses_per_user = -1; }), "max_uses_per_user"},
      {"negative minimum", with(percent(10), [](auto& t) { t.min_subtotal_in_cents = -1; }), "min_subtotal_in_cents"},
      {"a sku that is not an id", with(percent(10), [](auto& t) { t.skus = std::vector<Sku>{Sku("a b")}; }), "skus"},
      {"too many skus", with(percent(10), [](auto& t) { t.skus = std::vector<Sku>(201, Sku("a")); }), "skus"},
      {"until before from", with(percent(10), [](auto& t) { t.valid_from = 20, t.valid_until = 10; }), "valid_until"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    CouponState c;
    c.code = CouponCode("X");
    auto e = refuse(c, CouponCommand{DefineCoupon{row.terms}});
    CHECK(e.code == DomainErrc::invalid_argument);
    CHECK(e.field == row.field);
  }
}

TEST_CASE("redefining with the same terms appends nothing, and skus are kept sorted and unique", "[domain][coupon]") {
  auto terms = percent(10);
  terms.skus = std::vector<Sku>{Sku("b"), Sku("a"), Sku("b")};
  auto c = defined(terms);
  REQUIRE(c.terms.skus.has_value());
  CHECK(*c.terms.skus == std::vector<Sku>{Sku("a"), Sku("b")});
  CHECK(c.terms.code == CouponCode("SAVE10"));
  auto again = decide(c, CouponCommand{DefineCoupon{terms}});
  CHECK(events_of(again)->empty());
}

TEST_CASE("a use is held once per order, confirmed or released once, and counted per shopper", "[domain][coupon]") {
  auto terms = percent(10);
  terms.max_uses = 2;
  terms.max_uses_per_user = 1;
  auto c = defined(terms);
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kAna}});
  CHECK(c.held == 1);
  CHECK(c.uses_of(kAna) == 1);
  CHECK(events_of(decide(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kAna}}))->empty());  // a retry
  CHECK(refuse(c, CouponCommand{HoldCouponUse{OrderRef("ORD-2"), kAna}}).reason == "per_user_limit");
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-3"), kBeto}});
  CHECK(refuse(c, CouponCommand{HoldCouponUse{OrderRef("ORD-4"), UserId("caro")}}).reason == "exhausted");

  accept(c, CouponCommand{ConfirmCouponUse{OrderRef("ORD-1")}});
  CHECK(c.used == 1);
  CHECK(c.held == 1);
  CHECK(events_of(decide(c, CouponCommand{ConfirmCouponUse{OrderRef("ORD-1")}}))->empty());  // exactly once
  CHECK(c.uses_of(kAna) == 1);  // a paid use still counts against the shopper

  accept(c, CouponCommand{ReleaseCouponUse{OrderRef("ORD-3"), events::ReleaseReason::expired}});
  CHECK(c.held == 0);
  CHECK(c.uses_of(kBeto) == 0);
  CHECK(events_of(decide(c, CouponCommand{ReleaseCouponUse{OrderRef("ORD-3"), events::ReleaseReason::expired}}))->empty());
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-5"), UserId("caro")}});  // the released use is free again
  CHECK(c.used + c.held == 2);

  CouponState unknown;
  CHECK(refuse(unknown, CouponCommand{HoldCouponUse{OrderRef("ORD-9"), kAna}}).reason == "unknown");
}

TEST_CASE("a slice keeps the counts, the order's own hold and the shopper's own uses", "[domain][coupon]") {
  auto c = defined(percent(10));
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kAna}});
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-2"), kBeto}});
  auto s = slice_for(c, OrderRef("ORD-2"), kAna);
  CHECK(s.held == 2);
  CHECK(s.holds.size() == 1);
  CHECK(s.holds.contains(OrderRef("ORD-2")));
  CHECK(s.uses_of(kAna) == 1);
  CHECK(s.uses_of(kBeto) == 0);
}

TEST_CASE("discounts: percent floors, fixed is capped by the eligible subtotal, eligible is the named skus", "[domain][coupon]") {
  struct Row {
    const char* name;
    events::CouponDefined terms;
    std::int64_t discount;
  };
  auto fixed = [](std::int64_t value) {
    events::CouponDefined t;
    t.kind = events::DiscountKind::fixed;
    t.value = value;
    t.currency = "COP";
    return t;
  };
  auto only_b = [](events::CouponDefined t) {
    t.skus = std::vector<Sku>{Sku("b")};
    return t;
  };
  const std::vector<Row> rows{
      {"10% of 2500", percent(10), 250},
      {"33% of 2500 floors", percent(33), 825},
      {"100%", percent(100), 2500},
      {"7% of b's 500 floors", only_b(percent(7)), 35},
      {"fixed 300", fixed(300), 300},
      {"fixed over the subtotal", fixed(9000), 2500},
      {"fixed over b's 500", only_b(fixed(9000)), 500},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    auto checked = check_coupon(defined(row.terms), kAna, lines(), "COP", 100);
    REQUIRE(std::holds_alternative<std::int64_t>(checked));
    CHECK(std::get<std::int64_t>(checked) == row.discount);
  }
}

TEST_CASE("huge carts do not overflow a percent discount", "[domain][coupon]") {
  const std::vector<CouponLine> big{{Sku("a"), 1'000'000, 9'000'000'000'000}};  // 9×10^18
  auto checked = check_coupon(defined(percent(50)), kAna, big, "COP", 100);
  REQUIRE(std::holds_alternative<std::int64_t>(checked));
  CHECK(std::get<std::int64_t>(checked) == 4'500'000'000'000'000'000);
}

TEST_CASE("every reason a coupon does not apply", "[domain][coupon]") {
  struct Row {
    const char* reason;
    CouponState coupon;
    std::string currency = "COP";
    std::vector<CouponLine> lines = {{Sku("a"), 2, 1000}, {Sku("b"), 1, 500}};
  };
  auto with = [](auto change) {
    auto t = percent(10);
    change(t);
    return defined(t);
  };
  auto used_up = [&] {
    auto c = with([](auto& t) { t.max_uses = 1; });
    accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kBeto}});
    return c;
  };
  auto used_by_ana = [&] {
    auto c = with([](auto& t) { t.max_uses_per_user = 1; });
    accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kAna}});
    accept(c, CouponCommand{ConfirmCouponUse{OrderRef("ORD-1")}});
    return c;
  };
  const std::vector<Row> rows{
      {"unknown", CouponState{}},
      {"inactive", with([](auto& t) { t.active = false; })},
      {"not_yet_valid", with([](auto& t) { t.valid_from = 200; })},
      {"expired", with([](auto& t) { t.valid_until = 100; })},  // the bound is exclusive
      {"currency", defined([] {
         events::CouponDefined t;
         t.kind = events::DiscountKind::fixed;
         t.value = 100;
         t.currency = "USD";
         return t;
       }())},
      {"no_eligible_items", with([](auto& t) { t.skus = std::vector<Sku>{Sku("z")}; })},
      {"min_subtotal", with([](auto& t) { t.min_subtotal_in_cents = 2501; })},
      {"exhausted", used_up()},
      {"per_user_limit", used_by_ana()},
  };
  for (const auto& row : rows) {
    INFO(row.reason);
    auto checked = check_coupon(row.coupon, kAna, row.lines, row.currency, 100);
    REQUIRE(std::holds_alternative<CouponRefusal>(checked));
    CHECK(to_string(std::get<CouponRefusal>(checked)) == row.reason);
    auto e = coupon_invalid(std::get<CouponRefusal>(checked));
    CHECK(e.code == DomainErrc::coupon_invalid);
    CHECK(e.reason == row.reason);
  }
  auto exact = with([](auto& t) { t.min_subtotal_in_cents = 2500; });
  CHECK(std::holds_alternative<std::int64_t>(check_coupon(exact, kAna, lines(), "COP", 100)));
}

TEST_CASE("audit's misfits: a second hold, a confirmation without a hold", "[domain][coupon]") {
  auto c = defined(percent(10));
  CHECK_FALSE(misfit(c, CouponEvent{events::CouponUseHeld{OrderRef("ORD-1"), kAna}}).has_value());
  accept(c, CouponCommand{HoldCouponUse{OrderRef("ORD-1"), kAna}});
  CHECK(misfit(c, CouponEvent{events::CouponUseHeld{OrderRef("ORD-1"), kAna}}).has_value());
  CHECK(misfit(c, CouponEvent{events::CouponUseConfirmed{OrderRef("ORD-2")}}).has_value());
  CHECK(misfit(CouponState{}, CouponEvent{events::CouponUseHeld{OrderRef("ORD-1"), kAna}}).has_value());
}

TEST_CASE("coupon events round-trip through their stored form", "[domain][coupon]") {
  auto terms = percent(15);
  terms.code = CouponCode("SAVE10");
  terms.valid_from = 1'700'000'000'000'000;
  terms.max_uses = 100;
  terms.skus = std::vector<Sku>{Sku("a")};
  for (const CouponEvent& e : std::vector<CouponEvent>{terms, events::CouponUseHeld{OrderRef("ORD-1"), kAna},
                                                       events::CouponUseConfirmed{OrderRef("ORD-1")},
                                                       events::CouponUseReleased{OrderRef("ORD-1"), events::ReleaseReason::cancelled}}) {
    auto back = decode_coupon_event(type_of(e), to_json(e));
    REQUIRE(back);
    CHECK(*back == e);
  }
}
