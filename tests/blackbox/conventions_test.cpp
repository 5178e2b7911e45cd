// Black-box: the HTTP conventions frontends rely on, on the real binary — CORS on shopper routes
// only, Idempotency-Key on every state-changing request (replayed, refused when reused, waited for
// when concurrent, kept across a SIGKILL), conditional requests (ETag, 304, 412 — and bulk-update's
// 409 of API.md), the offending name in `field`, the JWT claims policy, the public product list,
// the contract at /openapi.json and the demo storefront behind its switch.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "http/jwt.hpp"

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

Headers with(Headers h, const std::string& name, const std::string& value) {
  h.emplace_back(name, value);
  return h;
}

std::string header(const HttpResponse& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

std::int64_t quantity_in_cart(HttpClient& c, const std::string& user, const std::string& sku) {
  auto r = c.get("/api/cart", as_shopper(user));
  REQUIRE(r.status == 200);
  Json j(r.body);
  for (auto line : j.at("/items").get_array())
    if (std::string_view(line["sku"].get_string().value()) == sku) return line["quantity"].get_int64().value();
  return 0;
}

// test_config with keys added to its [auth] section.
std::string with_auth(const std::string& config, const std::string& keys) {
  std::string out = config;
  out.replace(out.find("[auth]\n"), 7, "[auth]\n" + keys);
  return out;
}

}  // namespace

