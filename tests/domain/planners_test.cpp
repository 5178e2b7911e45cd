// The planners (domain/planners.hpp) as tables: states in, one plan (or a refusal) out.
#include <catch2/catch.hpp>

#include "domain/planners.hpp"
#include "tests/domain/decide_helpers.hpp"

using namespace bitacora;
using namespace bitacora::domain;
using domain::testing::accept;

namespace {

const OrderRef kRef{"ORD-PLAN"};

ProductState product(const std::string& sku, std::int64_t on_hand, std::int64_t price = 1000) {
  ProductState p;
  p.sku = Sku(sku);
  accept(p, ProductCommand{DefineProduct{"name " + sku, price, "COP", on_hand}});
  return p;
}

CartState cart_of(std::map<Sku, std::int64_t> lines) {
  CartState c;
  c.user = UserId("ana");
  c.lines = std::move(lines);
  return c;
}

OrderState new_order() {
  OrderState o;
  o.reference = kRef;
  return o;
}

CheckoutRequest request() { return {kRef, "wompi", 500, 1'000'000, "key-1", std::nullopt}; }

// A placed order of 2 × a (1000) and 1 × b (500), its reservations made on `a` and `b`.
struct Placed {
  OrderState order;
  ProductState a = product("a", 5, 1000);
  ProductState b = product("b", 3, 500);
  CartState cart = cart_of({{Sku("a"), 2}, {Sku("b"), 1}});
};

Placed placed() {
  Placed p;
  auto planned = plan_checkout(p.cart, new_order(), {p.a, p.b}, {}, request());
  REQUIRE(std::holds_alternative<CheckoutPlan>(planned));
  auto& plan = std::get<CheckoutPlan>(planned);
  p.order = plan.after;
  for (const auto& pp : plan.products) {
    auto& target = pp.sku == Sku("a") ? p.a : p.b;
    for (const auto& e : pp.events) target = apply(std::move(target), e);
  }
  return p;
}

ApplyPayment approval(std::int64_t amount = 2500) { return {"wompi", "tx-1", PaymentOutcome::approved, "APPROVED", amount, "COP", false}; }
ApplyPayment decline() { return {"wompi", "tx-2", PaymentOutcome::failed, "DECLINED", 2500, "COP", false}; }

template <class E, class Events>
bool holds_only(const Events& evs) {
  return evs.size() == 1 && std::holds_alternative<E>(evs.front());
}

}  // namespace

TEST_CASE("checkout reserves every line and places the order priced from the products", "[domain][planners]") {
  auto a = product("a", 5, 1000);
  auto b = product("b", 3, 500);
  auto planned = plan_checkout(cart_of({{Sku("a"), 2}, {Sku("b"), 1}}), new_order(), {a, b}, {}, request());
  REQUIRE(std::holds_alternative<CheckoutPlan>(planned));
  const auto& plan = std::get<CheckoutPlan>(planned);
  REQUIRE(holds_only<events::OrderPlaced>(plan.order_events));
  CHECK(plan.after.amount_in_cents == 2500);
  CHECK(plan.after.status == OrderStatus::pending_payment);
  REQUIRE(plan.products.size() == 2);
  CHECK(plan.products[0].sku == Sku("a"));
  REQUIRE(holds_only<events::StockReserved>(plan.products[0].events));
  CHECK(std::get<events::StockReserved>(plan.products[0].events.front()).quantity == 2);
  CHECK(std::get<events::StockReserved>(plan.products[1].events.front()).quantity == 1);
}

