#include "domain/notifications.hpp"

#include <algorithm>

#include "events/catalog_events.hpp"
#include "events/order_events.hpp"
#include "events/webhook_events.hpp"
#include "support/json_writer.hpp"
#include "support/time.hpp"

namespace bitacora::domain {
namespace {

std::string_view after_prefix(std::string_view stream, std::string_view prefix) {
  return stream.starts_with(prefix) ? stream.substr(prefix.size()) : std::string_view();
}

// {"order_reference":…, …}: an order's notification, the rest of its members added by `more`.
template <class More>
std::string order_data(std::string_view stream, More more) {
  JsonWriter w;
  w.begin_object().field("order_reference", after_prefix(stream, events::kOrderStreamPrefix));
  more(w);
  w.end_object();
  return w.str();
}

std::optional<Notification> make(events::Seq seq, const events::EnvelopeView& e, std::string_view type, std::string data) {
  return Notification{seq, type, e.at, std::move(data)};
}

std::optional<Notification> of_order(events::Seq seq, const events::EnvelopeView& e) {
  const auto payment = [](JsonWriter& w, std::string_view gateway, std::string_view transaction, std::string_view status) {
    w.field("gateway", gateway).field("transaction_id", transaction).field("status", status);
  };
  if (e.type == events::PaymentApproved::kType) {
    auto p = events::payment_approved_from_json(e.data);
    if (!p) return std::nullopt;
    return make(seq, e, "order.paid", order_data(e.stream, [&](JsonWriter& w) {
                  payment(w, p->gateway, p->transaction_id, p->status);
                  w.field("amount_in_cents", p->amount_in_cents).field("currency", p->currency);
                }));
  }
  if (e.type == events::OrderExpired::kType) return make(seq, e, "order.expired", order_data(e.stream, [](JsonWriter&) {}));
  if (e.type == events::OrderCancelled::kType) {
    auto c = events::order_cancelled_from_json(e.data);
    if (!c) return std::nullopt;
    return make(seq, e, "order.cancelled", order_data(e.stream, [&](JsonWriter& w) { w.field("by", c->by); }));
  }
  if (e.type == events::OrderNeedsAttention::kType) {
    auto a = events::order_needs_attention_from_json(e.data);
    if (!a) return std::nullopt;
    return make(seq, e, "order.needs_attention", order_data(e.stream, [&](JsonWriter& w) {
                  w.field("reason", events::to_string(a->reason));
                  payment(w, a->gateway, a->transaction_id, a->status);
                  w.field("amount_in_cents", a->amount_in_cents).field("currency", a->currency);
                }));
  }
  if (e.type == events::OrderRefunded::kType) {
    auto r = events::order_refunded_from_json(e.data);
    if (!r) return std::nullopt;
    return make(seq, e, "order.refunded",
                order_data(e.stream, [&](JsonWriter& w) { payment(w, r->gateway, r->transaction_id, r->status); }));
  }
  if (e.type == events::OrderResolved::kType) {
    auto r = events::order_resolved_from_json(e.data);
    if (!r) return std::nullopt;
    const bool paid = r->action == events::Resolution::mark_paid;
    return make(seq, e, paid ? "order.paid" : "order.cancelled", order_data(e.stream, [&](JsonWriter& w) {
                  w.field("by", r->by).field("resolution", events::to_string(r->action));
                }));
  }
  return std::nullopt;
}

std::optional<Notification> of_product(events::Seq seq, const events::EnvelopeView& e, const StockLowThresholds& thresholds) {
  std::int64_t after = 0, before = 0;
  if (e.type == events::StockReserved::kType) {
    auto r = events::stock_reserved_from_json(e.data);
    if (!r || !r->available_after) return std::nullopt;
    after = *r->available_after;
    before = after + r->quantity;
  } else if (e.type == events::StockAdjusted::kType) {
    auto a = events::stock_adjusted_from_json(e.data);
    if (!a || !a->available_after) return std::nullopt;
    after = *a->available_after;
    before = after - a->delta;
  } else {
    return std::nullopt;
  }
  const std::string_view sku = after_prefix(e.stream, events::kProductStreamPrefix);
  const std::int64_t threshold = thresholds.of(sku);
  if (!(before > threshold && after <= threshold)) return std::nullopt;
  JsonWriter w;
  w.begin_object().field("sku", sku).field("available", after).field("threshold", threshold).end_object();
  return make(seq, e, "product.stock_low", w.str());
}

}  // namespace

bool is_notification_type(std::string_view type) noexcept {
  return std::find(kNotificationTypes.begin(), kNotificationTypes.end(), type) != kNotificationTypes.end();
}

std::int64_t StockLowThresholds::of(std::string_view sku) const {
  const auto it = per_sku.find(sku);
  return it == per_sku.end() ? default_threshold : it->second;
}

std::optional<Notification> notification_of(events::Seq seq, const events::EnvelopeView& event,
                                            const StockLowThresholds& thresholds) {
  if (event.stream.starts_with(events::kOrderStreamPrefix)) return of_order(seq, event);
  if (event.stream.starts_with(events::kProductStreamPrefix)) return of_product(seq, event, thresholds);
  if (event.stream.starts_with(events::kWebhookStreamPrefix) && event.type == events::WebhookFailed::kType) {
    auto f = events::webhook_failed_from_json(event.data);
    if (!f) return std::nullopt;
    JsonWriter w;
    w.begin_object()
        .field("dedupe_key", after_prefix(event.stream, events::kWebhookStreamPrefix))
        .field("attempt", f->attempt)
        .field("error", f->error)
        .end_object();
    return make(seq, event, "webhook.failed", w.str());
  }
  return std::nullopt;
}

std::string notification_id(events::Seq seq) { return "evt_" + std::to_string(seq); }

std::string notification_json(const Notification& n) {
  JsonWriter w;
  w.begin_object()
      .field("id", notification_id(n.seq))
      .field("seq", n.seq)
      .field("type", n.type)
      .field("timestamp", format_rfc3339(n.at))
      .key("data")
      .raw(n.data)
      .end_object();
  return w.str();
}

}  // namespace bitacora::domain
