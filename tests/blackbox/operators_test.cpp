// Black-box: what the operator console stands on, on the real binary — named operators and the
// identity their changes record, resolving orders that need attention, the product list with its
// reservations, a stream's state as of a moment, webhook filters, counts and attributed retries,
// the scheduler's timers, and the console's files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <set>

#include "support/crypto.hpp"
#include "support/time.hpp"

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

constexpr const char* kAliceToken = "alice-console-token";

std::string operators_config(const std::string& data_dir, const std::string& extra = {}) {
  return test_config(data_dir, "[operators.alice]\ntoken_sha256 = \"" + bitacora::crypto::sha256_hex(kAliceToken) + "\"\n" + extra);
}

bitacora::Micros now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A millisecond boundary (times in the API have millisecond precision): everything before the
// call happened before it, everything after the call happens after it.
std::string ms_boundary() {
  const bitacora::Micros boundary = (now_us() / 1000 + 1) * 1000;
  REQUIRE(eventually([&] { return now_us() >= boundary + 1000; }));  // "as_of" keeps its whole millisecond
  return bitacora::format_rfc3339(boundary);
}

Headers as_alice() { return {{"Authorization", std::string("Bearer ") + kAliceToken}}; }

// The data of a stream's events of `type`, oldest first.
std::vector<std::string> data_of(HttpClient& c, const std::string& stream, const std::string& type) {
  auto r = c.get("/api/streams/" + stream + "/events", as_admin());
  REQUIRE(r.status == 200);
  Json j(r.body);
  std::vector<std::string> out;
  for (auto ev : j.at("/items").get_array()) {
    if (std::string_view(ev["type"].get_string().value()) == type) out.push_back(simdjson::minify(ev["data"]));
  }
  return out;
}

// An approval of another amount than the order's: it then needs attention, holding its stock.
void approve_wrong_amount(HttpClient& c, const PlacedOrder& o, const std::string& tx) {
  auto w = wompi_webhook(tx, "APPROVED", o.amount - 1, o.reference, unix_now());
  REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
  REQUIRE(eventually([&] { return order_status(c, o.reference) == "needs_attention"; }));
}

std::string failed_webhook(HttpClient& c, const std::string& reference, const std::string& tx) {
  auto w = wompi_webhook(tx, "APPROVED", 100, reference, unix_now());
  auto r = c.post(w.target, w.body, w.headers);
  REQUIRE(r.status == 200);
  auto id = Json(r.body).str("/event_id");
  REQUIRE(eventually([&] { return Json(c.get("/api/webhook-events/" + id, as_admin()).body).str("/status") == "failed"; }));
  return id;
}

}  // namespace

TEST_CASE("operators are named: each token is its operator, and no other caller gets in", "[blackbox][operators]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());

  CHECK(Json(c.get("/api/operators/me", as_alice()).body).str("/operator") == "alice");
  CHECK(Json(c.get("/api/operators/me", as_admin()).body).str("/operator") == "admin");
  const Headers nobody;
  const Headers wrong{{"Authorization", "Bearer not-a-token"}};
  for (const auto& path : {"/api/operators/me", "/api/scheduler", "/api/webhook-events/counts",
                           "/api/streams/product/sku-1/state", "/api/orders?from=2026-01-01T00:00:00Z"}) {
    INFO(path);
    CHECK(c.get(path, as_shopper("ana")).status == 401);
    CHECK(c.get(path, nobody).status == 401);
    CHECK(c.get(path, wrong).status == 401);
    CHECK(c.get(path, as_alice()).status != 401);  // 200, or 404 for the stream with no events
  }
  for (const auto& path : {"/api/orders/ORD-X/resolve", "/api/webhook-events/retry", "/api/webhook-events/wh_1/retry"}) {
    INFO(path);
    auto r = c.post(path, R"({"action":"cancel"})", as_shopper("ana"));
    CHECK(r.status == 401);
    CHECK(Json(r.body).str("/error") == "unauthorized");
    CHECK(c.post(path, R"({"action":"cancel"})", nobody).status == 401);
  }

  SECTION("a configuration naming an operator admin, or a malformed hash, does not start") {
    TempDir bad;
    ServerProcess named_admin(bad.str(), test_config(bad.str("data"), "[operators.admin]\ntoken_sha256 = \"" +
                                                                          bitacora::crypto::sha256_hex("x") + "\"\n"));
    CHECK_THROWS(named_admin.start(std::chrono::seconds(5)));
    CHECK(named_admin.log_tail().find("operators.admin") != std::string::npos);
    TempDir worse;
    ServerProcess short_hash(worse.str(), test_config(worse.str("data"), "[operators.bob]\ntoken_sha256 = \"abc\"\n"));
    CHECK_THROWS(short_hash.start(std::chrono::seconds(5)));
    CHECK(short_hash.log_tail().find("operators.bob.token_sha256") != std::string::npos);
  }
}