TEST_CASE("CORS answers shopper routes from the configured origins, and never operator routes", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[http]\ncors_origins = [\"https://shop.example\"]\n"));
  server.start();
  HttpClient c(server.port());
  const Headers from_shop = {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}};

  auto preflight = c.request("OPTIONS", "/api/cart/bulk-update", {}, from_shop);
  CHECK(preflight.status == 204);
  CHECK(header(preflight, "access-control-allow-origin") == "https://shop.example");
  CHECK(header(preflight, "access-control-allow-methods").find("POST") != std::string::npos);
  CHECK(header(preflight, "access-control-allow-headers").find("Idempotency-Key") != std::string::npos);
  CHECK(header(preflight, "access-control-allow-headers").find("If-Match") != std::string::npos);
  CHECK(header(preflight, "vary") == "Origin");

  // Another origin gets no grant; an operator route has no preflight at all.
  auto stranger = c.request("OPTIONS", "/api/cart", {}, {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(stranger.headers.count("access-control-allow-origin") == 0);
  CHECK(c.request("OPTIONS", "/api/webhook-events", {}, from_shop).status == 405);
  // The product's PUT is an operator's: its preflight allows only GET.
  CHECK(header(c.request("OPTIONS", "/api/products/sku-1", {}, from_shop), "access-control-allow-methods") == "GET, OPTIONS");

  auto cart = c.get("/api/cart", with(as_shopper("ana"), "Origin", "https://shop.example"));
  CHECK(cart.status == 200);
  CHECK(header(cart, "access-control-allow-origin") == "https://shop.example");
  CHECK(header(cart, "access-control-expose-headers").find("ETag") != std::string::npos);
  // Errors carry it too, so the page can read them.
  auto denied = c.get("/api/cart", {{"Origin", "https://shop.example"}});
  CHECK(denied.status == 401);
  CHECK(header(denied, "access-control-allow-origin") == "https://shop.example");
  auto admin = c.get("/api/webhook-events", with(as_admin(), "Origin", "https://shop.example"));
  CHECK(admin.status == 200);
  CHECK(admin.headers.count("access-control-allow-origin") == 0);
}

TEST_CASE("without cors_origins there is no CORS at all", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  CHECK(c.request("OPTIONS", "/api/cart", {}, {{"Origin", "https://shop.example"}}).status == 405);
  CHECK(c.get("/api/cart", with(as_shopper("ana"), "Origin", "https://shop.example")).headers.count("access-control-allow-origin") == 0);
}

TEST_CASE("an Idempotency-Key makes a write happen once: the repeat gets the first answer", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 50);

  const std::string add = R"({"sku":"mug","quantity":2})";
  auto first = c.post("/api/cart/items", add, with(as_shopper("ana"), "Idempotency-Key", "k-1"));
  REQUIRE(first.status == 200);
  CHECK(first.headers.count("idempotent-replayed") == 0);
  auto again = c.post("/api/cart/items", add, with(as_shopper("ana"), "Idempotency-Key", "k-1"));
  CHECK(again.status == 200);
  CHECK(header(again, "idempotent-replayed") == "true");
  CHECK(again.body == first.body);
  CHECK(header(again, "etag") == header(first, "etag"));
  CHECK(quantity_in_cart(c, "ana", "mug") == 2);

  // The same key for another request is refused; another shopper's key is their own.
  auto reused = c.post("/api/cart/items", R"({"sku":"mug","quantity":3})", with(as_shopper("ana"), "Idempotency-Key", "k-1"));
  CHECK(reused.status == 422);
  CHECK(Json(reused.body).str("/error") == "idempotency_key_reused");
  CHECK(c.post("/api/cart/items", add, with(as_shopper("bea"), "Idempotency-Key", "k-1")).status == 200);
  CHECK(quantity_in_cart(c, "bea", "mug") == 2);
  CHECK(quantity_in_cart(c, "ana", "mug") == 2);

  // A refusal is an answer too: kept and replayed.
  auto too_many = c.post("/api/cart/items", R"({"sku":"mug","quantity":500})", with(as_shopper("ana"), "Idempotency-Key", "k-2"));
  CHECK(too_many.status == 422);
  auto too_many_again =
      c.post("/api/cart/items", R"({"sku":"mug","quantity":500})", with(as_shopper("ana"), "Idempotency-Key", "k-2"));
  CHECK(too_many_again.status == 422);
  CHECK(header(too_many_again, "idempotent-replayed") == "true");

  // Operators' writes take keys too: a stock delta applied once.
  const std::string delta = R"({"delta":5,"reason":"found"})";
  REQUIRE(c.post("/api/products/mug/stock", delta, with(as_admin(), "Idempotency-Key", "restock-1")).status == 200);
  REQUIRE(c.post("/api/products/mug/stock", delta, with(as_admin(), "Idempotency-Key", "restock-1")).status == 200);
  CHECK(stock_of(c, "mug").on_hand == 55);

  // A key is 1 to 255 visible characters.
  auto bad = c.post("/api/cart/items", add, with(as_shopper("ana"), "Idempotency-Key", "has space"));
  CHECK(bad.status == 400);
  CHECK(Json(bad.body).str("/field") == "Idempotency-Key");
  CHECK(c.post("/api/cart/items", add, with(as_shopper("ana"), "Idempotency-Key", std::string(256, 'k'))).status == 400);
}

TEST_CASE("repeats of a key sent at once act once, and the kept answer outlives a SIGKILL", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  {
    HttpClient c(server.port());
    define_product(c, "mug", 100);
  }
  constexpr int kRepeats = 8;
  std::vector<HttpResponse> answers(kRepeats);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRepeats; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server.port());
      answers[i] = c.post("/api/cart/items", R"({"sku":"mug","quantity":1})", with(as_shopper("ana"), "Idempotency-Key", "burst"));
    });
  }
  for (auto& t : threads) t.join();
  int replayed = 0;
  for (const auto& a : answers) {
    REQUIRE(a.status == 200);
    CHECK(a.body == answers[0].body);
    replayed += header(a, "idempotent-replayed") == "true";
  }
  CHECK(replayed == kRepeats - 1);
  HttpClient c(server.port());
  CHECK(quantity_in_cart(c, "ana", "mug") == 1);

  server.kill_hard();
  server.start();
  HttpClient after(server.port());
  auto repeat = after.post("/api/cart/items", R"({"sku":"mug","quantity":1})", with(as_shopper("ana"), "Idempotency-Key", "burst"));
  CHECK(repeat.status == 200);
  CHECK(header(repeat, "idempotent-replayed") == "true");
  CHECK(repeat.body == answers[0].body);
  CHECK(quantity_in_cart(after, "ana", "mug") == 1);
}

