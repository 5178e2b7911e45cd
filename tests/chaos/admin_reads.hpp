// What the server says, read through its admin API (docs/api.md §2, §3, §4, §5), every page of
// it. A read that is not answered 200 throws ReadFailed: the check that made it cannot judge, and
// says so. One HttpClient per thread, as always.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/time.hpp"
#include "tests/harness/http_client.hpp"

namespace bitacora::chaos {

struct ReadFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct WebhookRow {
  std::string id, key, status;
};
// GET /api/webhook-events, every page (quarantined requests included).
[[nodiscard]] std::vector<WebhookRow> all_webhook_events(testing::HttpClient& c);

struct OrderRow {
  std::string reference, status;
  std::int64_t amount_in_cents = 0;
  std::map<std::string, std::int64_t> lines;  // sku → quantity
  Micros expires_at = 0;
};
// GET /api/orders[?status=…], every page.
[[nodiscard]] std::vector<OrderRow> all_orders(testing::HttpClient& c, const std::string& status = {});
// GET /api/orders/{reference} as admin.
[[nodiscard]] OrderRow order_of(testing::HttpClient& c, const std::string& reference);

// One event of a stream, with the few `data` fields the checks read (0 or empty when absent).
struct StreamEvent {
  std::int64_t version = 0;
  std::string type;
  Micros at = 0;
  std::string order_reference, reason;
  std::int64_t quantity = 0, delta = 0;
};
// GET /api/streams/{stream}/events, every page, oldest first.
[[nodiscard]] std::vector<StreamEvent> stream_events(testing::HttpClient& c, const std::string& stream);

struct ProductRow {
  std::int64_t on_hand = 0, reserved = 0, available = 0;
};
// GET /api/products/{sku}.
[[nodiscard]] ProductRow product_of(testing::HttpClient& c, const std::string& sku);

// GET /health → webhooks.pending.
[[nodiscard]] std::int64_t pending_webhooks(testing::HttpClient& c);

}  // namespace bitacora::chaos
