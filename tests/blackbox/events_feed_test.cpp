// Black-box: GET /api/events, the notification feed — an order paid is one order.paid with the
// payment's details, types filter, paging by next_after, a long poll answered as soon as a wanted
// notification is durable (and with nothing when its wait ends, or at once on shutdown),
// product.stock_low at the configured threshold, and bad parameters refused.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

Json feed(HttpClient& c, const std::string& query) {
  auto r = c.get("/api/events" + query, as_admin());
  INFO(r.body);
  REQUIRE(r.status == 200);
  return Json(r.body);
}

void pay(HttpClient& c, const PlacedOrder& o, const std::string& tx) {
  auto w = wompi_webhook(tx, "APPROVED", o.amount, o.reference, unix_now());
  REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
  REQUIRE(eventually([&] { return order_status(c, o.reference) == "paid"; }));
}

}  // namespace

TEST_CASE("an order paid is one order.paid in the feed, found by type and paged by next_after", "[blackbox][events]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 10, 2500);
  const auto paid = place_order(c, "ana", {{"mug", 2}});
  const auto cancelled = place_order(c, "bea", {{"mug", 1}});
  REQUIRE(c.post("/api/orders/" + cancelled.reference + "/cancel", "", as_shopper("bea")).status == 200);
  pay(c, paid, "tx-feed-1");
  // Paid twice over (the gateway retries): still one notification.
  auto again = wompi_webhook("tx-feed-1", "APPROVED", paid.amount, paid.reference, unix_now() + 1);
  REQUIRE(c.post(again.target, again.body, again.headers).status == 200);

  Json all = feed(c, "");
  REQUIRE(all.size("/data") == 2);
  CHECK(all.str("/data/0/type") == "order.cancelled");
  CHECK(all.str("/data/0/data/order_reference") == cancelled.reference);
  CHECK(all.str("/data/0/data/by") == "owner");
  CHECK(all.str("/data/1/type") == "order.paid");
  CHECK(all.str("/data/1/data/order_reference") == paid.reference);
  CHECK(all.str("/data/1/data/gateway") == "wompi");
  CHECK(all.str("/data/1/data/transaction_id") == "tx-feed-1");
  CHECK(all.num("/data/1/data/amount_in_cents") == paid.amount);
  CHECK(all.str("/data/1/id") == "evt_" + std::to_string(all.num("/data/1/seq")));
  CHECK(all.num("/data/0/seq") < all.num("/data/1/seq"));

  Json only_paid = feed(c, "?types=order.paid");
  REQUIRE(only_paid.size("/data") == 1);
  CHECK(only_paid.str("/data/0/id") == all.str("/data/1/id"));

  // Page by page: one at a time, then nothing past the last.
  Json first = feed(c, "?limit=1");
  REQUIRE(first.size("/data") == 1);
  CHECK(first.num("/next_after") == first.num("/data/0/seq"));
  Json second = feed(c, "?limit=1&after=" + std::to_string(first.num("/next_after")));
  REQUIRE(second.size("/data") == 1);
  CHECK(second.str("/data/0/type") == "order.paid");
  Json rest = feed(c, "?after=" + std::to_string(second.num("/next_after")));
  CHECK(rest.size("/data") == 0);

  // Operators only; bad parameters are named.
  CHECK(c.get("/api/events").status == 401);
  for (const char* bad : {"?types=order.shipped", "?wait=61", "?after=-1", "?limit=0", "?after=x"}) {
    auto r = c.get(std::string("/api/events") + bad, as_admin());
    INFO(bad << " " << r.body);
    CHECK(r.status == 400);
    CHECK(Json(r.body).str("/error") == "invalid_parameter");
  }
}

TEST_CASE("a long poll is answered once a wanted notification is durable, and with nothing when its wait ends",
          "[blackbox][events]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 10, 2500);
  const auto o = place_order(c, "ana", {{"mug", 1}});
  const auto after = feed(c, "").num("/next_after");

  // Nothing comes: the wait ends with an empty page that does not move next_after back.
  const auto started = std::chrono::steady_clock::now();
  Json quiet = feed(c, "?wait=1&types=order.paid&after=" + std::to_string(after));
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
  CHECK(quiet.size("/data") == 0);
  CHECK(quiet.num("/next_after") >= after);

  // A poll waits; an event it does not want (a cart change) does not answer it; the payment does.
  auto waiting = std::async(std::launch::async, [&] {
    HttpClient poller(server.port(), std::chrono::seconds(40));
    auto r = poller.get("/api/events?wait=30&types=order.paid&after=" + std::to_string(after), as_admin());
    return std::pair{r, std::chrono::steady_clock::now()};
  });
  fill_cart(c, "bea", {{"mug", 1}});
  CHECK(waiting.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  pay(c, o, "tx-poll-1");
  const auto paid_at = std::chrono::steady_clock::now();
  REQUIRE(waiting.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto [answer, answered_at] = waiting.get();
  INFO(answer.body);
  REQUIRE(answer.status == 200);
  Json page(answer.body);
  REQUIRE(page.size("/data") == 1);
  CHECK(page.str("/data/0/type") == "order.paid");
  CHECK(answered_at - paid_at < std::chrono::seconds(5));

  // Shutdown answers a waiting poll at once instead of being held by it.
  auto held = std::async(std::launch::async, [&] {
    HttpClient poller(server.port(), std::chrono::seconds(40));
    return poller.get("/api/events?wait=60&after=" + std::to_string(page.num("/next_after")), as_admin());
  });
  CHECK(held.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  const auto stopping = std::chrono::steady_clock::now();
  CHECK(server.terminate() == 0);
  CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(8));
  auto last = held.get();
  CHECK(last.status == 200);
}

TEST_CASE("product.stock_low when a product's available stock reaches its threshold", "[blackbox][events]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[notifications]\nstock_low_threshold = 2\n"
                                                               "stock_low_overrides = [\"big:50\"]\n"));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 5, 2500);
  define_product(c, "big", 60, 100);
  (void)place_order(c, "ana", {{"mug", 2}});  // 3 left: above 2
  (void)place_order(c, "bea", {{"mug", 1}});  // 2 left: low
  (void)place_order(c, "cai", {{"mug", 1}});  // 1 left: already low, no second notification
  (void)place_order(c, "dan", {{"big", 10}});  // 50 left: its own threshold
  Json low = feed(c, "?types=product.stock_low");
  REQUIRE(low.size("/data") == 2);
  CHECK(low.str("/data/0/data/sku") == "mug");
  CHECK(low.num("/data/0/data/available") == 2);
  CHECK(low.num("/data/0/data/threshold") == 2);
  CHECK(low.str("/data/1/data/sku") == "big");
  CHECK(low.num("/data/1/data/threshold") == 50);
}
