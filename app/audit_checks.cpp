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

std::string where(const Stream& s, const std::string& stream) {
  return "seq " + std::to_string(s.last_seq) + " (" + stream + " v" + std::to_string(s.version) + ")";
}

const domain::OrderState* order_of(const Findings& f, const std::string& ref) {
  auto it = f.streams.find(std::string(events::kOrderStreamPrefix) + ref);
  if (it == f.streams.end()) return nullptr;
  return snapshots::state_if<domain::OrderState>(it->second.state);
}

bool holds_stock(OrderStatus s) { return s == OrderStatus::pending_payment || s == OrderStatus::needs_attention; }

void check_reservations(Findings& f, const std::string& stream, const Stream& s, const domain::ProductState& p) {
  // In order of reference, so that two audits of one log print the same report.
  std::vector<std::pair<OrderRef, std::int64_t>> held(p.reservations.begin(), p.reservations.end());
  std::sort(held.begin(), held.end());
  for (const auto& [ref, units] : held) {
    const auto* order = order_of(f, ref.value());
    if (!order || !order->placed) {
      f.violation(where(s, stream) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", an order never placed");
      continue;
    }
    if (!holds_stock(order->status)) {
      f.violation(where(s, stream) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", which is " +
                  std::string(domain::to_string(order->status)));
      continue;
    }
    std::int64_t ordered = 0;
    for (const auto& [sku, qty] : domain::lines_of(*order))
      if (sku == p.sku) ordered = qty;
    if (ordered != units)
      f.violation(where(s, stream) + ": holds " + std::to_string(units) + " units for " + ref.value() + ", which ordered " +
                  std::to_string(ordered));
  }
}

void check_order(Findings& f, const std::string& stream, const Stream& s, const domain::OrderState& o) {
  if (!o.placed) return;
  const bool paid = o.status == OrderStatus::paid || o.status == OrderStatus::refunded;
  for (const auto& [sku, qty] : domain::lines_of(o)) {
    auto it = f.confirmations.find({o.reference.value(), sku.value()});
    const int confirmed = it == f.confirmations.end() ? 0 : it->second;
    if (paid && confirmed != 1)
      f.violation(where(s, stream) + ": paid, but its stock of " + sku.value() + " was confirmed " + std::to_string(confirmed) +
                  " times");
    if (!paid && confirmed != 0)
      f.violation(where(s, stream) + ": " + std::string(domain::to_string(o.status)) + ", yet its stock of " + sku.value() +
                  " was confirmed");
    // A pending order holds every line. (needs_attention may or may not: a mismatch while pending
    // keeps its reservations, an approval after the order ended has none; check_reservations
    // checks whatever it holds.)
    if (o.status == OrderStatus::pending_payment) {
      auto product = f.streams.find(std::string(events::kProductStreamPrefix) + sku.value());
      const auto* p = product == f.streams.end() ? nullptr : snapshots::state_if<domain::ProductState>(product->second.state);
      if (!p || !p->reservations.count(o.reference))
        f.violation(where(s, stream) + ": " + std::string(domain::to_string(o.status)) + " but holds no reservation of " +
                    sku.value());
    }
  }
  if (auto it = f.approvals.find(o.reference.value()); it != f.approvals.end() && it->second > 1)
    f.violation(where(s, stream) + ": payment approved " + std::to_string(it->second) + " times");
  if (o.status == OrderStatus::pending_payment && !f.timers.count({actors::kReservationExpiry, o.reference.value()}))
    f.violation(where(s, stream) + ": waiting for payment with no expiry timer: its stock would never be released");
}

void check_webhook(Findings& f, const std::string& stream, const Stream& s, const domain::WebhookSummary& w) {
  if (w.status == domain::WebhookStatus::processing)
    f.violation(where(s, stream) + ": left processing");
  if (w.status == domain::WebhookStatus::pending && !f.timers.count({actors::kWebhookTimer, w.key}))
    f.violation(where(s, stream) + ": pending with no processing timer: it would never be processed");
}

}  // namespace

void check_cross_aggregate(Findings& f) {
  for (const auto& [stream, s] : f.streams) {
    if (const auto* p = snapshots::state_if<domain::ProductState>(s.state)) check_reservations(f, stream, s, *p);
    else if (const auto* o = snapshots::state_if<domain::OrderState>(s.state)) check_order(f, stream, s, *o);
    else if (const auto* w = snapshots::state_if<domain::WebhookSummary>(s.state)) check_webhook(f, stream, s, *w);
  }
}

}  // namespace bitacora::app::audit_detail
