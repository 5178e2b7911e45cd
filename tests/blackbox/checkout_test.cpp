// Black-box: carts and checkout on the real binary (API.md §3, §4).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

struct Tally {
  std::atomic<int> created{0}, conflicts{0}, other{0};
};

// Every user checks out at once (one connection each, released together).
void checkout_all(std::uint16_t port, int users, Tally& tally) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int u = 0; u < users; ++u) {
    threads.emplace_back([&, u] {
      HttpClient c(port, std::chrono::seconds(30));
      auto headers = as_shopper("user-" + std::to_string(u));
      ++ready;
      while (!go.load()) std::this_thread::yield();
      auto r = c.post("/api/checkout", R"({"gateway":"stripe"})", headers);
      if (r.status == 201) ++tally.created;
      else if (r.status == 409 && Json(r.body).str("/error") == "insufficient_stock") ++tally.conflicts;
      else ++tally.other;
    });
  }
  while (ready.load() < users) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
}

}  // namespace

TEST_CASE("200 concurrent checkouts of a product with stock 10: exactly 10 succeed, nothing is oversold",
          "[blackbox][checkout][oversell]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-hot", 10);
  for (int u = 0; u < 200; ++u) fill_cart(c, "user-" + std::to_string(u), {{"sku-hot", 1}});

  Tally tally;
  checkout_all(server.port(), 200, tally);
  CHECK(tally.created == 10);
  CHECK(tally.conflicts == 190);
  CHECK(tally.other == 0);
  auto s = stock_of(c, "sku-hot");
  CHECK(s.on_hand == 10);
  CHECK(s.reserved == 10);
  CHECK(s.available == 0);
  CHECK(Json(c.get("/health").body).num("/reservations/active") == 10);
}

TEST_CASE("with a 3-product cart where one product runs out, no partial reservation remains",
          "[blackbox][checkout][oversell]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-a", 100);
  define_product(c, "sku-b", 100);
  define_product(c, "sku-c", 10);
  for (int u = 0; u < 200; ++u) fill_cart(c, "user-" + std::to_string(u), {{"sku-a", 1}, {"sku-b", 2}, {"sku-c", 1}});

  Tally tally;
  checkout_all(server.port(), 200, tally);
  CHECK(tally.created == 10);
  CHECK(tally.conflicts == 190);
  CHECK(tally.other == 0);
  CHECK(stock_of(c, "sku-a").reserved == 10);
  CHECK(stock_of(c, "sku-b").reserved == 20);
  CHECK(stock_of(c, "sku-c").reserved == 10);
  CHECK(stock_of(c, "sku-c").available == 0);

  // A refused checkout names the line that could not be had.
  auto r = c.post("/api/checkout", R"({"gateway":"stripe"})", as_shopper("user-199"));
  REQUIRE(r.status == 409);
  Json j(r.body);
  REQUIRE(j.size("/items") == 1);
  CHECK(j.str("/items/0/sku") == "sku-c");
  CHECK(j.num("/items/0/requested") == 1);
  CHECK(j.num("/items/0/available") == 0);
}

TEST_CASE("the same Idempotency-Key returns the same order and reserves once", "[blackbox][checkout]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  fill_cart(c, "ana", {{"sku-1", 3}});
  auto headers = as_shopper("ana");
  headers.emplace_back("Idempotency-Key", "checkout-7");

  auto first = c.post("/api/checkout", R"({"gateway":"wompi"})", headers);
  REQUIRE(first.status == 201);
  auto second = c.post("/api/checkout", R"({"gateway":"wompi"})", headers);
  REQUIRE(second.status == 201);
  CHECK(second.body == first.body);
  Json order(first.body);
  CHECK(order.str("/status") == "pending_payment");
  CHECK(order.num("/amount_in_cents") == 7500);
  CHECK(order.str("/currency") == "COP");
  CHECK(order.str("/integrity_signature").size() == 64);
  CHECK(stock_of(c, "sku-1").reserved == 3);

  // Another shopper's same key is another checkout.
  fill_cart(c, "bea", {{"sku-1", 1}});
  auto bea = as_shopper("bea");
  bea.emplace_back("Idempotency-Key", "checkout-7");
  auto other = c.post("/api/checkout", R"({"gateway":"stripe"})", bea);
  REQUIRE(other.status == 201);
  CHECK(Json(other.body).str("/reference") != order.str("/reference"));
  CHECK(stock_of(c, "sku-1").reserved == 4);
}

TEST_CASE("orders are read and cancelled by their owner or an admin, and cancelling releases the stock",
          "[blackbox][checkout][orders]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 5);
  fill_cart(c, "ana", {{"sku-1", 2}});
  CHECK(c.post("/api/checkout", R"({"gateway":"paypal"})", as_shopper("ana")).status == 422);
  CHECK(c.post("/api/checkout", R"({"gateway":"stripe"})", as_shopper("nobody-with-a-cart")).status == 422);
  auto placed = c.post("/api/checkout", R"({"gateway":"stripe"})", as_shopper("ana"));
  REQUIRE(placed.status == 201);
  auto ref = Json(placed.body).str("/reference");

  CHECK(c.get("/api/orders/" + ref, as_shopper("ana")).status == 200);
  CHECK(c.get("/api/orders/" + ref, as_admin()).status == 200);
  CHECK(c.get("/api/orders/" + ref, as_shopper("eve")).status == 404);
  CHECK(c.post("/api/orders/" + ref + "/cancel", "", as_shopper("eve")).status == 404);
  CHECK(c.get("/api/orders/ORD-NOPE", as_admin()).status == 404);

  auto cancelled = c.post("/api/orders/" + ref + "/cancel", "", as_shopper("ana"));
  REQUIRE(cancelled.status == 200);
  CHECK(Json(cancelled.body).str("/status") == "cancelled");
  CHECK(stock_of(c, "sku-1").reserved == 0);
  CHECK(c.post("/api/orders/" + ref + "/cancel", "", as_admin()).status == 200);  // again: nothing more happens
  CHECK(stock_of(c, "sku-1").reserved == 0);

  auto listed = Json(c.get("/api/orders?status=cancelled", as_admin()).body);
  REQUIRE(listed.size("/items") == 1);
  CHECK(listed.str("/items/0/reference") == ref);
  CHECK(Json(c.get("/api/orders?status=pending_payment", as_admin()).body).size("/items") == 0);
  CHECK(c.get("/api/orders", as_shopper("ana")).status == 401);

  CHECK(event_types(c, "order/" + ref) == std::vector<std::string>{"OrderPlaced", "OrderCancelled"});
  CHECK(event_types(c, "product/sku-1") ==
        std::vector<std::string>{"ProductDefined", "StockAdjusted", "StockReserved", "ReservationReleased"});
  CHECK(event_types(c, "cart/ana") == std::vector<std::string>{"CartQuantitiesSet"});
}
