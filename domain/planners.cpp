#include "domain/planners.hpp"

#include <map>

namespace bitacora::domain {
namespace {

template <class State, class Event>
State folded(State s, const std::vector<Event>& evs) {
  for (const auto& e : evs) s = apply(std::move(s), e);
  return s;
}

std::string effect_of(const std::vector<OrderEvent>& evs) {
  if (evs.empty()) return "no_change";
  return std::visit(
      [](const auto& e) -> std::string {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::PaymentApproved>) return "paid";
        else if constexpr (std::is_same_v<E, events::PaymentFailed>) return "payment_failed";
        else if constexpr (std::is_same_v<E, events::OrderNeedsAttention>) return "needs_attention";
        else if constexpr (std::is_same_v<E, events::OrderRefunded>) return "refunded";
        else return "no_change";
      },
      evs.front());
}

bool ended(OrderStatus s) {
  return s == OrderStatus::expired || s == OrderStatus::cancelled || s == OrderStatus::payment_failed;
}

std::int64_t quantity_in(const OrderState& order, const Sku& sku) {
  for (const auto& [s, q] : lines_of(order))
    if (s == sku) return q;
  return 0;
}

// Every product's events for `command`, or the first refusal.
template <class Make>
Planned<std::vector<ProductPlan>> plan_each(const std::vector<ProductState>& products, Make command_for) {
  std::vector<ProductPlan> plans;
  for (const auto& p : products) {
    auto d = decide(p, ProductCommand{command_for(p)});
    if (auto* refused = refusal_of(d)) return *refused;
    plans.push_back({p.sku, *events_of(d)});
  }
  return plans;
}

// The order takes `quantity` of `p` for good: ReserveStock (a no-op when it already holds them),
// then ConfirmReservation. The reservation's refusal as it is; else both steps' events.
Decision<ProductEvent> reserve_and_confirm(const ProductState& p, const OrderRef& order, std::int64_t quantity) {
  auto reserve = decide(p, ProductCommand{ReserveStock{order, quantity}});
  if (refusal_of(reserve)) return reserve;
  auto evs = *events_of(reserve);
  auto confirm = decide(folded(p, evs), ProductCommand{ConfirmReservation{order}});
  if (refusal_of(confirm)) return confirm;
  evs.insert(evs.end(), events_of(confirm)->begin(), events_of(confirm)->end());
  return evs;
}

// The same for the order's coupon use: HoldCouponUse (a no-op when it holds one), then
// ConfirmCouponUse.
Decision<CouponEvent> hold_and_confirm(const CouponState& coupon, const OrderState& order) {
  auto hold = decide(coupon, CouponCommand{HoldCouponUse{order.reference, order.user}});
  if (refusal_of(hold)) return hold;
  auto evs = *events_of(hold);
  auto confirm = decide(folded(coupon, evs), CouponCommand{ConfirmCouponUse{order.reference}});
  if (refusal_of(confirm)) return confirm;
  evs.insert(evs.end(), events_of(confirm)->begin(), events_of(confirm)->end());
  return evs;
}

}  // namespace

std::variant<std::int64_t, CouponRefusal> check_coupon(const CouponState& coupon, const UserId& user,
                                                       const std::vector<PricedLine>& lines, Micros now) {
  std::vector<CouponLine> coupon_lines;
  std::string currency;
  for (const auto& line : lines) {
    coupon_lines.push_back({line.sku, line.quantity, line.price_in_cents});
    if (currency.empty()) currency = line.currency;
  }
  return check_coupon(coupon, user, coupon_lines, currency, now);
}

Planned<CheckoutQuote> quote_checkout(const std::vector<PricedLine>& lines, const UserId& user, CheckoutExtras extras,
                                      const std::optional<DeliveryChoice>& delivery, Micros now) {
  CheckoutQuote q;
  if (!lines.empty()) q.currency = lines.front().currency;
  for (const auto& line : lines) {
    std::int64_t amount = 0;
    if (__builtin_mul_overflow(line.quantity, line.price_in_cents, &amount) ||
        __builtin_add_overflow(q.subtotal_in_cents, amount, &q.subtotal_in_cents))
      return refusal(DomainErrc::invalid_argument, "the amount overflows");
  }
  if (extras.coupon) {
    auto checked = check_coupon(*extras.coupon, user, lines, now);
    if (auto* why = std::get_if<CouponRefusal>(&checked)) return coupon_invalid(*why);
    q.discount_in_cents = std::get<std::int64_t>(checked);
  }
  if (delivery) {
    if (!extras.zone) return delivery_unavailable(DeliveryRefusal::unknown_zone);
    auto fee = delivery_fee(*extras.zone, delivery->distance_m, q.currency, q.subtotal_in_cents - q.discount_in_cents);
    if (auto* why = std::get_if<DeliveryRefusal>(&fee)) return delivery_unavailable(*why);
    q.delivery_fee_in_cents = std::get<std::int64_t>(fee);
  }
  if (__builtin_add_overflow(q.subtotal_in_cents - q.discount_in_cents, q.delivery_fee_in_cents, &q.total_in_cents))
    return refusal(DomainErrc::invalid_argument, "the amount overflows");
  return q;
}