TEST_CASE("checkout refuses as a whole, naming every line that cannot be had", "[domain][planners]") {
  struct Row {
    const char* name;
    std::int64_t a_on_hand;
    std::int64_t b_on_hand;
    bool b_defined;
    std::vector<std::string> short_skus;
  };
  const Row rows[] = {
      {"one line short", 1, 3, true, {"a"}},
      {"both lines short", 1, 0, true, {"a", "b"}},
      {"an unknown product counts as none available", 5, 0, false, {"b"}},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    auto a = product("a", row.a_on_hand);
    ProductState b;
    b.sku = Sku("b");
    if (row.b_defined) b = product("b", row.b_on_hand);
    auto planned = plan_checkout(cart_of({{Sku("a"), 2}, {Sku("b"), 1}}), new_order(), {a, b}, {}, request());
    REQUIRE(std::holds_alternative<DomainError>(planned));
    const auto& refused = std::get<DomainError>(planned);
    CHECK(refused.code == DomainErrc::insufficient_stock);
    std::vector<std::string> skus;
    for (const auto& s : refused.shortages) skus.push_back(s.sku.value());
    CHECK(skus == row.short_skus);
    for (const auto& s : refused.shortages) CHECK(s.available == (s.sku == Sku("a") ? row.a_on_hand : (row.b_defined ? row.b_on_hand : 0)));
  }
}

TEST_CASE("checkout of an empty cart, or with a product missing, is refused", "[domain][planners]") {
  auto empty = plan_checkout(cart_of({}), new_order(), {}, {}, request());
  REQUIRE(std::holds_alternative<DomainError>(empty));
  CHECK(std::get<DomainError>(empty).code == DomainErrc::empty_cart);
  auto missing = plan_checkout(cart_of({{Sku("a"), 1}, {Sku("b"), 1}}), new_order(), {product("a", 5)}, {}, request());
  REQUIRE(std::holds_alternative<DomainError>(missing));
  CHECK(std::get<DomainError>(missing).code == DomainErrc::invalid_argument);
}

TEST_CASE("a slice decides an order's reservation exactly as the whole product does", "[domain][planners]") {
  auto p = product("a", 100);
  for (int i = 0; i < 50; ++i) accept(p, ProductCommand{ReserveStock{OrderRef("ORD-" + std::to_string(i)), 1}});
  accept(p, ProductCommand{ReserveStock{kRef, 3}});
  const auto slice = slice_for(p, kRef);
  CHECK(slice.reservations.size() == 1);
  CHECK(slice.available() == p.available());
  for (const ProductCommand& cmd : {ProductCommand{ConfirmReservation{kRef}}, ProductCommand{ReleaseReservation{kRef, events::ReleaseReason::expired}},
                                    ProductCommand{ReserveStock{kRef, 3}}, ProductCommand{ReserveStock{OrderRef("ORD-new"), 47}},
                                    ProductCommand{ReserveStock{OrderRef("ORD-new"), 48}}}) {
    auto whole = decide(p, cmd);
    auto sliced = decide(slice, cmd);
    CHECK(whole.index() == sliced.index());
    if (auto* w = events_of(whole)) CHECK(*w == *events_of(sliced));
    else CHECK(refusal_of(whole)->code == refusal_of(sliced)->code);
  }
}

TEST_CASE("what a payment fact needs of the order's products", "[domain][planners]") {
  auto p = placed();
  struct Row {
    const char* name;
    OrderState order;
    ApplyPayment payment;
    StockNeed need;
  };
  auto expired = p.order;
  accept(expired, OrderCommand{ExpireOrder{2'000'000}});
  auto paid = p.order;
  accept(paid, OrderCommand{approval()});
  const Row rows[] = {
      {"an approval of a pending order confirms its own reservations", p.order, approval(), StockNeed::own},
      {"a decline of a pending order releases them", p.order, decline(), StockNeed::own},
      {"an approval of another amount moves no stock", p.order, approval(1), StockNeed::none},
      {"an approval after expiry takes the stock again", expired, approval(), StockNeed::retake},
      {"a decline after expiry moves nothing", expired, decline(), StockNeed::none},
      {"an approval of a paid order moves nothing", paid, approval(), StockNeed::none},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    CHECK(payment_stock_need(row.order, row.payment) == row.need);
  }
}