TEST_CASE("conditional requests: ETag, 304 on If-None-Match, 412 on a stale If-Match", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 10);

  SECTION("carts") {
    auto cart = c.post("/api/cart/items", R"({"sku":"mug","quantity":1})", as_shopper("ana"));
    REQUIRE(cart.status == 200);
    const std::string tag = header(cart, "etag");
    CHECK(tag == "\"1\"");
    auto unchanged = c.get("/api/cart", with(as_shopper("ana"), "If-None-Match", tag));
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());
    CHECK(header(unchanged, "etag") == tag);
    CHECK(c.get("/api/cart", with(as_shopper("ana"), "If-None-Match", "\"0\"")).status == 200);

    auto stale = c.post("/api/cart/items", R"({"sku":"mug","quantity":1})", with(as_shopper("ana"), "If-Match", "\"0\""));
    CHECK(stale.status == 412);
    Json refused(stale.body);
    CHECK(refused.str("/error") == "precondition_failed");
    CHECK(refused.num("/cart/version") == 1);
    CHECK(c.del("/api/cart", with(as_shopper("ana"), "If-Match", "\"0\"")).status == 412);
    CHECK(quantity_in_cart(c, "ana", "mug") == 1);
    CHECK(c.post("/api/cart/items", R"({"sku":"mug","quantity":1})", with(as_shopper("ana"), "If-Match", tag)).status == 200);
    CHECK(quantity_in_cart(c, "ana", "mug") == 2);

    // bulk-update keeps API.md's 409 version_conflict, with the cart.
    auto bulk = c.post("/api/cart/bulk-update", R"({"mug":5})", with(as_shopper("ana"), "If-Match", "\"1\""));
    CHECK(bulk.status == 409);
    CHECK(Json(bulk.body).str("/error") == "version_conflict");
    CHECK(Json(bulk.body).num("/cart/version") == 2);

    auto unreadable = c.post("/api/cart/items", R"({"sku":"mug","quantity":1})", with(as_shopper("ana"), "If-Match", "yesterday"));
    CHECK(unreadable.status == 400);
    CHECK(Json(unreadable.body).str("/field") == "If-Match");
  }

  SECTION("products") {
    auto product = c.get("/api/products/mug");
    REQUIRE(product.status == 200);
    const std::string tag = header(product, "etag");
    REQUIRE(!tag.empty());
    CHECK(c.get("/api/products/mug", {{"If-None-Match", tag}}).status == 304);
    auto stale = c.post("/api/products/mug/stock", R"({"delta":1,"reason":"found"})", with(as_admin(), "If-Match", "\"0\""));
    CHECK(stale.status == 412);
    CHECK(Json(stale.body).num("/product/on_hand") == 10);
    auto fresh = c.post("/api/products/mug/stock", R"({"delta":1,"reason":"found"})", with(as_admin(), "If-Match", tag));
    CHECK(fresh.status == 200);
    CHECK(header(fresh, "etag") != tag);
    CHECK(c.get("/api/products/mug", {{"If-None-Match", tag}}).status == 200);
  }

  SECTION("orders") {
    auto order = place_order(c, "ana", {{"mug", 1}});
    auto read = c.get("/api/orders/" + order.reference, as_shopper("ana"));
    REQUIRE(read.status == 200);
    const std::string tag = header(read, "etag");
    REQUIRE(!tag.empty());
    CHECK(c.get("/api/orders/" + order.reference, with(as_shopper("ana"), "If-None-Match", tag)).status == 304);
    auto stale = c.post("/api/orders/" + order.reference + "/cancel", "", with(as_shopper("ana"), "If-Match", "\"99\""));
    CHECK(stale.status == 412);
    CHECK(Json(stale.body).str("/order/status") == "pending_payment");
    CHECK(c.post("/api/orders/" + order.reference + "/cancel", "", with(as_shopper("ana"), "If-Match", tag)).status == 200);
    CHECK(order_status(c, order.reference) == "cancelled");
  }
}