TEST_CASE("every change an operator makes records who made it and their note", "[blackbox][operators]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());

  REQUIRE(c.put("/api/products/sku-1", R"({"name":"Mug","price_in_cents":1000,"currency":"COP","stock":5,"note":"new line"})",
                as_alice()).status == 200);
  REQUIRE(c.post("/api/products/sku-1/stock", R"({"delta":-1,"reason":"damaged","note":"dropped it"})", as_alice()).status == 200);
  auto defined = data_of(c, "product/sku-1", "ProductDefined");
  REQUIRE(defined.size() == 1);
  CHECK(Json(defined[0]).str("/by") == "alice");
  CHECK(Json(defined[0]).str("/note") == "new line");
  auto adjusted = data_of(c, "product/sku-1", "StockAdjusted");
  REQUIRE(adjusted.size() == 2);
  CHECK(Json(adjusted[1]).str("/by") == "alice");
  CHECK(Json(adjusted[1]).str("/note") == "dropped it");
  CHECK(Json(adjusted[1]).str("/reason") == "damaged");

  auto by_alice = place_order(c, "ana", {{"sku-1", 1}});
  REQUIRE(c.post("/api/orders/" + by_alice.reference + "/cancel", R"({"note":"asked by phone"})", as_alice()).status == 200);
  auto cancelled = data_of(c, "order/" + by_alice.reference, "OrderCancelled");
  REQUIRE(cancelled.size() == 1);
  CHECK(Json(cancelled[0]).str("/by") == "alice");
  CHECK(Json(cancelled[0]).str("/note") == "asked by phone");

  auto by_owner = place_order(c, "bea", {{"sku-1", 1}});
  REQUIRE(c.post("/api/orders/" + by_owner.reference + "/cancel", "", as_shopper("bea")).status == 200);
  CHECK(Json(data_of(c, "order/" + by_owner.reference, "OrderCancelled").at(0)).str("/by") == "owner");

  auto id = failed_webhook(c, "ORD-NOSUCHORDER", "tx-x");
  REQUIRE(c.post("/api/webhook-events/" + id + "/retry", R"({"note":"gateway fixed"})", as_alice()).status == 202);
  auto detail = Json(c.get("/api/webhook-events/" + id, as_admin()).body);
  bool recorded = false;
  for (auto ev : detail.at("/history").get_array()) {
    if (std::string_view(ev["type"].get_string().value()) != "WebhookRetryRequested") continue;
    recorded = std::string_view(ev["data"]["by"].get_string().value()) == "alice" &&
               std::string_view(ev["data"]["note"].get_string().value()) == "gateway fixed";
  }
  CHECK(recorded);
  auto too_long = c.post("/api/webhook-events/" + id + "/retry", R"({"note":")" + std::string(501, 'x') + "\"}", as_alice());
  CHECK(too_long.status == 400);
  CHECK(Json(too_long.body).str("/field") == "note");
}

