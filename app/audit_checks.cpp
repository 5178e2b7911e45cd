// The cross-aggregate checks of `bitacora audit`, made once every stream is rebuilt.
#include <algorithm>
#include <utility>
#include <vector>

#include "actors/commerce.hpp"
#include "actors/webhook_processor.hpp"
#include "app/audit_state.hpp"

namespace bitacora::app::audit_detail {
namespace {

using domain::OrderStatus;

std::string where(const Stream& s) { return events::event_ref(s.last_seq, s.name, s.version); }

const domain::OrderState* order_of(const Findings& f, const OrderRef& ref) {
  const auto* s = f.streams.find(events::order_stream(ref));
  return s ? snapshots::state_if<domain::OrderState>(s->state) : nullptr;
}

bool holds_stock(OrderStatus s) { return s == OrderStatus::pending_payment || s == OrderStatus::needs_attention; }

void check_reservations(Findings& f, const Stream& s, const domain::ProductState& p) {
  // In order of reference, so that two audits of one log print the same report.
  std::vector<std::pair<OrderRef, std::int64_t>> held(p.reservations.begin(), p.reservations.end());
  std::sort(held.begin(), held.end());
  for (const auto& [ref, units] : held) {
    const auto* order = order_of(f, ref);
    if (!order || !order->placed) {
      f.violation(where(s) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", an order never placed");
      continue;
    }
    if (!holds_stock(order->status)) {
      f.violation(where(s) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", which is " +
                  std::string(domain::to_string(order->status)));
      continue;
    }
    std::int64_t ordered = 0;
    for (const auto& [sku, qty] : domain::lines_of(*order))
      if (sku == p.sku) ordered = qty;
    if (ordered != units)
      f.violation(where(s) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", which ordered " +
                  std::to_string(ordered));
  }
}

void check_order(Findings& f, const Stream& s, const domain::OrderState& o) {
  if (!o.placed) return;
  const bool paid = o.status == OrderStatus::paid || o.status == OrderStatus::refunded;
  for (const auto& [sku, qty] : domain::lines_of(o)) {
    const int confirmed = s.confirmations_of(sku);
    if (paid && confirmed != 1)
      f.violation(where(s) + ": paid, but its stock of " + sku.value() + " was confirmed " + std::to_string(confirmed) +
                  " times");
    if (!paid && confirmed != 0)
      f.violation(where(s) + ": " + std::string(domain::to_string(o.status)) + ", yet its stock of " + sku.value() +
                  " was confirmed");
    // A pending order holds every line. (needs_attention may or may not: a mismatch while pending
    // keeps its reservations, an approval after the order ended has none; check_reservations
    // checks whatever it holds.)
    if (o.status == OrderStatus::pending_payment) {
      const auto* product = f.streams.find(events::product_stream(sku));
      const auto* p = product ? snapshots::state_if<domain::ProductState>(product->state) : nullptr;
      if (!p || !p->reservations.count(o.reference))
        f.violation(where(s) + ": " + std::string(domain::to_string(o.status)) + " but holds no reservation of " +
                    sku.value());
    }
  }
  if (s.approvals() > 1) f.violation(where(s) + ": payment approved " + std::to_string(s.approvals()) + " times");
  if (o.amount_in_cents != o.subtotal_in_cents() - o.discount_in_cents + o.delivery_fee_in_cents)
    f.violation(where(s) + ": amount " + std::to_string(o.amount_in_cents) + " is not subtotal " +
                std::to_string(o.subtotal_in_cents()) + " - discount " + std::to_string(o.discount_in_cents) +
                " + delivery fee " + std::to_string(o.delivery_fee_in_cents));
  if (o.coupon && o.status == OrderStatus::pending_payment) {
    const auto* coupon = f.streams.find(events::coupon_stream(*o.coupon));
    const auto* c = coupon ? snapshots::state_if<domain::CouponState>(coupon->state) : nullptr;
    if (!c || !c->holds.contains(o.reference))
      f.violation(where(s) + ": waiting for payment with coupon " + o.coupon->value() + ", but holds no use of it");
  }
  if (o.status == OrderStatus::pending_payment && !f.timers.count({actors::kReservationExpiry, o.reference.value()}))
    f.violation(where(s) + ": waiting for payment with no expiry timer: its stock would never be released");
}

void check_coupon(Findings& f, const Stream& s, const domain::CouponState& c) {
  const auto& t = c.terms;
  if (t.max_uses && c.used + c.held > *t.max_uses)
    f.violation(where(s) + ": used " + std::to_string(c.used) + " + held " + std::to_string(c.held) + " passes max_uses " +
                std::to_string(*t.max_uses));
  if (c.held != static_cast<std::int64_t>(c.holds.size()))
    f.violation(where(s) + ": counts " + std::to_string(c.held) + " uses held by " + std::to_string(c.holds.size()) + " orders");
  if (t.max_uses_per_user) {
    std::vector<std::pair<UserId, std::int64_t>> shoppers(c.uses_by_user.begin(), c.uses_by_user.end());
    std::sort(shoppers.begin(), shoppers.end());
    for (const auto& [user, uses] : shoppers)
      if (uses > *t.max_uses_per_user)
        f.violation(where(s) + ": shopper " + user.value() + " has " + std::to_string(uses) + " uses, past max_uses_per_user " +
                    std::to_string(*t.max_uses_per_user));
  }
  std::vector<std::pair<OrderRef, UserId>> holds(c.holds.begin(), c.holds.end());
  std::sort(holds.begin(), holds.end());
  for (const auto& [ref, user] : holds) {
    const auto* order = order_of(f, ref);
    if (!order || !order->placed) {
      f.violation(where(s) + ": a use is held by " + ref.value() + ", an order never placed");
    } else if (!holds_stock(order->status)) {
      f.violation(where(s) + ": a use is held by " + ref.value() + ", which is " + std::string(domain::to_string(order->status)));
    } else if (order->coupon != c.code || order->user != user) {
      f.violation(where(s) + ": a use is held by " + ref.value() + ", whose coupon or shopper is another");
    }
  }
}

void check_webhook(Findings& f, const Stream& s, const domain::WebhookSummary& w) {
  if (w.status == domain::WebhookStatus::processing)
    f.violation(where(s) + ": left processing");
  if (w.status == domain::WebhookStatus::pending && !f.timers.count({actors::kWebhookTimer, w.key}))
    f.violation(where(s) + ": pending with no processing timer: it would never be processed");
}

}  // namespace

void check_cross_aggregate(Findings& f) {
  f.streams.for_each([&](const Stream& s) {
    if (const auto* p = snapshots::state_if<domain::ProductState>(s.state)) check_reservations(f, s, *p);
    else if (const auto* o = snapshots::state_if<domain::OrderState>(s.state)) check_order(f, s, *o);
    else if (const auto* w = snapshots::state_if<domain::WebhookSummary>(s.state)) check_webhook(f, s, *w);
    else if (const auto* c = snapshots::state_if<domain::CouponState>(s.state)) check_coupon(f, s, *c);
  });
}

}  // namespace bitacora::app::audit_detail
