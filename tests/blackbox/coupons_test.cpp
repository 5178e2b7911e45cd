// Black-box: coupons on the real binary (API.md §4 "Coupons"): a coupon of K uses is used K
// times, never K+1, under a race and across SIGKILL; its use is confirmed once however often a
// gateway repeats itself, and released when the order ends without payment. Every reason a
// coupon does not apply.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

// PUT /api/coupons/{code} with `terms` (a JSON object's members); REQUIREs 200.
void define_coupon(HttpClient& c, const std::string& code, const std::string& terms) {
  auto r = c.put("/api/coupons/" + code, "{" + terms + "}", as_admin());
  INFO(r.body);
  REQUIRE(r.status == 200);
}

Json coupon(HttpClient& c, const std::string& code) {
  auto r = c.get("/api/coupons/" + code, as_admin());
  REQUIRE(r.status == 200);
  return Json(r.body);
}

HttpResponse attach(HttpClient& c, const std::string& user, const std::string& code) {
  return c.post("/api/cart/coupon", R"({"code":")" + code + R"("})", as_shopper(user));
}

struct Tally {
  std::atomic<int> created{0}, exhausted{0}, other{0};
};

// Every user checks out at once (one connection each, released together). Answers that never
// came (the server was killed) count as `other`.
void checkout_all(std::uint16_t port, const std::vector<std::string>& users, Tally& tally) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (const auto& user : users) {
    threads.emplace_back([&, user] {
      HttpClient c(port, std::chrono::seconds(30));
      ++ready;
      while (!go.load()) std::this_thread::yield();
      try {
        auto r = c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper(user));
        if (r.status == 201) ++tally.created;
        else if (r.status == 409 && Json(r.body).str("/error") == "coupon_invalid" && Json(r.body).str("/reason") == "exhausted")
          ++tally.exhausted;
        else ++tally.other;
      } catch (const std::exception&) {
        ++tally.other;
      }
    });
  }
  while (ready.load() < static_cast<int>(users.size())) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
}

// `n` shoppers named prefix-0…, each with one sku-1 in the cart and `code` attached.
std::vector<std::string> shoppers(HttpClient& c, const std::string& prefix, int n, const std::string& code) {
  std::vector<std::string> users;
  for (int i = 0; i < n; ++i) {
    users.push_back(prefix + "-" + std::to_string(i));
    fill_cart(c, users.back(), {{"sku-1", 1}});
    auto r = attach(c, users.back(), code);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
  return users;
}

}  // namespace

TEST_CASE("60 shoppers race for a coupon of 5 uses: exactly 5 check out, the rest are told it is exhausted",
          "[blackbox][coupons]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[reservations]\nttl_seconds = 4\n"));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 1000, 10'000);
  define_coupon(c, "hot5", R"("kind":"percent","value":20,"max_uses":5)");
  auto users = shoppers(c, "racer", 60, "hot5");

  Tally tally;
  checkout_all(server.port(), users, tally);
  CHECK(tally.created == 5);
  CHECK(tally.exhausted == 55);
  CHECK(tally.other == 0);
  auto hot = coupon(c, "HOT5");
  CHECK(hot.str("/code") == "HOT5");
  CHECK(hot.num("/held") == 5);
  CHECK(hot.num("/used") == 0);
  CHECK(stock_of(c, "sku-1").reserved == 5);

  // The held orders expire: their uses come back, and the next checkout gets one.
  REQUIRE(eventually([&] { return coupon(c, "HOT5").num("/held") == 0; }, std::chrono::seconds(15)));
  auto late = shoppers(c, "late", 1, "hot5");
  auto r = c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper(late[0]));
  INFO(r.body);
  CHECK(r.status == 201);
  CHECK(Json(r.body).str("/coupon") == "HOT5");
  CHECK(coupon(c, "HOT5").num("/held") == 1);
}