TEST_CASE("an order that needs attention is resolved by marking it paid or cancelling it", "[blackbox][operators][resolve]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data"), "[reservations]\nttl_seconds = 2\n"));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10);
  auto resolve = [&](const std::string& ref, const std::string& body) {
    return c.post("/api/orders/" + ref + "/resolve", body, as_alice());
  };

  SECTION("mark_paid confirms the stock it holds; cancel releases it; both are recorded") {
    auto paid = place_order(c, "ana", {{"sku-1", 3}});
    auto cancelled = place_order(c, "bea", {{"sku-1", 2}});
    approve_wrong_amount(c, paid, "tx-1");
    approve_wrong_amount(c, cancelled, "tx-2");
    CHECK(stock_of(c, "sku-1").reserved == 5);

    auto r = resolve(paid.reference, R"({"action":"mark_paid","note":"the rest came by transfer"})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(Json(r.body).str("/status") == "paid");
    CHECK(order_status(c, paid.reference) == "paid");
    CHECK(stock_of(c, "sku-1").on_hand == 7);
    CHECK(stock_of(c, "sku-1").reserved == 2);

    r = resolve(cancelled.reference, R"({"action":"cancel","note":"refunded at Wompi"})");
    REQUIRE(r.status == 200);
    CHECK(order_status(c, cancelled.reference) == "cancelled");
    CHECK(stock_of(c, "sku-1").on_hand == 7);
    CHECK(stock_of(c, "sku-1").reserved == 0);
    CHECK(stock_of(c, "sku-1").available == 7);

    auto resolved = data_of(c, "order/" + paid.reference, "OrderResolved");
    REQUIRE(resolved.size() == 1);
    CHECK(Json(resolved[0]).str("/action") == "mark_paid");
    CHECK(Json(resolved[0]).str("/by") == "alice");
    CHECK(Json(resolved[0]).str("/note") == "the rest came by transfer");
    CHECK(Json(data_of(c, "order/" + cancelled.reference, "OrderResolved").at(0)).str("/action") == "cancel");
    CHECK(metric(c, "bitacora_reservations_active") == 0);

    // Resolved once: a second resolution, or one of an order that never needed attention, is a 409.
    auto again = resolve(paid.reference, R"({"action":"cancel"})");
    CHECK(again.status == 409);
    CHECK(Json(again.body).str("/error") == "not_needs_attention");
    auto pending = place_order(c, "cy", {{"sku-1", 1}});
    CHECK(resolve(pending.reference, R"({"action":"mark_paid"})").status == 409);
    CHECK(resolve("ORD-NOSUCHORDER", R"({"action":"mark_paid"})").status == 404);
    auto bad = resolve(pending.reference, R"({"action":"refund"})");
    CHECK(bad.status == 422);
    CHECK(Json(bad.body).str("/field") == "action");
    CHECK(resolve(pending.reference, R"({"note":"x"})").status == 400);
  }

  SECTION("mark_paid of an order whose stock is gone is 409 insufficient_stock until stock comes back") {
    auto late = place_order(c, "ana", {{"sku-1", 4}});
    REQUIRE(eventually([&] { return order_status(c, late.reference) == "expired"; }));
    auto rival = place_order(c, "bea", {{"sku-1", 8}});
    auto w = wompi_webhook("tx-late", "APPROVED", late.amount, late.reference, unix_now());
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
    REQUIRE(eventually([&] { return order_status(c, late.reference) == "needs_attention"; }));

    auto refused = resolve(late.reference, R"({"action":"mark_paid"})");
    INFO(refused.body);
    REQUIRE(refused.status == 409);
    Json why(refused.body);
    CHECK(why.str("/error") == "insufficient_stock");
    CHECK(why.str("/items/0/sku") == "sku-1");
    CHECK(why.num("/items/0/requested") == 4);
    CHECK(why.num("/items/0/available") == 2);
    CHECK(order_status(c, late.reference) == "needs_attention");

    REQUIRE(c.post("/api/products/sku-1/stock", R"({"delta":2,"reason":"restock"})", as_alice()).status == 200);
    auto r = resolve(late.reference, R"({"action":"mark_paid"})");
    REQUIRE(r.status == 200);
    CHECK(order_status(c, late.reference) == "paid");
    auto s = stock_of(c, "sku-1");
    CHECK(s.on_hand == 8);    // 12 − the 4 sold
    CHECK(s.reserved == 8);   // the rival's
    CHECK(s.available == 0);
    (void)rival;
  }

  REQUIRE(server.terminate() == 0);
  auto audit = run_cli("audit --data-dir " + dir.str("data"));
  INFO(audit.text());
  CHECK(audit.exit_code == 0);
}

