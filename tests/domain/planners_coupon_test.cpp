// The planners with a coupon and a delivery (domain/planners.hpp): the price a checkout charges,
// and the coupon's use held, confirmed, released and taken again in the same plans as the stock.
#include <catch2/catch.hpp>

#include "domain/planners.hpp"
#include "tests/domain/decide_helpers.hpp"

using namespace bitacora;
using namespace bitacora::domain;
using domain::testing::accept;

namespace {

const OrderRef kRef{"ORD-COUPON"};
const UserId kAna{"ana"};

ProductState product(const std::string& sku, std::int64_t on_hand, std::int64_t price) {
  ProductState p;
  p.sku = Sku(sku);
  accept(p, ProductCommand{DefineProduct{"name " + sku, price, "COP", on_hand}});
  return p;
}

CouponState coupon(std::int64_t percent, std::optional<std::int64_t> max_uses = std::nullopt) {
  CouponState c;
  c.code = CouponCode("SAVE");
  events::CouponDefined t;
  t.value = percent;
  t.max_uses = max_uses;
  accept(c, CouponCommand{DefineCoupon{t}});
  return c;
}

DeliveryZoneState zone() {
  DeliveryZoneState z;
  z.zone = ZoneId("north");
  accept(z, DeliveryCommand{DefineDeliveryZone{events::DeliveryZoneDefined{{}, "COP", 500, 100, 100'000, 20'000}}});
  return z;
}

// 2 × a (1000) + 1 × b (500) = 2500, coupon SAVE attached.
struct Shop {
  ProductState a = product("a", 5, 1000);
  ProductState b = product("b", 3, 500);
  CartState cart;
  CouponState save = coupon(10, 5);
  DeliveryZoneState north = zone();
  Shop() {
    cart.user = kAna;
    cart.lines = {{Sku("a"), 2}, {Sku("b"), 1}};
    cart.coupon = CouponCode("SAVE");
  }
};

CheckoutRequest request(std::optional<DeliveryChoice> delivery = std::nullopt) {
  return {kRef, "wompi", 777, 1'000'000, "", std::move(delivery)};
}

OrderState new_order() {
  OrderState o;
  o.reference = kRef;
  return o;
}

// Places the shop's cart and applies the plan to every state it touches.
OrderState place(Shop& shop, std::optional<DeliveryChoice> delivery = std::nullopt) {
  auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {&shop.save, &shop.north}, request(delivery));
  REQUIRE(std::holds_alternative<CheckoutPlan>(planned));
  auto& plan = std::get<CheckoutPlan>(planned);
  for (const auto& pp : plan.products)
    for (const auto& e : pp.events) (pp.sku == Sku("a") ? shop.a : shop.b) = apply(pp.sku == Sku("a") ? shop.a : shop.b, e);
  for (const auto& e : plan.coupon_events) shop.save = apply(std::move(shop.save), e);
  return plan.after;
}

ApplyPayment payment(PaymentOutcome outcome, std::int64_t amount) {
  return {"wompi", "tx-" + std::to_string(amount), outcome, "X", amount, "COP", false};
}

}  // namespace

TEST_CASE("checkout prices the cart with its coupon and delivery, and holds one use", "[domain][planners][coupon]") {
  Shop shop;
  auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {&shop.save, &shop.north},
                               request(DeliveryChoice{ZoneId("north"), 2500}));
  REQUIRE(std::holds_alternative<CheckoutPlan>(planned));
  const auto& plan = std::get<CheckoutPlan>(planned);
  CHECK(plan.after.subtotal_in_cents() == 2500);
  CHECK(plan.after.discount_in_cents == 250);
  CHECK(plan.after.delivery_fee_in_cents == 500 + 250);
  CHECK(plan.after.amount_in_cents == 2500 - 250 + 750);
  CHECK(plan.after.coupon == CouponCode("SAVE"));
  CHECK(plan.after.delivery_zone == ZoneId("north"));
  CHECK(plan.after.delivery_distance_m == 2500);
  CHECK(plan.after.placed_at == 777);
  REQUIRE(plan.coupon_events.size() == 1);
  const auto& held = std::get<events::CouponUseHeld>(plan.coupon_events.front());
  CHECK(held.order_reference == kRef);
  CHECK(held.user == kAna);
}