Planned<CheckoutPlan> plan_checkout(const CartState& cart, const OrderState& order, const std::vector<ProductState>& products,
                                    CheckoutExtras extras, const CheckoutRequest& request) {
  if (cart.lines.empty()) return refusal(DomainErrc::empty_cart, "the cart is empty");
  CheckoutPlan plan;
  std::vector<StockShortage> shortages;
  std::vector<PricedLine> priced;
  for (const auto& p : products) {
    const std::int64_t qty = cart.quantity_of(p.sku);
    auto d = decide(p, ProductCommand{ReserveStock{request.reference, qty}});
    if (auto* refused = refusal_of(d)) {
      if (refused->code != DomainErrc::insufficient_stock && refused->code != DomainErrc::unknown_sku) return *refused;
      shortages.push_back({p.sku, qty, p.defined ? p.available() : 0});
      continue;
    }
    plan.products.push_back({p.sku, *events_of(d)});
    priced.push_back({p.sku, qty, p.price_in_cents, p.currency});
  }
  if (!shortages.empty()) return insufficient_stock(std::move(shortages));
  if (products.size() != cart.lines.size()) return refusal(DomainErrc::invalid_argument, "a cart line's product is missing");
  if (cart.coupon.has_value() != (extras.coupon != nullptr))
    return refusal(DomainErrc::invalid_argument, "the cart's coupon was not gathered");
  auto quoted = quote_checkout(priced, cart.user, extras, request.delivery, request.now);
  if (auto* refused = std::get_if<DomainError>(&quoted)) return *refused;
  const auto& quote = std::get<CheckoutQuote>(quoted);
  if (extras.coupon) {
    auto held = decide(*extras.coupon, CouponCommand{HoldCouponUse{request.reference, cart.user}});
    if (auto* refused = refusal_of(held)) return *refused;
    plan.coupon_events = *events_of(held);
  }
  PlaceOrder place{request.reference, cart.user, std::move(priced), request.gateway, request.expires_at,
                   request.idempotency_key};
  place.discount_in_cents = quote.discount_in_cents;
  place.delivery_fee_in_cents = quote.delivery_fee_in_cents;
  place.coupon = cart.coupon;
  if (request.delivery) {
    place.delivery_zone = request.delivery->zone;
    place.delivery_distance_m = request.delivery->distance_m;
  }
  place.placed_at = request.now;
  auto d = decide(order, OrderCommand{std::move(place)});
  if (auto* refused = refusal_of(d)) return *refused;
  plan.order_events = *events_of(d);
  plan.after = folded(order, plan.order_events);
  return plan;
}

StockNeed payment_stock_need(const OrderState& order, const ApplyPayment& payment) {
  if (payment.outcome == PaymentOutcome::approved && order.placed && ended(order.status)) return StockNeed::retake;
  auto d = decide(order, OrderCommand{payment});
  const auto* evs = events_of(d);
  if (!evs || evs->empty()) return StockNeed::none;
  const auto effect = stock_effect(order, evs->front());
  return effect == StockEffect::confirm || effect == StockEffect::release ? StockNeed::own : StockNeed::none;
}

Planned<PaymentPlan> plan_payment(const OrderState& order, const CartState& cart, const std::vector<ProductState>& products,
                                  const CouponState* coupon, ApplyPayment payment) {
  PaymentPlan plan;
  std::vector<CouponEvent> retaken;  // the coupon's use taken again and confirmed, for a retake
  if (payment_stock_need(order, payment) == StockNeed::retake) {
    // Reserve each line again and confirm it at once; all of them, or none (needs attention).
    bool available = true;
    for (const auto& p : products) {
      auto taken = reserve_and_confirm(p, order.reference, quantity_in(order, p.sku));
      if (refusal_of(taken) || events_of(taken)->empty()) {
        available = false;
        break;
      }
      plan.products.push_back({p.sku, std::move(*events_of(taken))});
    }
    payment.stock_available = available;
    if (order.coupon) {
      if (!coupon) return refusal(DomainErrc::invalid_argument, "the order's coupon was not gathered");
      auto taken = hold_and_confirm(*coupon, order);
      payment.coupon_available = !refusal_of(taken);
      if (payment.coupon_available) retaken = std::move(*events_of(taken));
    }
  }
  auto d = decide(order, OrderCommand{payment});
  if (auto* refused = refusal_of(d)) return *refused;
  plan.order_events = *events_of(d);
  const auto effect = plan.order_events.empty() ? StockEffect::none : stock_effect(order, plan.order_events.front());
  if (effect == StockEffect::confirm || effect == StockEffect::release) {
    const bool release = effect == StockEffect::release;
    auto own = plan_each(products, [&](const ProductState&) -> ProductCommand {
      if (release) return ReleaseReservation{order.reference, events::ReleaseReason::payment_failed};
      return ConfirmReservation{order.reference};
    });
    if (auto* refused = std::get_if<DomainError>(&own)) return *refused;
    plan.products = std::get<std::vector<ProductPlan>>(std::move(own));
    if (coupon) {
      auto c = decide(*coupon, release ? CouponCommand{ReleaseCouponUse{order.reference, events::ReleaseReason::payment_failed}}
                                       : CouponCommand{ConfirmCouponUse{order.reference}});
      if (auto* refused = refusal_of(c)) return *refused;
      plan.coupon_events = *events_of(c);
    }
  } else if (effect == StockEffect::reserve_and_confirm) {
    plan.coupon_events = std::move(retaken);
  } else {
    plan.products.clear();  // needs attention (or nothing moves): the stock and the coupon stay as they are
  }
  plan.after = folded(order, plan.order_events);
  if (plan.after.status == OrderStatus::paid && order.status != OrderStatus::paid) {
    auto c = decide(cart, CartCommand{ClearCart{"order_paid"}});
    if (auto* evs = events_of(c)) plan.cart_events = *evs;
  }
  plan.left_pending = order.status == OrderStatus::pending_payment && plan.after.status != order.status &&
                      plan.after.status != OrderStatus::needs_attention;
  plan.effect = effect_of(plan.order_events);
  return plan;
}

