// Black-box: every byte from the network is hostile. Requests an attacker would send, against the
// real binary: ids that would reach a URL, captured signatures sent again, bytes that are not
// UTF-8, names with control characters, input echoed into error bodies, reads of things that do
// not exist, prices that would overflow a total.
#include <catch2/catch.hpp>

#include <regex>

#include "http/gateways/signing.hpp"
#include "http/jwt.hpp"
#include "support/crypto.hpp"
#include "tests/harness/cli.hpp"
#include "tests/harness/fake_mercadopago.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;
namespace gw = bitacora::http::gateways;

namespace {

HttpResponse post(HttpClient& c, const SignedWebhook& w) { return c.post(w.target, w.body, w.headers); }

Json webhook(HttpClient& c, const std::string& id) { return Json(c.get("/api/webhook-events/" + id, as_admin()).body); }

std::string settle(HttpClient& c, const std::string& id) {
  std::string status;
  eventually([&] {
    status = webhook(c, id).str("/status");
    return status == "succeeded" || status == "failed";
  });
  return status;
}

std::string bearer(const std::string& token) { return "Bearer " + token; }

// A server whose Mercado Pago API is `mp`.
struct Shop {
  explicit Shop(FakeMercadoPago& mp, const std::string& extra_config = {})
      : server(dir.str(), test_config(dir.str("data"), extra_config), {"BITACORA_MERCADOPAGO_API_BASE=" + mp.base_url()}) {
    server.start();
  }
  TempDir dir;
  ServerProcess server;
};

}  // namespace

TEST_CASE("a Mercado Pago payment id from anywhere but the signed data.id never reaches the API's URL",
          "[blackbox][hostile][mercadopago]") {
  FakeMercadoPago mp;
  Shop shop(mp);
  HttpClient c(shop.server.port());
  define_product(c, "sku-1", 10, 2500);
  auto order = place_order(c, "ana", {{"sku-1", 1}});
  mp.set_payment("1001", "approved", order.reference, 25.00);

  // Validly signed over data.id=1001; the unsigned `topic` and `id` try to steer the fetch.
  auto traversal = mercadopago_webhook("1001", "payment.updated", "req-h1", unix_now());
  traversal.target += "&topic=payment&id=../../../admin%3Fx%3D1%23";
  auto r = post(c, traversal);
  REQUIRE(r.status == 200);
  CHECK(settle(c, Json(r.body).str("/event_id")) == "succeeded");
  CHECK(order_status(c, order.reference) == "paid");

  auto smuggling = mercadopago_webhook("1001", "payment.updated", "req-h2", unix_now());
  smuggling.target += "&topic=payment&id=1%20HTTP/1.1%0d%0aX-Injected:%20yes%0d%0a";
  r = post(c, smuggling);
  REQUIRE(r.status == 200);
  CHECK(settle(c, Json(r.body).str("/event_id")) == "succeeded");

  // Signed without a data.id: the body's data.id is unsigned, so nothing is fetched at all.
  auto unsigned_id = mercadopago_webhook("1001", "payment.updated", "req-h3", unix_now());
  const auto ts = std::to_string(unix_now());
  unsigned_id.target = "/webhooks/mercadopago?type=payment";
  unsigned_id.body = R"({"type":"payment","action":"payment.updated","data":{"id":"../../admin?x=1#"}})";
  unsigned_id.headers = {{"x-signature", gw::mercadopago_signature(secrets::mercadopago, "", "req-h3", ts)},
                         {"x-request-id", "req-h3"}};
  r = post(c, unsigned_id);
  REQUIRE(r.status == 200);
  auto failed = Json(r.body).str("/event_id");
  CHECK(settle(c, failed) == "failed");
  CHECK(webhook(c, failed).str("/last_error").find("data.id") != std::string::npos);

  // A signed data.id that is not an identifier is refused at the door.
  auto slash = mercadopago_webhook("a/b", "payment.updated", "req-h4", unix_now());
  CHECK(post(c, slash).status == 400);

  const auto seen = mp.requests();
  REQUIRE_FALSE(seen.empty());
  const std::regex payment_path("/v1/payments/[0-9]{1,20}");
  for (const auto& request : seen) {
    INFO(request.target);
    CHECK(std::regex_match(request.target, payment_path));
    for (const auto& [name, value] : request.headers) CHECK(name != "x-injected");
  }
}

