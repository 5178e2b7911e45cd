// Black-box: checkout statistics on the real binary (API.md §4 "Statistics"): a scripted day of
// orders in known outcomes gives exactly those counts and sums, and again after a restart.
#include <catch2/catch.hpp>

#include "support/time.hpp"

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

std::string checkout(HttpClient& c, const std::string& user, const std::string& body, std::int64_t& amount) {
  auto r = c.post("/api/checkout", body, as_shopper(user));
  INFO(r.body);
  REQUIRE(r.status == 201);
  Json j(r.body);
  amount = j.num("/amount_in_cents");
  return j.str("/reference");
}

void pay(HttpClient& c, const std::string& ref, const std::string& status, std::int64_t amount, const std::string& tx) {
  auto w = wompi_webhook(tx, status, amount, ref, unix_now());
  REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
}

void check_day(HttpClient& c, const std::string& from, const std::string& to) {
  auto r = c.get("/api/stats/checkouts?from=" + from + "&to=" + to, as_admin());
  INFO(r.body);
  REQUIRE(r.status == 200);
  Json s(r.body);
  CHECK(s.num("/created") == 6);
  CHECK(s.num("/paid") == 2);
  CHECK(s.num("/expired") == 1);
  CHECK(s.num("/cancelled") == 1);
  CHECK(s.num("/payment_failed") == 1);
  CHECK(s.num("/needs_attention") == 1);
  CHECK(s.num("/refunded") == 0);
  CHECK(s.at("/conversion_rate").get_double().value() == Approx(2.0 / 6.0));
  // Paid: 2 × 100.00 less 10% (18000), and 1 × 100.00 delivered 2 km at 10.00/km plus 5.00 (12500).
  CHECK(s.num("/revenue_in_cents/COP") == 18'000 + 12'500);
  CHECK(s.num("/discount_in_cents/COP") == 2'000);
  CHECK(s.num("/delivery_fees_in_cents/COP") == 2'500);
  CHECK(s.num("/coupon_uses/DAY10") == 1);
}

}  // namespace

TEST_CASE("a scripted day of checkouts gives exactly its counts and sums, also after a restart", "[blackbox][stats]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[reservations]\nttl_seconds = 8\n"));
  server.start();
  HttpClient c(server.port());
  const auto from = bitacora::format_rfc3339((unix_now() - 60) * 1'000'000);
  define_product(c, "sku-1", 100, 10'000);
  REQUIRE(c.put("/api/coupons/DAY10", R"({"kind":"percent","value":10})", as_admin()).status == 200);
  REQUIRE(c.put("/api/delivery/zones/city", R"({"currency":"COP","base_in_cents":500,"per_km_in_cents":1000})", as_admin())
              .status == 200);
  std::int64_t amount = 0;

  fill_cart(c, "u-expires", {{"sku-1", 1}});
  auto expires = checkout(c, "u-expires", R"({"gateway":"wompi"})", amount);

  fill_cart(c, "u-coupon", {{"sku-1", 2}});
  REQUIRE(c.post("/api/cart/coupon", R"({"code":"day10"})", as_shopper("u-coupon")).status == 200);
  auto paid_coupon = checkout(c, "u-coupon", R"({"gateway":"wompi"})", amount);
  REQUIRE(amount == 18'000);
  pay(c, paid_coupon, "APPROVED", amount, "tx-1");

  fill_cart(c, "u-delivery", {{"sku-1", 1}});
  auto paid_delivery = checkout(c, "u-delivery", R"({"gateway":"wompi","delivery":{"zone":"city","distance_km":2}})", amount);
  REQUIRE(amount == 12'500);
  pay(c, paid_delivery, "APPROVED", amount, "tx-2");

  fill_cart(c, "u-declined", {{"sku-1", 1}});
  auto declined = checkout(c, "u-declined", R"({"gateway":"wompi"})", amount);
  pay(c, declined, "DECLINED", amount, "tx-3");

  fill_cart(c, "u-mismatch", {{"sku-1", 1}});
  auto mismatch = checkout(c, "u-mismatch", R"({"gateway":"wompi"})", amount);
  pay(c, mismatch, "APPROVED", amount + 1, "tx-4");

  fill_cart(c, "u-cancels", {{"sku-1", 1}});
  auto cancelled = checkout(c, "u-cancels", R"({"gateway":"wompi"})", amount);
  REQUIRE(c.post("/api/orders/" + cancelled + "/cancel", "", as_shopper("u-cancels")).status == 200);

  REQUIRE(eventually([&] { return order_status(c, paid_coupon) == "paid" && order_status(c, paid_delivery) == "paid"; }));
  REQUIRE(eventually([&] { return order_status(c, declined) == "payment_failed"; }));
  REQUIRE(eventually([&] { return order_status(c, mismatch) == "needs_attention"; }));
  REQUIRE(eventually([&] { return order_status(c, expires) == "expired"; }, std::chrono::seconds(20)));
  const auto to = bitacora::format_rfc3339((unix_now() + 60) * 1'000'000);

  check_day(c, from, to);
  CHECK(metric(c, "bitacora_checkouts_total") == 6 + 2 + 1 + 1 + 1 + 1);  // created, then each status reached

  // Nothing in a range before the day: zeros, and a rate of 0.
  Json none(c.get("/api/stats/checkouts?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z", as_admin()).body);
  CHECK(none.num("/created") == 0);
  CHECK(none.at("/conversion_rate").get_double().value() == 0);
  CHECK(c.get("/api/stats/checkouts?from=2001-01-02T00:00:00Z&to=2001-01-01T00:00:00Z", as_admin()).status == 400);
  CHECK(c.get("/api/stats/checkouts?from=yesterday&to=2001-01-01T00:00:00Z", as_admin()).status == 400);
  CHECK(c.get("/api/stats/checkouts?from=" + from + "&to=" + to, as_shopper("ana")).status == 401);

  server.kill_hard();
  server.start();
  HttpClient after(server.port());
  check_day(after, from, to);
  CHECK(metric(after, "bitacora_checkouts_total") == 12);
}