bool end_order_needs_stock(const OrderState& order, const OrderCommand& command) {
  auto d = decide(order, command);
  const auto* evs = events_of(d);
  return evs && !evs->empty() && !lines_of(order).empty();
}

Planned<EndOrderPlan> plan_end_order(const OrderState& order, const OrderCommand& command, events::ReleaseReason reason,
                                     const std::vector<ProductState>& products, const CouponState* coupon) {
  auto d = decide(order, command);
  if (auto* refused = refusal_of(d)) return *refused;
  EndOrderPlan plan;
  plan.order_events = *events_of(d);
  plan.after = folded(order, plan.order_events);
  if (plan.order_events.empty()) return plan;
  auto released = plan_each(products, [&](const ProductState&) -> ProductCommand {
    return ReleaseReservation{order.reference, reason};
  });
  if (auto* refused = std::get_if<DomainError>(&released)) return *refused;
  plan.products = std::get<std::vector<ProductPlan>>(std::move(released));
  if (coupon) {
    auto c = decide(*coupon, CouponCommand{ReleaseCouponUse{order.reference, reason}});
    if (auto* refused = refusal_of(c)) return *refused;
    plan.coupon_events = *events_of(c);
  }
  return plan;
}

Planned<ResolvePlan> plan_resolve(const OrderState& order, const std::vector<ProductState>& products,
                                  const CouponState* coupon, const ResolveOrder& command) {
  auto d = decide(order, OrderCommand{command});
  if (auto* refused = refusal_of(d)) return *refused;
  if (order.coupon && !coupon) return refusal(DomainErrc::invalid_argument, "the order's coupon was not gathered");
  ResolvePlan plan;
  plan.order_events = *events_of(d);
  plan.after = folded(order, plan.order_events);
  if (command.action == events::Resolution::cancel) {
    auto released = plan_each(products, [&](const ProductState&) -> ProductCommand {
      return ReleaseReservation{order.reference, events::ReleaseReason::cancelled};
    });
    if (auto* refused = std::get_if<DomainError>(&released)) return *refused;
    plan.products = std::get<std::vector<ProductPlan>>(std::move(released));
    if (coupon) {
      auto c = decide(*coupon, CouponCommand{ReleaseCouponUse{order.reference, events::ReleaseReason::cancelled}});
      if (auto* refused = refusal_of(c)) return *refused;
      plan.coupon_events = *events_of(c);
    }
    return plan;
  }
  // mark_paid: a reservation the order still holds makes ReserveStock a no-op, so each line is
  // "reserve if not held, then confirm".
  std::vector<StockShortage> shortages;
  for (const auto& p : products) {
    const std::int64_t qty = quantity_in(order, p.sku);
    auto taken = reserve_and_confirm(p, order.reference, qty);
    if (auto* refused = refusal_of(taken)) {
      if (refused->code != DomainErrc::insufficient_stock && refused->code != DomainErrc::unknown_sku) return *refused;
      shortages.push_back({p.sku, qty, p.defined ? p.available() : 0});
      continue;
    }
    plan.products.push_back({p.sku, std::move(*events_of(taken))});
  }
  if (!shortages.empty()) return insufficient_stock(std::move(shortages));
  if (coupon) {
    auto taken = hold_and_confirm(*coupon, order);
    if (auto* refused = refusal_of(taken)) return *refused;
    plan.coupon_events = std::move(*events_of(taken));
  }
  return plan;
}

}  // namespace bitacora::domain