TEST_CASE("a captured Mercado Pago signature is refused once stale, and sent again with another body makes nothing new",
          "[blackbox][hostile][mercadopago]") {
  FakeMercadoPago mp;
  Shop shop(mp);
  HttpClient c(shop.server.port());

  auto stale = mercadopago_webhook("2001", "payment.updated", "req-s1", unix_now() - 3600);
  auto refused = post(c, stale);
  CHECK(refused.status == 401);
  CHECK(Json(refused.body).str("/error") == "invalid_signature");
  CHECK(post(c, mercadopago_webhook("2001", "payment.updated", "req-s2", 1262304000)).status == 401);  // from 2010

  // Milliseconds, as Mercado Pago also sends them.
  auto fresh = mercadopago_webhook("2001", "payment.updated", "req-s3", unix_now() * 1000);
  auto first = post(c, fresh);
  REQUIRE(first.status == 200);
  CHECK(Json(first.body).str("/status") == "received");

  // The same signed headers with a body that names another notification id: the same event.
  for (int i = 0; i < 3; ++i) {
    auto replay = fresh;
    replay.body = R"({"id":)" + std::to_string(900 + i) + R"(,"type":"payment","action":"payment.created","data":{"id":"2001"}})";
    auto again = post(c, replay);
    REQUIRE(again.status == 200);
    CHECK(Json(again.body).str("/status") == "already_received");
    CHECK(Json(again.body).str("/event_id") == Json(first.body).str("/event_id"));
  }
}

TEST_CASE("bytes that are not UTF-8 are stored exactly and never break a listing, a detail, processing or audit",
          "[blackbox][hostile][utf8]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());

  // Unauthenticated garbage: refused and quarantined, and the list still answers.
  auto garbage = c.post("/webhooks/stripe", "\xff\xfe\xfd", {{"Content-Type", "application/octet-stream"}});
  CHECK(garbage.status == 401);
  // The quarantine record is written after the 401 goes out (best effort): wait for it.
  std::string quarantined;
  REQUIRE(eventually([&] {
    auto listed = c.get("/api/webhook-events", as_admin());
    REQUIRE(listed.status == 200);
    Json page(listed.body);
    if (page.size("/items") != 1) return false;
    quarantined = page.str("/items/0/id");
    return true;
  }));
  Json detail(c.get("/api/webhook-events/" + quarantined, as_admin()).body);
  CHECK(detail.str("/payload_base64") == "//79");
  CHECK(detail.str("/payload") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // shown as U+FFFD

  // A signed webhook with a raw 0xff in its query: stored, shown, processed, audited.
  auto w = stripe_webhook("evt_utf8", unix_now());
  auto r = c.post(w.target + "?note=\xff", w.body, w.headers);
  REQUIRE(r.status == 200);
  const auto id = Json(r.body).str("/event_id");
  CHECK(settle(c, id) == "failed");  // processed (ORD-1 names no order here), not stuck pending
  auto shown = c.get("/api/webhook-events/" + id, as_admin());
  REQUIRE(shown.status == 200);
  CHECK(Json(shown.body).str("/query_base64") == bitacora::crypto::base64("note=\xff"));
  CHECK(Json(shown.body).str("/payload") == w.body);
  CHECK(c.get("/api/webhook-events?limit=10", as_admin()).status == 200);

  server.terminate();
  auto audit = run_cli("audit --data-dir " + dir.str("data"), true);
  INFO(audit.text());
  CHECK(audit.exit_code == 0);
}

TEST_CASE("names with control characters or past 256 bytes are refused: a JWT subject, a Stripe id, a webhook-id",
          "[blackbox][hostile][names]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  fill_cart(c, "victim", {{"sku-1", 2}});

  // "victim\0ZZ" once named the same cart stream as "victim".
  auto forged = bitacora::http::sign_jwt_hs256(R"({"sub":"victim\u0000ZZ"})", kJwtSecret);
  auto denied = c.get("/api/cart", {{"Authorization", bearer(forged)}});
  CHECK(denied.status == 401);
  CHECK(Json(denied.body).str("/message").find("invalid_subject") != std::string::npos);
  CHECK(c.post("/api/cart/items", R"({"sku":"sku-1","quantity":1})", {{"Authorization", bearer(forged)}}).status == 401);
  auto long_sub = bitacora::http::sign_jwt_hs256(R"({"sub":")" + std::string(300, 'a') + R"("})", kJwtSecret);
  CHECK(c.get("/api/cart", {{"Authorization", bearer(long_sub)}}).status == 401);
  CHECK(Json(c.get("/api/cart", as_shopper("victim")).body).num("/items/0/quantity") == 2);  // untouched

  // Signed, but an id that would make a dedupe key with a control character in it.
  const auto now = unix_now();
  std::string body = R"({"id":"evt\u0001x","object":"event","type":"ping"})";
  auto bad_id = c.post("/webhooks/stripe", body, {{"Stripe-Signature", gw::stripe_signature(secrets::stripe, now, body)}});
  CHECK(bad_id.status == 400);
  CHECK(Json(bad_id.body).str("/error") == "malformed_payload");
  const std::string long_id(300, 'm');
  auto long_standard = standard_webhook(long_id, now, R"({"type":"ping"})");
  CHECK(post(c, long_standard).status == 400);
  CHECK(post(c, standard_webhook("msg_ok", now, R"({"type":"ping"})")).status == 200);
}

TEST_CASE("a Standard Webhooks source named after another dedupe namespace is refused at start",
          "[blackbox][hostile][names]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[standard_webhooks.checkout]\nsecret = \"" +
                                                                   std::string(secrets::standard) + "\"\n"));
  try {
    server.start(std::chrono::seconds(10));
    FAIL("the server started with a source named checkout");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("standard_webhooks.checkout") != std::string::npos);
  }
}

