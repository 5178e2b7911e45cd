// Black-box: reservations expire on durable timers (API.md §4, DESIGN.md "Time"), live and across
// SIGKILL restarts, and never twice.
#include <catch2/catch.hpp>

#include "support/time.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

std::string short_ttl_config(const TempDir& dir) { return test_config(dir.str("data"), "[reservations]\nttl_seconds = 2\n"); }

struct Placed {
  std::string reference;
  bitacora::Micros expires_at = 0;
};

Placed check_out(HttpClient& c, const std::string& user) {
  auto r = c.post("/api/checkout", R"({"gateway":"stripe"})", as_shopper(user));
  INFO(r.body);
  REQUIRE(r.status == 201);
  Json j(r.body);
  return {j.str("/reference"), bitacora::parse_rfc3339(j.str("/expires_at")).value()};
}

// The `at` of each event of `type` on `stream`.
std::vector<bitacora::Micros> times_of(HttpClient& c, const std::string& stream, const std::string& type) {
  auto r = c.get("/api/streams/" + stream + "/events", as_admin());
  REQUIRE(r.status == 200);
  Json page(r.body);
  auto items = page.at("/items").get_array().value();
  std::vector<bitacora::Micros> out;
  for (auto item : items)
    if (item["type"].get_string().value() == type)
      out.push_back(bitacora::parse_rfc3339(item["at"].get_string().value()).value());
  return out;
}

std::string status_of(HttpClient& c, const std::string& ref) {
  return Json(c.get("/api/orders/" + ref, as_admin()).body).str("/status");
}

}  // namespace

TEST_CASE("a reservation expires within a second of its deadline: stock comes back, the order is expired",
          "[blackbox][reservations]") {
  TempDir dir;
  ServerProcess server(dir.str(), short_ttl_config(dir));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 5);
  fill_cart(c, "ana", {{"sku-1", 2}});
  auto order = check_out(c, "ana");
  CHECK(stock_of(c, "sku-1").reserved == 2);
  CHECK(Json(c.get("/health").body).num("/reservations/active") == 1);

  REQUIRE(eventually([&] { return status_of(c, order.reference) == "expired"; }, std::chrono::seconds(10)));
  auto stock = stock_of(c, "sku-1");
  CHECK(stock.reserved == 0);
  CHECK(stock.available == 5);
  auto released = times_of(c, "product/sku-1", "ReservationReleased");
  REQUIRE(released.size() == 1);
  CHECK(released[0] >= order.expires_at);
  CHECK(released[0] <= order.expires_at + 1'000'000);
  CHECK(times_of(c, "order/" + order.reference, "OrderExpired").size() == 1);
  CHECK(Json(c.get("/health").body).num("/reservations/active") == 0);
}

TEST_CASE("a reservation that fell due while the server was down is released at start, and only once",
          "[blackbox][reservations]") {
  TempDir dir;
  ServerProcess server(dir.str(), short_ttl_config(dir));
  server.start();
  Placed order;
  {
    HttpClient c(server.port());
    define_product(c, "sku-1", 5);
    fill_cart(c, "ana", {{"sku-1", 3}});
    order = check_out(c, "ana");
  }
  server.kill_hard();
  // The deadline passes while nothing runs.
  REQUIRE(eventually([&] { return bitacora::SystemClock::instance().now_us() > order.expires_at + 300'000; },
                     std::chrono::seconds(10)));
  const auto restarted = bitacora::SystemClock::instance().now_us();
  server.start();
  {
    HttpClient c(server.port());
    REQUIRE(eventually([&] { return status_of(c, order.reference) == "expired"; }, std::chrono::seconds(5)));
    CHECK(stock_of(c, "sku-1").reserved == 0);
    auto released = times_of(c, "product/sku-1", "ReservationReleased");
    REQUIRE(released.size() == 1);
    CHECK(released[0] >= restarted);
  }
  server.kill_hard();
  server.start();
  HttpClient c(server.port());
  // Give a wrongly kept timer every chance to fire again before looking.
  CHECK_FALSE(eventually([&] { return times_of(c, "product/sku-1", "ReservationReleased").size() > 1; },
                         std::chrono::milliseconds(1500)));
  CHECK(times_of(c, "order/" + order.reference, "OrderExpired").size() == 1);
  auto stock = stock_of(c, "sku-1");
  CHECK(stock.on_hand == 5);
  CHECK(stock.reserved == 0);
}

TEST_CASE("a cancelled order's timer does nothing when it comes due", "[blackbox][reservations]") {
  TempDir dir;
  ServerProcess server(dir.str(), short_ttl_config(dir));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 5);
  fill_cart(c, "ana", {{"sku-1", 1}});
  auto order = check_out(c, "ana");
  REQUIRE(c.post("/api/orders/" + order.reference + "/cancel", "", as_shopper("ana")).status == 200);
  CHECK_FALSE(eventually([&] { return status_of(c, order.reference) != "cancelled"; }, std::chrono::milliseconds(3000)));
  CHECK(times_of(c, "product/sku-1", "ReservationReleased").size() == 1);
  CHECK(stock_of(c, "sku-1").reserved == 0);
}