TEST_CASE("a coupon or delivery that no longer applies refuses the whole checkout", "[domain][planners][coupon]") {
  Shop shop;
  SECTION("exhausted since it was attached") {
    shop.save = coupon(10, 1);
    accept(shop.save, CouponCommand{HoldCouponUse{OrderRef("ORD-OTHER"), UserId("beto")}});
    auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {&shop.save, nullptr}, request());
    REQUIRE(std::holds_alternative<DomainError>(planned));
    CHECK(std::get<DomainError>(planned).reason == "exhausted");
  }
  SECTION("an unknown zone") {
    auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {&shop.save, nullptr},
                                 request(DeliveryChoice{ZoneId("south"), 10}));
    REQUIRE(std::holds_alternative<DomainError>(planned));
    CHECK(std::get<DomainError>(planned).code == DomainErrc::delivery_unavailable);
    CHECK(std::get<DomainError>(planned).reason == "unknown_zone");
  }
  SECTION("too far") {
    auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {&shop.save, &shop.north},
                                 request(DeliveryChoice{ZoneId("north"), 20'001}));
    REQUIRE(std::holds_alternative<DomainError>(planned));
    CHECK(std::get<DomainError>(planned).reason == "too_far");
  }
  SECTION("the coupon was not gathered") {
    auto planned = plan_checkout(shop.cart, new_order(), {shop.a, shop.b}, {}, request());
    REQUIRE(std::holds_alternative<DomainError>(planned));
    CHECK(std::get<DomainError>(planned).code == DomainErrc::invalid_argument);
  }
}

TEST_CASE("a quote is the checkout's price without a plan", "[domain][planners][coupon]") {
  Shop shop;
  std::vector<PricedLine> lines{{Sku("a"), 2, 1000, "COP"}, {Sku("b"), 1, 500, "COP"}};
  auto quoted = quote_checkout(lines, kAna, {&shop.save, &shop.north}, DeliveryChoice{ZoneId("north"), 1000}, 5);
  REQUIRE(std::holds_alternative<CheckoutQuote>(quoted));
  const auto& q = std::get<CheckoutQuote>(quoted);
  CHECK(q.subtotal_in_cents == 2500);
  CHECK(q.discount_in_cents == 250);
  CHECK(q.delivery_fee_in_cents == 600);
  CHECK(q.total_in_cents == 2850);
  CHECK(q.currency == "COP");
  auto pickup = quote_checkout(lines, kAna, {}, std::nullopt, 5);
  CHECK(std::get<CheckoutQuote>(pickup).total_in_cents == 2500);
}

TEST_CASE("payment confirms the use once, a decline or the end of the order releases it", "[domain][planners][coupon]") {
  Shop shop;
  const auto order = place(shop);
  REQUIRE(order.amount_in_cents == 2250);
  std::vector<ProductState> slices{slice_for(shop.a, kRef), slice_for(shop.b, kRef)};
  const auto slice = slice_for(shop.save, kRef, kAna);

  auto paid = plan_payment(order, shop.cart, slices, &slice, payment(PaymentOutcome::approved, 2250));
  REQUIRE(std::holds_alternative<PaymentPlan>(paid));
  CHECK(std::get<PaymentPlan>(paid).effect == "paid");
  REQUIRE(std::get<PaymentPlan>(paid).coupon_events.size() == 1);
  CHECK(std::holds_alternative<events::CouponUseConfirmed>(std::get<PaymentPlan>(paid).coupon_events.front()));

  auto declined = plan_payment(order, shop.cart, slices, &slice, payment(PaymentOutcome::failed, 2250));
  REQUIRE(std::get<PaymentPlan>(declined).coupon_events.size() == 1);
  CHECK(std::get<events::CouponUseReleased>(std::get<PaymentPlan>(declined).coupon_events.front()).reason ==
        events::ReleaseReason::payment_failed);

  auto mismatch = plan_payment(order, shop.cart, slices, &slice, payment(PaymentOutcome::approved, 2500));
  CHECK(std::get<PaymentPlan>(mismatch).effect == "needs_attention");
  CHECK(std::get<PaymentPlan>(mismatch).coupon_events.empty());  // held as the stock is, for whoever resolves it

  auto ended = plan_end_order(order, OrderCommand{CancelOrder{}}, events::ReleaseReason::cancelled,
                              slices, &slice);
  REQUIRE(std::get<EndOrderPlan>(ended).coupon_events.size() == 1);
  CHECK(std::holds_alternative<events::CouponUseReleased>(std::get<EndOrderPlan>(ended).coupon_events.front()));
}

TEST_CASE("a late approval takes the use again, or needs attention when the coupon is exhausted", "[domain][planners][coupon]") {
  Shop shop;
  shop.save = coupon(10, 1);
  auto order = place(shop);
  accept(order, OrderCommand{ExpireOrder{2'000'000}});
  for (auto* p : {&shop.a, &shop.b}) accept(*p, ProductCommand{ReleaseReservation{kRef, events::ReleaseReason::expired}});
  accept(shop.save, CouponCommand{ReleaseCouponUse{kRef, events::ReleaseReason::expired}});
  std::vector<ProductState> slices{slice_for(shop.a, kRef), slice_for(shop.b, kRef)};

  SECTION("the use is free: taken and confirmed with the stock") {
    const auto slice = slice_for(shop.save, kRef, kAna);
    auto planned = plan_payment(order, shop.cart, slices, &slice, payment(PaymentOutcome::approved, 2250));
    REQUIRE(std::holds_alternative<PaymentPlan>(planned));
    const auto& plan = std::get<PaymentPlan>(planned);
    CHECK(plan.effect == "paid");
    REQUIRE(plan.coupon_events.size() == 2);
    CHECK(std::holds_alternative<events::CouponUseHeld>(plan.coupon_events[0]));
    CHECK(std::holds_alternative<events::CouponUseConfirmed>(plan.coupon_events[1]));
  }
  SECTION("another order took the last use: nothing moves and the order needs attention") {
    accept(shop.save, CouponCommand{HoldCouponUse{OrderRef("ORD-OTHER"), UserId("beto")}});
    const auto slice = slice_for(shop.save, kRef, kAna);
    auto planned = plan_payment(order, shop.cart, slices, &slice, payment(PaymentOutcome::approved, 2250));
    REQUIRE(std::holds_alternative<PaymentPlan>(planned));
    const auto& plan = std::get<PaymentPlan>(planned);
    CHECK(plan.effect == "needs_attention");
    REQUIRE(plan.order_events.size() == 1);
    CHECK(std::get<events::OrderNeedsAttention>(plan.order_events.front()).reason == events::AttentionReason::coupon_exhausted);
    CHECK(plan.products.empty());
    CHECK(plan.coupon_events.empty());
    CHECK(plan.cart_events.empty());
  }
}