TEST_CASE("SIGKILL in the middle of a coupon race: used + held never passes max_uses, and audit is clean",
          "[blackbox][coupons][crash]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 1000, 10'000);
  define_coupon(c, "KILL8", R"("kind":"fixed","value":1500,"currency":"COP","max_uses":8)");
  auto users = shoppers(c, "racer", 60, "KILL8");

  Tally tally;
  std::thread race([&] { checkout_all(server.port(), users, tally); });
  // Kill it once the first use is durable, while the rest are still racing.
  REQUIRE(eventually([&] { return coupon(c, "KILL8").num("/held") >= 1; }, std::chrono::seconds(20)));
  server.kill_hard();
  race.join();
  CHECK(tally.created <= 8);

  server.start();
  HttpClient after(server.port());
  auto killed = coupon(after, "KILL8");
  const auto held = killed.num("/held");
  CHECK(held >= tally.created.load());  // every 201 was durable
  CHECK(held + killed.num("/used") <= 8);
  auto audit = run_cli("audit --data-dir " + dir.str("data"));
  INFO(audit.text());
  // Audit reads beside the live server; it must find nothing wrong.
  CHECK(audit.exit_code == 0);

  // The durable count of claimed uses came back with the log: exactly the rest can check out.
  Tally more;
  std::vector<std::string> rest;
  for (const auto& u : users) {
    auto cart = Json(after.get("/api/cart", as_shopper(u)).body);
    if (cart.size("/items") == 1 && !cart.is_null("/coupon")) rest.push_back(u);
  }
  REQUIRE(static_cast<std::int64_t>(rest.size()) >= 8 - held);
  checkout_all(server.port(), rest, more);
  CHECK(more.created == 8 - held);
  CHECK(more.other == 0);
  CHECK(coupon(after, "KILL8").num("/held") == 8);
}

