// Black-box: delivery zones, quotes and the price of a checkout on the real binary (API.md §4
// "Delivery", "Quote"): amount = subtotal − discount + delivery fee, and the Wompi integrity
// signature covers that amount.
#include <catch2/catch.hpp>

#include "http/gateways/verify.hpp"

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

void define_zone(HttpClient& c, const std::string& zone, const std::string& terms) {
  auto r = c.put("/api/delivery/zones/" + zone, "{" + terms + "}", as_admin());
  INFO(r.body);
  REQUIRE(r.status == 200);
}

HttpResponse quote(HttpClient& c, const std::string& user, const std::string& body) {
  return c.post("/api/cart/quote", body, as_shopper(user));
}

}  // namespace

TEST_CASE("zones are defined, listed, and price a quote and a checkout the same way", "[blackbox][delivery]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 10'000);
  define_zone(c, "north", R"("currency":"COP","base_in_cents":3000,"per_km_in_cents":1250,"free_over_in_cents":50000,"max_km":12.5)");
  define_zone(c, "south", R"("currency":"COP","base_in_cents":5000,"per_km_in_cents":0)");
  define_zone(c, "usa", R"("currency":"USD","base_in_cents":500,"per_km_in_cents":10)");

  Json zones(c.get("/api/delivery/zones", as_admin()).body);
  REQUIRE(zones.size("/items") == 3);
  CHECK(zones.str("/items/0/zone") == "north");
  CHECK(zones.num("/items/0/free_over_in_cents") == 50'000);
  CHECK(zones.at("/items/0/max_km").get_double().value() == 12.5);
  CHECK(zones.is_null("/items/1/max_km"));
  CHECK(c.get("/api/delivery/zones", as_shopper("ana")).status == 401);

  fill_cart(c, "ana", {{"sku-1", 2}});
  // 2.3 km × 12.50 = 28.75 → 2875 cents, plus the base.
  Json q(quote(c, "ana", R"({"delivery":{"zone":"north","distance_km":2.3}})").body);
  CHECK(q.num("/subtotal_in_cents") == 20'000);
  CHECK(q.num("/discount_in_cents") == 0);
  CHECK(q.num("/delivery_fee_in_cents") == 3000 + 2875);
  CHECK(q.num("/total_in_cents") == 25'875);
  CHECK(q.str("/currency") == "COP");
  CHECK(Json(quote(c, "ana", "").body).num("/total_in_cents") == 20'000);  // no body: pickup
  CHECK(Json(quote(c, "ana", R"({"delivery":null})").body).num("/delivery_fee_in_cents") == 0);
  CHECK(stock_of(c, "sku-1").reserved == 0);  // a quote reserves nothing

  auto placed = c.post("/api/checkout", R"({"gateway":"wompi","delivery":{"zone":"north","distance_km":2.3}})", as_shopper("ana"));
  REQUIRE(placed.status == 201);
  Json order(placed.body);
  CHECK(order.num("/amount_in_cents") == 25'875);
  CHECK(order.num("/delivery_fee_in_cents") == 5'875);
  CHECK(order.str("/delivery/zone") == "north");
  CHECK(order.at("/delivery/distance_km").get_double().value() == 2.3);
  CHECK(order.str("/integrity_signature") ==
        bitacora::http::gateways::wompi_integrity_signature(order.str("/reference"), 25'875, "COP", bitacora::Secret("test_integrity")));
  Json read(c.get("/api/orders/" + order.str("/reference"), as_shopper("ana")).body);
  CHECK(read.num("/subtotal_in_cents") == 20'000);
  CHECK(read.num("/amount_in_cents") == 25'875);

  // Free over 500.00: a cart of 6 × 100.00 pays no delivery.
  fill_cart(c, "bea", {{"sku-1", 6}});
  CHECK(Json(quote(c, "bea", R"({"delivery":{"zone":"north","distance_km":12.5}})").body).num("/delivery_fee_in_cents") == 0);
}

TEST_CASE("a delivery that cannot be made is 422 delivery_unavailable with its reason, and reserves nothing",
          "[blackbox][delivery]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 10'000);
  define_zone(c, "north", R"("currency":"COP","base_in_cents":3000,"per_km_in_cents":1250,"max_km":10)");
  define_zone(c, "usa", R"("currency":"USD","base_in_cents":500,"per_km_in_cents":10)");
  fill_cart(c, "ana", {{"sku-1", 1}});
  const std::vector<std::pair<std::string, std::string>> rows{
      {R"({"zone":"nowhere","distance_km":1})", "unknown_zone"},
      {R"({"zone":"not a zone","distance_km":1})", "unknown_zone"},
      {R"({"zone":"usa","distance_km":1})", "currency"},
      {R"({"zone":"north","distance_km":10.001})", "too_far"},
      {R"({"zone":"north","distance_km":-1})", "invalid_distance"},
      {R"({"zone":"north","distance_km":"3"})", "invalid_distance"},
      {R"({"zone":"north"})", "invalid_distance"},
      {R"({"zone":"north","distance_km":1e300})", "invalid_distance"},
  };
  for (const auto& [delivery, reason] : rows) {
    INFO(delivery);
    for (const auto* route : {"/api/cart/quote", "/api/checkout"}) {
      auto r = c.post(route, R"({"gateway":"wompi","delivery":)" + delivery + "}", as_shopper("ana"));
      CHECK(r.status == 422);
      CHECK(Json(r.body).str("/error") == "delivery_unavailable");
      CHECK(Json(r.body).str("/reason") == reason);
    }
  }
  CHECK(stock_of(c, "sku-1").reserved == 0);
  auto not_object = c.post("/api/checkout", R"({"gateway":"wompi","delivery":"north"})", as_shopper("ana"));
  CHECK(not_object.status == 400);
  CHECK(Json(not_object.body).str("/field") == "delivery");
  auto bad_zone = c.put("/api/delivery/zones/north", R"({"currency":"COP","base_in_cents":-1,"per_km_in_cents":0})", as_admin());
  CHECK(bad_zone.status == 422);
  CHECK(Json(bad_zone.body).str("/field") == "base_in_cents");
  CHECK(quote(c, "nobody", "{}").status == 422);  // an empty cart has nothing to quote
}
