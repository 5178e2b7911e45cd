// Notifications to downstream systems (fulfilment, e-mail, ERP), derived from the log: each is
// one event that matters outside bitacora, under a stable id — the event's sequence — and a type
// such as "order.paid". The same derivation feeds the pull feed (GET /api/events) and the
// subscriptions' deliveries, so both say the same thing about the same event. Pure; thread-safe.
//
// Types and the events they come from:
//   order.paid             PaymentApproved; OrderResolved mark_paid
//   order.expired          OrderExpired
//   order.cancelled        OrderCancelled; OrderResolved cancel
//   order.needs_attention  OrderNeedsAttention
//   order.refunded         OrderRefunded
//   webhook.failed         WebhookFailed (a gateway's webhook that will not be attempted again)
//   product.stock_low      StockReserved or StockAdjusted that takes a product's available stock
//                          from above its threshold to at or below it (records written before
//                          they carried available_after never do)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "events/envelope.hpp"

namespace bitacora::domain {

inline constexpr std::array<std::string_view, 7> kNotificationTypes{
    "order.paid",     "order.expired",  "order.cancelled",  "order.needs_attention",
    "order.refunded", "webhook.failed", "product.stock_low"};
[[nodiscard]] bool is_notification_type(std::string_view type) noexcept;

// When a product's stock is low: at or below its own threshold if it has one, else the default.
struct StockLowThresholds {
  std::int64_t default_threshold = 5;
  std::map<std::string, std::int64_t, std::less<>> per_sku;
  [[nodiscard]] std::int64_t of(std::string_view sku) const;
};

struct Notification {
  events::Seq seq = 0;
  std::string_view type;  // one of kNotificationTypes
  Micros at = 0;          // when its event was appended
  std::string data;       // a JSON object: what the type says (docs/api.md "Notifications")
};

// The notification the event at `seq` makes, if any. An event whose data does not decode makes
// none (audit reports it).
[[nodiscard]] std::optional<Notification> notification_of(events::Seq seq, const events::EnvelopeView& event,
                                                          const StockLowThresholds& thresholds);

// The notification as sent and listed:
// {"id":"evt_<seq>","seq":…,"type":"order.paid","timestamp":"<RFC 3339>","data":{…}}.
[[nodiscard]] std::string notification_json(const Notification& n);
// "evt_<seq>": the Standard Webhooks webhook-id of its deliveries.
[[nodiscard]] std::string notification_id(events::Seq seq);

}  // namespace bitacora::domain