TEST_CASE("a Wompi transaction whose amount is not signed is refused", "[blackbox][hostile][wompi]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  const auto now = unix_now();
  const auto sum = gw::wompi_checksum({"tx-9", "APPROVED"}, now, secrets::wompi_events);
  const std::string body = R"({"event":"transaction.updated","data":{"transaction":{"id":"tx-9","status":"APPROVED",)"
                           R"("amount_in_cents":1,"reference":"ORD-1","currency":"COP"}},"signature":{"properties":)"
                           R"(["transaction.id","transaction.status"],"checksum":")" + sum + R"("},"timestamp":)" +
                           std::to_string(now) + "}";
  auto r = c.post("/webhooks/wompi", body);
  CHECK(r.status == 401);
  CHECK(Json(r.body).str("/message").find("amount_in_cents") != std::string::npos);
}

TEST_CASE("error bodies are JSON whatever the input they name, and 503s and /health name no file",
          "[blackbox][hostile][errors]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto r = c.post("/api/cart/bulk-update", R"({"a\"b\\c":"x"})", as_shopper("ana"));
  REQUIRE(r.status == 400);
  Json error(r.body);  // parses: the key was escaped, not pasted
  CHECK(error.str("/field") == "a\"b\\c");

  auto retry = c.post("/api/webhook-events/wh_%22x/retry", "", as_admin());
  CHECK(retry.status == 404);
  CHECK_NOTHROW(Json(retry.body));

  Json health(c.get("/health").body);
  CHECK(health.is_null("/storage/dir"));
  CHECK(Json(c.get("/health", as_admin()).body).is_null("/storage/dir"));  // nobody is shown a path of the disk
}

TEST_CASE("reading products, carts and orders that do not exist keeps no actor for them", "[blackbox][hostile][actors]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-real", 1, 100);
  for (int i = 0; i < 2000; ++i) REQUIRE(c.get("/api/products/nope-" + std::to_string(i)).status == 404);
  for (int i = 0; i < 200; ++i) REQUIRE(c.get("/api/orders/ORD-nope-" + std::to_string(i), as_admin()).status == 404);
  for (int i = 0; i < 200; ++i) REQUIRE(c.get("/api/cart", as_shopper("ghost-" + std::to_string(i))).status == 200);
  // Only the product that exists may still be awake (it was defined and read).
  CHECK(eventually([&] { return metric(c, "bitacora_actors_alive") <= 1; }));
  CHECK(metric(c, "bitacora_actors_woken_total") >= 2400);
}

TEST_CASE("a price that could overflow a cart's total is refused", "[blackbox][hostile][money]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto r = c.request("PUT", "/api/products/big",
                     R"({"name":"Big","price_in_cents":4000000000000000000,"currency":"COP","stock":5})", as_admin());
  CHECK(r.status == 422);
  CHECK(Json(r.body).str("/error") == "invalid_argument");
  define_product(c, "dear", 5, 10'000'000'000);  // the largest price: 10^8 COP
  fill_cart(c, "ana", {{"dear", 3}});
  CHECK(Json(c.get("/api/cart", as_shopper("ana")).body).num("/total_in_cents") == 30'000'000'000);
}

TEST_CASE("calls to a gateway's API are bounded: at most 16 at once, each within its deadline",
          "[blackbox][hostile][mercadopago]") {
  FakeMercadoPago mp;
  mp.hang(true);
  Shop shop(mp, "[webhooks]\napi_timeout_seconds = 30\n");
  HttpClient c(shop.server.port());
  for (int i = 0; i < 40; ++i)
    REQUIRE(post(c, mercadopago_webhook(std::to_string(5000 + i), "payment.updated", "req-b" + std::to_string(i), unix_now()))
                .status == 200);
  // Forty webhooks to process, each a fetch: sixteen go out, the rest wait their turn.
  REQUIRE(eventually([&] { return mp.most_at_once() >= 16; }));
  for (int poll = 0; poll < 20; ++poll) {
    CHECK(mp.most_at_once() == 16);
    struct timespec ts{0, 50'000'000};
    nanosleep(&ts, nullptr);  // watching that nothing more goes out, not waiting for work
  }
  mp.hang(false);
}

TEST_CASE("a gateway's API that never answers fails the attempt at its deadline, to be retried",
          "[blackbox][hostile][mercadopago]") {
  FakeMercadoPago mp;
  mp.hang(true);
  Shop shop(mp, "[webhooks]\napi_timeout_seconds = 1\n");
  HttpClient c(shop.server.port());
  auto r = post(c, mercadopago_webhook("6001", "payment.updated", "req-t1", unix_now()));
  REQUIRE(r.status == 200);
  const auto id = Json(r.body).str("/event_id");
  REQUIRE(eventually([&] { return webhook(c, id).num("/attempts") >= 1; }));
  Json w = webhook(c, id);
  CHECK(w.str("/status") == "pending");
  CHECK(w.str("/last_error").find("no answer within 1000 ms") != std::string::npos);
  CHECK_FALSE(w.is_null("/next_retry_at"));
  mp.hang(false);
}