TEST_CASE("an approval repeated three times uses the coupon once, a decline and a cancel release it",
          "[blackbox][coupons][payments]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 100, 10'000);
  define_coupon(c, "TEN", R"("kind":"percent","value":10,"max_uses":100)");

  fill_cart(c, "ana", {{"sku-1", 2}});
  REQUIRE(attach(c, "ana", "ten").status == 200);
  auto checkout = c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("ana"));
  REQUIRE(checkout.status == 201);
  Json placed(checkout.body);
  CHECK(placed.num("/subtotal_in_cents") == 20'000);
  CHECK(placed.num("/discount_in_cents") == 2'000);
  CHECK(placed.num("/amount_in_cents") == 18'000);
  CHECK(placed.str("/coupon") == "TEN");
  const auto ref = placed.str("/reference");
  CHECK(coupon(c, "TEN").num("/held") == 1);

  // The gateway is paid the discounted amount, and says so three times.
  const auto now = unix_now();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto w = wompi_webhook("tx-1", "APPROVED", 18'000, ref, now + i);
    auto r = c.post(w.target, w.body, w.headers);
    REQUIRE(r.status == 200);
    ids.push_back(Json(r.body).str("/event_id"));
  }
  for (const auto& id : ids)
    REQUIRE(eventually([&] { return Json(c.get("/api/webhook-events/" + id, as_admin()).body).str("/status") == "succeeded"; }));
  CHECK(order_status(c, ref) == "paid");
  auto used = coupon(c, "TEN");
  CHECK(used.num("/used") == 1);
  CHECK(used.num("/held") == 0);
  auto types = event_types(c, "coupon/TEN");
  CHECK(std::count(types.begin(), types.end(), "CouponUseConfirmed") == 1);
  Json order(c.get("/api/orders/" + ref, as_admin()).body);
  CHECK(order.num("/amount_in_cents") == 18'000);
  CHECK(order.str("/coupon") == "TEN");

  // Declined: the use is released.
  fill_cart(c, "bea", {{"sku-1", 1}});
  REQUIRE(attach(c, "bea", "TEN").status == 200);
  auto declined = Json(c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("bea")).body).str("/reference");
  CHECK(coupon(c, "TEN").num("/held") == 1);
  auto decline = wompi_webhook("tx-2", "DECLINED", 9'000, declined, now);
  REQUIRE(c.post(decline.target, decline.body, decline.headers).status == 200);
  REQUIRE(eventually([&] { return order_status(c, declined) == "payment_failed"; }));
  CHECK(coupon(c, "TEN").num("/held") == 0);

  // Cancelled: the use is released.
  fill_cart(c, "caro", {{"sku-1", 1}});
  REQUIRE(attach(c, "caro", "TEN").status == 200);
  auto cancelled = Json(c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("caro")).body).str("/reference");
  CHECK(coupon(c, "TEN").num("/held") == 1);
  REQUIRE(c.post("/api/orders/" + cancelled + "/cancel", "", as_shopper("caro")).status == 200);
  auto after = coupon(c, "TEN");
  CHECK(after.num("/held") == 0);
  CHECK(after.num("/used") == 1);
}

TEST_CASE("every reason a coupon does not apply is its own 422, and a checkout re-checks it with 409",
          "[blackbox][coupons]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 100, 10'000);
  define_product(c, "sku-2", 100, 5'000);
  define_coupon(c, "OFF", R"("kind":"percent","value":10,"active":false)");
  define_coupon(c, "SOON", R"("kind":"percent","value":10,"valid_from":"2099-01-01T00:00:00Z")");
  define_coupon(c, "GONE", R"("kind":"percent","value":10,"valid_until":"2001-01-01T00:00:00Z")");
  define_coupon(c, "ZERO", R"("kind":"percent","value":10,"max_uses":0)");
  define_coupon(c, "ONCE", R"("kind":"percent","value":10,"max_uses_per_user":1)");
  define_coupon(c, "BIG", R"("kind":"percent","value":10,"min_subtotal_in_cents":1000000)");
  define_coupon(c, "USD5", R"("kind":"fixed","value":500,"currency":"USD")");
  define_coupon(c, "MUGS", R"("kind":"percent","value":10,"skus":["mug"])");
  fill_cart(c, "ana", {{"sku-1", 1}});

  // Ana has used ONCE already (an order of hers holds it).
  REQUIRE(attach(c, "ana", "ONCE").status == 200);
  REQUIRE(c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("ana")).status == 201);
  // The cart keeps its coupon until the order is paid; she takes it off.
  CHECK(Json(c.get("/api/cart", as_shopper("ana")).body).str("/coupon/code") == "ONCE");
  REQUIRE(c.del("/api/cart/coupon", as_shopper("ana")).status == 200);

  const std::vector<std::pair<std::string, std::string>> rows{
      {"NOPE", "unknown"},   {"OFF", "inactive"},  {"SOON", "not_yet_valid"}, {"GONE", "expired"},
      {"ZERO", "exhausted"}, {"ONCE", "per_user_limit"}, {"BIG", "min_subtotal"}, {"USD5", "currency"},
      {"MUGS", "no_eligible_items"},
  };
  for (const auto& [code, reason] : rows) {
    INFO(code);
    auto r = attach(c, "ana", code);
    CHECK(r.status == 422);
    Json body(r.body);
    CHECK(body.str("/error") == "coupon_invalid");
    CHECK(body.str("/reason") == reason);
  }
  CHECK(attach(c, "ana", "not a code!").status == 422);
  CHECK(Json(c.get("/api/cart", as_shopper("ana")).body).is_null("/coupon"));

  // Attached while it applied, then it stopped applying: the cart says so, checkout refuses it
  // with 409 and reserves nothing.
  define_coupon(c, "FLIP", R"("kind":"percent","value":10)");
  REQUIRE(attach(c, "ana", "flip").status == 200);
  Json cart(c.get("/api/cart", as_shopper("ana")).body);
  CHECK(cart.num("/coupon/discount_in_cents") == 1'000);
  CHECK(cart.num("/subtotal_in_cents") == 10'000);
  CHECK(cart.num("/total_in_cents") == 9'000);
  define_coupon(c, "FLIP", R"("kind":"percent","value":10,"active":false)");
  Json stale(c.get("/api/cart", as_shopper("ana")).body);
  CHECK(stale.str("/coupon/reason") == "inactive");
  CHECK(stale.num("/total_in_cents") == 10'000);
  const auto reserved = stock_of(c, "sku-1").reserved;
  auto refused = c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("ana"));
  CHECK(refused.status == 409);
  CHECK(Json(refused.body).str("/reason") == "inactive");
  CHECK(stock_of(c, "sku-1").reserved == reserved);
  REQUIRE(c.del("/api/cart/coupon", as_shopper("ana")).status == 200);
  CHECK(c.post("/api/checkout", R"({"gateway":"wompi"})", as_shopper("ana")).status == 201);
}

TEST_CASE("a coupon definition is checked: bad terms name their field, unknown codes are 404", "[blackbox][coupons]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  const std::vector<std::pair<std::string, std::string>> rows{
      {R"({"kind":"percent","value":0})", "value"},
      {R"({"kind":"percent","value":101})", "value"},
      {R"({"kind":"fixed","value":100})", "currency"},
      {R"({"kind":"bogus","value":1})", "kind"},
      {R"({"kind":"percent","value":5,"valid_from":"yesterday"})", "valid_from"},
      {R"({"kind":"percent","value":5,"max_uses":-1})", "max_uses"},
      {R"({"kind":"percent","value":5,"skus":["a b"]})", "skus"},
  };
  for (const auto& [body, field] : rows) {
    INFO(body);
    auto r = c.put("/api/coupons/X1", body, as_admin());
    CHECK(r.status == 422);
    CHECK(Json(r.body).str("/error") == "invalid_argument");
    CHECK(Json(r.body).str("/field") == field);
  }
  auto typed = c.put("/api/coupons/X1", R"({"kind":"percent","value":"5"})", as_admin());
  CHECK(typed.status == 400);
  CHECK(Json(typed.body).str("/field") == "value");
  CHECK(c.get("/api/coupons/X1", as_admin()).status == 404);
  CHECK(c.put("/api/coupons/X1", R"({"kind":"percent","value":5})", as_shopper("ana")).status == 401);
  CHECK(c.get("/api/coupons/" + std::string(65, 'A'), as_admin()).status == 400);
}