TEST_CASE("the offending query parameter is named in `field`, the catalog is public, the contract is served", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 3);

  auto bad = c.get("/api/webhook-events?limit=9999", as_admin());
  CHECK(bad.status == 400);
  CHECK(Json(bad.body).str("/field") == "limit");
  CHECK_FALSE(Json(bad.body).has("/parameter"));

  auto catalog = c.get("/api/products");
  REQUIRE(catalog.status == 200);
  CHECK(Json(catalog.body).str("/items/0/sku") == "mug");

  auto contract = c.get("/openapi.json");
  REQUIRE(contract.status == 200);
  CHECK(header(contract, "content-type").find("application/json") != std::string::npos);
  Json doc(contract.body);
  CHECK(doc.str("/openapi").rfind("3.1", 0) == 0);
  CHECK(doc.has("/paths/~1api~1cart~1bulk-update/post"));

  CHECK(c.get("/demo/").status == 404);  // off unless http.serve_demo
}

TEST_CASE("the demo storefront is served when http.serve_demo is on", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[http]\nserve_demo = true\n"));
  server.start();
  HttpClient c(server.port());
  auto page = c.get("/demo/");
  REQUIRE(page.status == 200);
  CHECK(header(page, "content-type").find("text/html") != std::string::npos);
  CHECK(header(page, "content-security-policy").find("connect-src 'self'") != std::string::npos);
  CHECK(c.get("/demo/no-such-file.js").status == 404);
  auto bare = c.get("/demo");  // its relative URLs need the slash
  CHECK(bare.status == 301);
  CHECK(header(bare, "location") == "/demo/");
}

TEST_CASE("the JWT policy: the user claim, issuer, audience and nbf", "[blackbox][conventions]") {
  TempDir dir;
  ServerProcess server(dir.str(), with_auth(test_config(dir.str("data")),
                                            "user_claim = \"user_id\"\nissuer = \"https://shop.example\"\naudience = \"bitacora\"\n"));
  server.start();
  HttpClient c(server.port());
  auto token = [](const std::string& claims) {
    return Headers{{"Authorization", "Bearer " + bitacora::http::sign_jwt_hs256(claims, kJwtSecret)}};
  };
  const std::string good = R"({"user_id":42,"iss":"https://shop.example","aud":["other","bitacora"])";
  auto cart = c.post("/api/cart/bulk-update", "{}", token(good + "}"));
  CHECK(cart.status == 200);
  // The integer user id names the cart: the same cart as a string "42" would.
  CHECK(c.get("/api/cart", token(R"({"user_id":"42","iss":"https://shop.example","aud":"bitacora"})")).status == 200);
  CHECK(c.get("/api/cart", token(R"({"sub":"42","iss":"https://shop.example","aud":"bitacora"})")).status == 401);
  CHECK(c.get("/api/cart", token(R"({"user_id":42,"iss":"https://evil.example","aud":"bitacora"})")).status == 401);
  CHECK(c.get("/api/cart", token(R"({"user_id":42,"iss":"https://shop.example","aud":"other"})")).status == 401);
  auto early = c.get("/api/cart", token(good + R"(,"nbf":)" + std::to_string(unix_now() + 3600) + "}"));
  CHECK(early.status == 401);
  CHECK(Json(early.body).str("/message").find("not_yet_valid") != std::string::npos);
  CHECK(c.get("/api/cart", token(good + R"(,"nbf":)" + std::to_string(unix_now() - 10) + "}")).status == 200);
}