TEST_CASE("operators list products with their reservations and read any stream as of a moment", "[blackbox][operators]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  for (const auto* sku : {"e-5", "a-1", "c-3", "b-2", "d-4"}) define_product(c, sku, 10);

  std::vector<std::string> listed;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = c.get("/api/products?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), as_alice());
    REQUIRE(r.status == 200);
    Json j(r.body);
    for (std::size_t i = 0; i < j.size("/items"); ++i) listed.push_back(j.str("/items/" + std::to_string(i) + "/sku"));
    if (j.is_null("/next_cursor")) break;
    cursor = j.str("/next_cursor");
  }
  CHECK(listed == std::vector<std::string>{"a-1", "b-2", "c-3", "d-4", "e-5"});
  CHECK(c.get("/api/products?limit=0", as_alice()).status == 400);
  CHECK(c.get("/api/products?cursor=%22x", as_alice()).status == 400);

  const auto before = ms_boundary();
  auto order = place_order(c, "ana", {{"c-3", 2}});
  auto r = c.get("/api/products/c-3", as_alice());
  Json product(r.body);
  REQUIRE(product.size("/reservations") == 1);
  CHECK(product.str("/reservations/0/order") == order.reference);
  CHECK(product.num("/reservations/0/quantity") == 2);
  CHECK(product.str("/reservations/0/expires_at") == Json(c.get("/api/orders/" + order.reference, as_admin()).body).str("/expires_at"));
  CHECK_FALSE(Json(c.get("/api/products/c-3").body).has("/reservations"));  // the public view has none

  // The time machine: before the checkout nothing was reserved; now two units are.
  auto then = c.get("/api/streams/product/c-3/state?as_of=" + before, as_alice());
  INFO(then.body);
  REQUIRE(then.status == 200);
  CHECK(Json(then.body).num("/state/reserved") == 0);
  CHECK(Json(then.body).num("/state/on_hand") == 10);
  auto now = Json(c.get("/api/streams/product%2Fc-3/state", as_alice()).body);
  CHECK(now.num("/state/reserved") == 2);
  CHECK(now.str("/type") == "StockReserved");
  auto first = Json(c.get("/api/streams/product/c-3/state?seq=" + std::to_string(now.num("/seq") - 1), as_alice()).body);
  CHECK(first.num("/state/reserved") == 0);
  CHECK(c.get("/api/streams/product/c-3/state?as_of=2001-01-01T00:00:00Z", as_alice()).status == 404);
  CHECK(c.get("/api/streams/product/c-3/state?as_of=yesterday", as_alice()).status == 400);
  CHECK(c.get("/api/streams/product/c-3/state?as_of=" + before + "&seq=3", as_alice()).status == 400);
  CHECK(c.get("/api/streams/order/" + order.reference + "/state", as_alice()).status == 200);

  // The scheduler shows the order's reservation expiry.
  auto timers = Json(c.get("/api/scheduler", as_alice()).body);
  CHECK(timers.num("/counts/reservation_expiry") == 1);
  CHECK(timers.str("/next/0/kind") == "reservation_expiry");
  CHECK(timers.str("/next/0/target") == order.reference);
}

