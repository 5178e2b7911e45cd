// Shop-side helpers for black-box tests: shoppers' tokens and the few calls most tests make.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tests/harness/http_client.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::testing {

inline constexpr const char* kJwtSecret = "test-jwt-secret";  // test_config()'s auth.jwt_secret

[[nodiscard]] std::string shopper_token(const std::string& user);
[[nodiscard]] Headers as_shopper(const std::string& user);
[[nodiscard]] Headers as_admin();

// PUT /api/products/{sku}; REQUIREs 200.
void define_product(HttpClient& c, const std::string& sku, std::int64_t stock, std::int64_t price_in_cents = 1000);
// GET /api/products/{sku} → on_hand, reserved, available.
struct Stock {
  std::int64_t on_hand = 0, reserved = 0, available = 0;
};
[[nodiscard]] Stock stock_of(HttpClient& c, const std::string& sku);
// POST /api/cart/bulk-update without If-Match; REQUIREs 200.
void fill_cart(HttpClient& c, const std::string& user, const std::map<std::string, std::int64_t>& lines);
// fill_cart, then POST /api/checkout with Wompi; REQUIREs 201.
struct PlacedOrder {
  std::string reference;
  std::int64_t amount = 0;
};
[[nodiscard]] PlacedOrder place_order(HttpClient& c, const std::string& user, const std::map<std::string, std::int64_t>& lines);
// GET /api/orders/{reference} as admin → its status.
[[nodiscard]] std::string order_status(HttpClient& c, const std::string& reference);
// The sum of every series of a metric in GET /metrics (0 when absent).
[[nodiscard]] double metric(HttpClient& c, const std::string& name);
// Every webhook event GET /api/webhook-events lists, all pages: dedupe key → the ids listed
// under it (more than one would be a double record).
[[nodiscard]] std::map<std::string, std::vector<std::string>> listed_webhooks(HttpClient& c);
// The types of a stream's events, oldest first.
[[nodiscard]] std::vector<std::string> event_types(HttpClient& c, const std::string& stream);

}  // namespace bitacora::testing
