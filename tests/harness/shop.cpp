#include "tests/harness/shop.hpp"

#include <catch2/catch.hpp>

#include "http/jwt.hpp"
#include "tests/harness/json.hpp"

namespace bitacora::testing {

std::string shopper_token(const std::string& user) {
  return http::sign_jwt_hs256(R"({"sub":")" + user + R"("})", kJwtSecret);
}

Headers as_shopper(const std::string& user) { return {{"Authorization", "Bearer " + shopper_token(user)}}; }
Headers as_admin() { return {{"Authorization", std::string("Bearer ") + secrets::admin_token}}; }

void define_product(HttpClient& c, const std::string& sku, std::int64_t stock, std::int64_t price_in_cents) {
  auto r = c.request("PUT", "/api/products/" + sku,
                     R"({"name":"Product )" + sku + R"(","price_in_cents":)" + std::to_string(price_in_cents) +
                         R"(,"currency":"COP","stock":)" + std::to_string(stock) + "}",
                     as_admin());
  INFO(r.body);
  REQUIRE(r.status == 200);
}

Stock stock_of(HttpClient& c, const std::string& sku) {
  auto r = c.get("/api/products/" + sku);
  INFO(r.body);
  REQUIRE(r.status == 200);
  Json j(r.body);
  return {j.num("/on_hand"), j.num("/reserved"), j.num("/available")};
}

void fill_cart(HttpClient& c, const std::string& user, const std::map<std::string, std::int64_t>& lines) {
  std::string body = "{";
  for (const auto& [sku, qty] : lines) {
    if (body.size() > 1) body += ',';
    body += "\"" + sku + "\":" + std::to_string(qty);
  }
  body += "}";
  auto r = c.post("/api/cart/bulk-update", body, as_shopper(user));
  INFO(r.body);
  REQUIRE(r.status == 200);
}

PlacedOrder place_order(HttpClient& c, const std::string& user, const std::map<std::string, std::int64_t>& lines) {
  fill_cart(c, user, lines);
  auto r = c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper(user));
  INFO(r.body);
  REQUIRE(r.status == 201);
  Json j(r.body);
  return {j.str("/reference"), j.num("/amount_in_cents")};
}

std::string order_status(HttpClient& c, const std::string& reference) {
  return Json(c.get("/api/orders/" + reference, as_admin()).body).str("/status");
}

std::map<std::string, std::vector<std::string>> listed_webhooks(HttpClient& c) {
  std::map<std::string, std::vector<std::string>> out;
  std::string cursor;
  for (;;) {
    auto r = c.get("/api/webhook-events?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), as_admin());
    REQUIRE(r.status == 200);
    Json page(r.body);
    auto items = page.at("/items").get_array().value();
    for (auto item : items) out[std::string(item["key"].get_string().value())].emplace_back(item["id"].get_string().value());
    if (page.is_null("/next_cursor")) return out;
    cursor = page.str("/next_cursor");
  }
}

double metric(HttpClient& c, const std::string& name) {
  auto body = c.get("/metrics").body;
  double sum = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string_view line(body.data() + pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(name)) continue;
    auto rest = line.substr(name.size());
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '{')) continue;
    sum += std::stod(std::string(rest.substr(rest.rfind(' ') + 1)));
  }
  return sum;
}

std::vector<std::string> event_types(HttpClient& c, const std::string& stream) {
  auto r = c.get("/api/streams/" + stream + "/events", as_admin());
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  Json page(r.body);
  auto items = page.at("/items").get_array().value();
  for (auto item : items) out.emplace_back(item["type"].get_string().value());
  return out;
}

}  // namespace bitacora::testing