TEST_CASE("an approval pays the order, confirms its reservations and empties its cart, in one plan", "[domain][planners]") {
  auto p = placed();
  auto planned = plan_payment(p.order, p.cart, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, approval());
  REQUIRE(std::holds_alternative<PaymentPlan>(planned));
  const auto& plan = std::get<PaymentPlan>(planned);
  CHECK(plan.effect == "paid");
  CHECK(plan.after.status == OrderStatus::paid);
  CHECK(plan.left_pending);
  REQUIRE(plan.products.size() == 2);
  CHECK(holds_only<events::ReservationConfirmed>(plan.products[0].events));
  CHECK(std::get<events::ReservationConfirmed>(plan.products[0].events.front()).quantity == 2);
  CHECK(holds_only<events::CartCleared>(plan.cart_events));
}

TEST_CASE("a decline releases the reservations and leaves the cart", "[domain][planners]") {
  auto p = placed();
  auto planned = plan_payment(p.order, p.cart, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, decline());
  REQUIRE(std::holds_alternative<PaymentPlan>(planned));
  const auto& plan = std::get<PaymentPlan>(planned);
  CHECK(plan.effect == "payment_failed");
  CHECK(plan.left_pending);
  REQUIRE(plan.products.size() == 2);
  CHECK(holds_only<events::ReservationReleased>(plan.products[1].events));
  CHECK(std::get<events::ReservationReleased>(plan.products[1].events.front()).reason == events::ReleaseReason::payment_failed);
  CHECK(plan.cart_events.empty());
}

TEST_CASE("an approval after expiry takes every line again, or none and the order needs attention", "[domain][planners]") {
  auto p = placed();
  auto expired = p.order;
  accept(expired, OrderCommand{ExpireOrder{2'000'000}});
  for (auto& prod : {&p.a, &p.b}) accept(*prod, ProductCommand{ReleaseReservation{kRef, events::ReleaseReason::expired}});

  SECTION("the stock is there") {
    auto planned = plan_payment(expired, p.cart, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, approval());
    REQUIRE(std::holds_alternative<PaymentPlan>(planned));
    const auto& plan = std::get<PaymentPlan>(planned);
    CHECK(plan.effect == "paid");
    CHECK_FALSE(plan.left_pending);  // it was no longer pending: its timer went with the expiry
    REQUIRE(plan.products.size() == 2);
    CHECK(plan.products[0].events.size() == 2);  // reserved, then confirmed
    CHECK(std::holds_alternative<events::ReservationConfirmed>(plan.products[0].events.back()));
  }
  SECTION("one line is gone: nothing moves") {
    accept(p.b, ProductCommand{AdjustStock{-3, "sold elsewhere"}});
    auto planned = plan_payment(expired, p.cart, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, approval());
    REQUIRE(std::holds_alternative<PaymentPlan>(planned));
    const auto& plan = std::get<PaymentPlan>(planned);
    CHECK(plan.effect == "needs_attention");
    CHECK(plan.products.empty());
    CHECK(plan.cart_events.empty());
  }
}

TEST_CASE("the end of an order releases what it holds, or plans nothing when it already ended", "[domain][planners]") {
  auto p = placed();
  const OrderCommand expire{ExpireOrder{2'000'000}};
  const OrderCommand early{ExpireOrder{10}};
  const OrderCommand cancel{CancelOrder{}};
  CHECK(end_order_needs_stock(p.order, expire));
  CHECK(end_order_needs_stock(p.order, cancel));
  CHECK_FALSE(end_order_needs_stock(p.order, early));

  auto planned = plan_end_order(p.order, cancel, events::ReleaseReason::cancelled, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr);
  REQUIRE(std::holds_alternative<EndOrderPlan>(planned));
  const auto& plan = std::get<EndOrderPlan>(planned);
  CHECK(holds_only<events::OrderCancelled>(plan.order_events));
  CHECK(plan.after.status == OrderStatus::cancelled);
  REQUIRE(plan.products.size() == 2);
  CHECK(std::get<events::ReservationReleased>(plan.products[0].events.front()).quantity == 2);

  auto not_due = plan_end_order(p.order, early, events::ReleaseReason::expired, {}, nullptr);
  REQUIRE(std::holds_alternative<EndOrderPlan>(not_due));
  CHECK(std::get<EndOrderPlan>(not_due).order_events.empty());
  CHECK(std::get<EndOrderPlan>(not_due).products.empty());
}

