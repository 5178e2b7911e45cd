// Which events downstream systems hear of, and what each notification says (domain/notifications).
#include <catch2/catch.hpp>

#include "domain/notifications.hpp"
#include "events/catalog_events.hpp"
#include "events/order_events.hpp"
#include "events/webhook_events.hpp"

using namespace bitacora;
using domain::notification_of;

namespace {

events::Envelope envelope(std::string stream, std::string_view type, std::string data) {
  return events::Envelope{std::move(stream), 1, std::string(type), 1'795'343'400'123'000, std::move(data), {}};
}

const domain::StockLowThresholds kThresholds{2, {{"big", 50}}};

}  // namespace

TEST_CASE("a payment approved is an order.paid with the payment's details", "[domain][notifications]") {
  const auto e = envelope("order/ORD-1", events::PaymentApproved::kType,
                          events::to_json(events::PaymentApproved{"wompi", "tx-1", "APPROVED", 3000, "COP"}));
  auto n = notification_of(42, e, kThresholds);
  REQUIRE(n);
  CHECK(n->type == "order.paid");
  CHECK(domain::notification_json(*n) ==
        R"({"id":"evt_42","seq":42,"type":"order.paid","timestamp":"2026-11-22T10:30:00.123Z","data":)"
        R"({"order_reference":"ORD-1","gateway":"wompi","transaction_id":"tx-1","status":"APPROVED",)"
        R"("amount_in_cents":3000,"currency":"COP"}})");
}

TEST_CASE("order endings, resolutions and a webhook given up on each make their type", "[domain][notifications]") {
  const auto type_of = [](const events::Envelope& e) {
    auto n = notification_of(1, e, kThresholds);
    return n ? std::string(n->type) : std::string("none");
  };
  CHECK(type_of(envelope("order/O", events::OrderExpired::kType, "{}")) == "order.expired");
  CHECK(type_of(envelope("order/O", events::OrderCancelled::kType, events::to_json(events::OrderCancelled{}))) ==
        "order.cancelled");
  CHECK(type_of(envelope("order/O", events::OrderResolved::kType,
                         events::to_json(events::OrderResolved{events::Resolution::mark_paid, "alice", ""}))) == "order.paid");
  CHECK(type_of(envelope("order/O", events::OrderResolved::kType,
                         events::to_json(events::OrderResolved{events::Resolution::cancel, "alice", ""}))) == "order.cancelled");
  CHECK(type_of(envelope("order/O", events::OrderRefunded::kType,
                         events::to_json(events::OrderRefunded{"stripe", "pi_1", "charge.refunded"}))) == "order.refunded");
  CHECK(type_of(envelope("webhook/stripe:evt_1", events::WebhookFailed::kType,
                         events::to_json(events::WebhookFailed{3, "unknown order"}))) == "webhook.failed");
  // Not for downstream systems: an order placed, a payment failed, a webhook that succeeded.
  CHECK(type_of(envelope("webhook/stripe:evt_1", events::WebhookSucceeded::kType,
                         events::to_json(events::WebhookSucceeded{1, "paid"}))) == "none");
  CHECK(type_of(envelope("order/O", events::PaymentFailed::kType,
                         events::to_json(events::PaymentFailed{"wompi", "t", "DECLINED"}))) == "none");
  // A record that does not decode makes none.
  CHECK(type_of(envelope("order/O", events::PaymentApproved::kType, "{\"gateway\":1}")) == "none");
}

TEST_CASE("product.stock_low once, when available stock crosses its threshold, 0 included", "[domain][notifications]") {
  const auto reserved = [](std::string sku, std::int64_t quantity, std::optional<std::int64_t> after) {
    events::StockReserved r{OrderRef{"O"}, quantity, after};
    // Through the stored JSON, as the feed reads it.
    return envelope("product/" + sku, events::StockReserved::kType, events::to_json(r));
  };
  CHECK_FALSE(notification_of(1, reserved("mug", 1, 3), kThresholds));  // 4 → 3: above 2
  auto low = notification_of(2, reserved("mug", 1, 2), kThresholds);    // 3 → 2: low
  REQUIRE(low);
  CHECK(low->data == R"({"sku":"mug","available":2,"threshold":2})");
  CHECK_FALSE(notification_of(3, reserved("mug", 1, 1), kThresholds));  // 2 → 1: was low already
  domain::StockLowThresholds zero{0, {}};
  auto out = notification_of(4, reserved("mug", 1, 0), zero);  // 1 → 0 with threshold 0
  REQUIRE(out);
  CHECK(out->data == R"({"sku":"mug","available":0,"threshold":0})");
  CHECK(notification_of(5, reserved("big", 10, 50), kThresholds));        // its own threshold
  CHECK_FALSE(notification_of(6, reserved("mug", 5, std::nullopt), kThresholds));  // an older record: unknown

  // An adjustment down crosses it too; one up does not.
  const auto adjusted = [](std::int64_t delta, std::int64_t after) {
    events::StockAdjusted a{delta, "damaged", 0, "", "", after};
    return envelope("product/mug", events::StockAdjusted::kType, events::to_json(a));
  };
  CHECK(notification_of(7, adjusted(-5, 1), kThresholds));
  CHECK_FALSE(notification_of(8, adjusted(+5, 6), kThresholds));
}