TEST_CASE("webhook events filter by reference and time, count by status, and retry in bulk", "[blackbox][operators][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto a1 = failed_webhook(c, "ORD-AAAA", "tx-a1");
  auto a2 = failed_webhook(c, "ORD-AAAA", "tx-a2");
  const auto between = ms_boundary();
  auto b1 = failed_webhook(c, "ORD-BBBB", "tx-b1");
  auto b2 = failed_webhook(c, "ORD-BBBB", "tx-b2");

  auto ids = [&](const std::string& query) {
    auto r = c.get("/api/webhook-events?" + query, as_alice());
    INFO(r.body);
    REQUIRE(r.status == 200);
    Json j(r.body);
    std::set<std::string> out;
    for (std::size_t i = 0; i < j.size("/items"); ++i) out.insert(j.str("/items/" + std::to_string(i) + "/id"));
    return out;
  };
  CHECK(ids("reference=ORD-AAAA") == std::set<std::string>{a1, a2});
  CHECK(ids("from=" + between) == std::set<std::string>{b1, b2});
  CHECK(ids("to=" + between + "&status=failed") == std::set<std::string>{a1, a2});
  CHECK(ids("reference=ORD-CCCC").empty());
  CHECK(c.get("/api/webhook-events?from=soon", as_alice()).status == 400);
  CHECK(c.get("/api/webhook-events?from=" + between + "&to=" + between, as_alice()).status == 400);

  auto counts = Json(c.get("/api/webhook-events/counts", as_alice()).body);
  CHECK(counts.num("/failed") == 4);
  CHECK(counts.num("/pending") == 0);

  // Bulk by ids: only the failed ones named; by filter: every failed one it matches.
  auto r = c.post("/api/webhook-events/retry", R"({"ids":[")" + a1 + R"(","wh_999999"],"note":"one"})", as_alice());
  REQUIRE(r.status == 202);
  CHECK(Json(r.body).num("/count") == 1);
  r = c.post("/api/webhook-events/retry", R"({"reference":"ORD-BBBB","note":"both"})", as_alice());
  REQUIRE(r.status == 202);
  CHECK(Json(r.body).num("/count") == 2);
  for (const auto& id : {a1, b1, b2}) {
    REQUIRE(eventually([&] { return Json(c.get("/api/webhook-events/" + id, as_admin()).body).str("/status") == "failed"; }));
    CHECK(data_of(c, Json(c.get("/api/webhook-events/" + id, as_admin()).body).str("/history/0/stream"),
                  "WebhookRetryRequested").size() == 1);
  }
  CHECK(data_of(c, Json(c.get("/api/webhook-events/" + a2, as_admin()).body).str("/history/0/stream"), "WebhookRetryRequested").empty());
  CHECK(c.post("/api/webhook-events/retry", R"({"status":"succeeded"})", as_alice()).status == 422);
  CHECK(c.post("/api/webhook-events/retry", R"({"from":"soon"})", as_alice()).status == 422);
}

TEST_CASE("orders list by time placed, newest first, with a status", "[blackbox][operators][orders]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10);
  const auto start = bitacora::format_rfc3339(now_us() - 1000);
  auto first = place_order(c, "ana", {{"sku-1", 1}});
  auto second = place_order(c, "bea", {{"sku-1", 1}});
  auto third = place_order(c, "cy", {{"sku-1", 1}});
  REQUIRE(c.post("/api/orders/" + second.reference + "/cancel", "", as_alice()).status == 200);

  std::vector<std::string> refs;
  std::string cursor;
  for (int page = 0; page < 4; ++page) {
    auto r = c.get("/api/orders?from=" + start + "&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), as_alice());
    INFO(r.body);
    REQUIRE(r.status == 200);
    Json j(r.body);
    for (std::size_t i = 0; i < j.size("/items"); ++i) refs.push_back(j.str("/items/" + std::to_string(i) + "/reference"));
    if (j.is_null("/next_cursor")) break;
    cursor = j.str("/next_cursor");
  }
  CHECK(refs == std::vector<std::string>{third.reference, second.reference, first.reference});
  auto cancelled = Json(c.get("/api/orders?from=" + start + "&status=cancelled", as_alice()).body);
  REQUIRE(cancelled.size("/items") == 1);
  CHECK(cancelled.str("/items/0/reference") == second.reference);
  CHECK(Json(c.get("/api/orders?to=" + start, as_alice()).body).size("/items") == 0);
  CHECK(c.get("/api/orders?from=" + start + "&cursor=nonsense", as_alice()).status == 400);
}

TEST_CASE("the console is served from the binary", "[blackbox][operators][console]") {
  TempDir dir;
  ServerProcess server(dir.str(), operators_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  CHECK(c.get("/console").status == 200);
  auto page = c.get("/console/");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<html") != std::string::npos);
  CHECK(page.headers["content-type"].find("text/html") == 0);
  CHECK(page.headers["content-security-policy"].find("script-src 'self'") != std::string::npos);
  CHECK(c.get("/console/app.js").headers["content-type"].find("text/javascript") == 0);
  CHECK(c.get("/console/no-such-file.js").status == 404);
  CHECK(c.get("/console/..%2F..%2Fetc%2Fpasswd").status == 404);
}