TEST_CASE("resolving an order that needs attention marks it paid or cancels it, taking or releasing its stock",
          "[domain][planners][resolve]") {
  auto p = placed();
  const ResolveOrder mark_paid{events::Resolution::mark_paid, "alice", "paid by transfer"};
  const ResolveOrder cancel{events::Resolution::cancel, "alice", ""};

  SECTION("an order that is not in needs_attention is refused, with nothing planned") {
    auto planned = plan_resolve(p.order, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, mark_paid);
    REQUIRE(std::holds_alternative<DomainError>(planned));
    CHECK(std::get<DomainError>(planned).code == DomainErrc::not_needs_attention);
    auto nobody = plan_resolve(p.order, {}, nullptr, ResolveOrder{events::Resolution::cancel, "", ""});
    REQUIRE(std::holds_alternative<DomainError>(nobody));
  }

  SECTION("a mismatch while pending: it still holds its stock, which is confirmed or released") {
    auto attention = p.order;
    accept(attention, OrderCommand{approval(999)});
    REQUIRE(attention.status == OrderStatus::needs_attention);

    auto paid = plan_resolve(attention, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, mark_paid);
    REQUIRE(std::holds_alternative<ResolvePlan>(paid));
    const auto& plan = std::get<ResolvePlan>(paid);
    CHECK(plan.after.status == OrderStatus::paid);
    REQUIRE(holds_only<events::OrderResolved>(plan.order_events));
    CHECK(std::get<events::OrderResolved>(plan.order_events.front()).by == "alice");
    REQUIRE(plan.products.size() == 2);
    CHECK(holds_only<events::ReservationConfirmed>(plan.products[0].events));  // held: confirmed, not reserved again
    CHECK(std::get<events::ReservationConfirmed>(plan.products[0].events.front()).quantity == 2);

    auto cancelled = plan_resolve(attention, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, cancel);
    REQUIRE(std::holds_alternative<ResolvePlan>(cancelled));
    const auto& released = std::get<ResolvePlan>(cancelled);
    CHECK(released.after.status == OrderStatus::cancelled);
    REQUIRE(released.products.size() == 2);
    CHECK(std::get<events::ReservationReleased>(released.products[1].events.front()).reason == events::ReleaseReason::cancelled);
  }

  SECTION("approved after expiry: its stock is taken again when there, else the whole resolution is refused") {
    auto attention = p.order;
    accept(attention, OrderCommand{ExpireOrder{2'000'000}});
    for (auto& prod : {&p.a, &p.b}) accept(*prod, ProductCommand{ReleaseReservation{kRef, events::ReleaseReason::expired}});
    accept(p.b, ProductCommand{AdjustStock{-3, "sold elsewhere"}});
    auto late = approval();
    late.stock_available = false;
    accept(attention, OrderCommand{late});
    REQUIRE(attention.status == OrderStatus::needs_attention);

    auto refused = plan_resolve(attention, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, mark_paid);
    REQUIRE(std::holds_alternative<DomainError>(refused));
    const auto& e = std::get<DomainError>(refused);
    CHECK(e.code == DomainErrc::insufficient_stock);
    REQUIRE(e.shortages.size() == 1);
    CHECK(e.shortages[0].sku == Sku("b"));
    CHECK(e.shortages[0].available == 0);

    accept(p.b, ProductCommand{AdjustStock{1, "found one"}});
    auto paid = plan_resolve(attention, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, mark_paid);
    REQUIRE(std::holds_alternative<ResolvePlan>(paid));
    const auto& plan = std::get<ResolvePlan>(paid);
    REQUIRE(plan.products.size() == 2);
    CHECK(plan.products[1].events.size() == 2);  // reserved, then confirmed
    CHECK(std::holds_alternative<events::StockReserved>(plan.products[1].events.front()));

    auto cancelled = plan_resolve(attention, {slice_for(p.a, kRef), slice_for(p.b, kRef)}, nullptr, cancel);
    REQUIRE(std::holds_alternative<ResolvePlan>(cancelled));
    for (const auto& pp : std::get<ResolvePlan>(cancelled).products) CHECK(pp.events.empty());  // it held nothing
  }
}
