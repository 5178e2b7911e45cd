// Black-box: webhooks become payments on orders, exactly once (API.md §2 processing, §4 effects).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "http/gateways/signing.hpp"
#include "support/time.hpp"

#include "tests/harness/fake_mercadopago.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

using Order = PlacedOrder;

Order place(HttpClient& c, const std::string& user, const std::map<std::string, std::int64_t>& lines) {
  return place_order(c, user, lines);
}

std::string status_of(HttpClient& c, const std::string& ref) { return order_status(c, ref); }

HttpResponse post(HttpClient& c, const SignedWebhook& w) { return c.post(w.target, w.body, w.headers); }

Json webhook(HttpClient& c, const std::string& id) { return Json(c.get("/api/webhook-events/" + id, as_admin()).body); }

bool settled(HttpClient& c, const std::string& id) {
  auto s = webhook(c, id).str("/status");
  return s == "succeeded" || s == "failed";
}

std::size_t count(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), x));
}

std::uint16_t started(ServerProcess& server) {
  server.start();
  return server.port();
}

// A started server whose Mercado Pago API is a local fake (`env` adds settings), selling sku-1:
// 10 units at 25.00.
struct MercadoPagoShop {
  explicit MercadoPagoShop(std::vector<std::string> env = {})
      : server(dir.str(), test_config(dir.str("data")), with_api(std::move(env))), c(started(server)) {
    define_product(c, "sku-1", 10, 2500);
  }

  FakeMercadoPago mp;
  TempDir dir;
  ServerProcess server;
  HttpClient c;

 private:
  std::vector<std::string> with_api(std::vector<std::string> env) const {
    env.push_back("BITACORA_MERCADOPAGO_API_BASE=" + mp.base_url());
    return env;
  }
};

}  // namespace

TEST_CASE("a Wompi approval pays the order once: stock confirmed, cart emptied, duplicates change nothing",
          "[blackbox][payments]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  define_product(c, "sku-2", 5, 1000);
  auto order = place(c, "ana", {{"sku-1", 2}, {"sku-2", 1}});
  const auto now = unix_now();

  auto approval = wompi_webhook("tx-1", "APPROVED", order.amount, order.reference, now);
  auto first = post(c, approval);
  REQUIRE(first.status == 200);
  auto id = Json(first.body).str("/event_id");
  REQUIRE(eventually([&] { return status_of(c, order.reference) == "paid"; }));
  CHECK(webhook(c, id).str("/status") == "succeeded");
  CHECK(stock_of(c, "sku-1").on_hand == 8);
  CHECK(stock_of(c, "sku-1").reserved == 0);
  CHECK(stock_of(c, "sku-2").on_hand == 4);
  CHECK(Json(c.get("/api/cart", as_shopper("ana")).body).size("/items") == 0);
  Json paid(c.get("/api/orders/" + order.reference, as_admin()).body);
  CHECK(paid.str("/payment/gateway") == "wompi");
  CHECK(paid.str("/payment/transaction_id") == "tx-1");
  CHECK(Json(c.get("/health").body).num("/reservations/active") == 0);

  // The same event again: already received, nothing new.
  auto again = post(c, approval);
  CHECK(Json(again.body).str("/status") == "already_received");
  // A distinct notification with the same meaning (Wompi re-sends with a new timestamp).
  auto resent = post(c, wompi_webhook("tx-1", "APPROVED", order.amount, order.reference, now + 1));
  REQUIRE(Json(resent.body).str("/status") == "received");
  auto resent_id = Json(resent.body).str("/event_id");
  REQUIRE(eventually([&] { return settled(c, resent_id); }));
  CHECK(webhook(c, resent_id).str("/status") == "succeeded");
  CHECK(stock_of(c, "sku-1").on_hand == 8);
  CHECK(count(event_types(c, "product/sku-1"), "ReservationConfirmed") == 1);
  CHECK(count(event_types(c, "order/" + order.reference), "PaymentApproved") == 1);

  auto metrics = c.get("/metrics").body;
  CHECK(metrics.find("bitacora_orders{status=\"paid\"} 1\n") != std::string::npos);
  CHECK(metrics.find("bitacora_orders{status=\"pending_payment\"} 0\n") != std::string::npos);
  CHECK(metrics.find("bitacora_webhooks{status=\"succeeded\"} 2\n") != std::string::npos);
  CHECK(metrics.find("bitacora_webhook_attempts_count 2\n") != std::string::npos);
  CHECK(metrics.find("bitacora_webhook_settle_seconds_count 2\n") != std::string::npos);
}

TEST_CASE("a late PENDING after APPROVED leaves the order paid, and a decline releases the stock",
          "[blackbox][payments]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  auto paid = place(c, "ana", {{"sku-1", 1}});
  auto declined = place(c, "bea", {{"sku-1", 3}});
  const auto now = unix_now();
  REQUIRE(post(c, wompi_webhook("tx-a", "APPROVED", paid.amount, paid.reference, now)).status == 200);
  REQUIRE(eventually([&] { return status_of(c, paid.reference) == "paid"; }));
  auto late = post(c, wompi_webhook("tx-a", "PENDING", paid.amount, paid.reference, now + 5));
  auto late_id = Json(late.body).str("/event_id");
  REQUIRE(eventually([&] { return settled(c, late_id); }));
  CHECK(status_of(c, paid.reference) == "paid");

  REQUIRE(post(c, wompi_webhook("tx-d", "DECLINED", declined.amount, declined.reference, now)).status == 200);
  REQUIRE(eventually([&] { return status_of(c, declined.reference) == "payment_failed"; }));
  auto s = stock_of(c, "sku-1");
  CHECK(s.on_hand == 9);
  CHECK(s.reserved == 0);
}

TEST_CASE("an amount mismatch needs attention and leaves the stock alone, and an unknown reference fails the webhook",
          "[blackbox][payments]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  auto order = place(c, "ana", {{"sku-1", 2}});
  REQUIRE(post(c, wompi_webhook("tx-m", "APPROVED", order.amount - 1, order.reference, unix_now())).status == 200);
  REQUIRE(eventually([&] { return status_of(c, order.reference) == "needs_attention"; }));
  CHECK(stock_of(c, "sku-1").on_hand == 10);
  CHECK(stock_of(c, "sku-1").reserved == 2);

  auto unknown = post(c, wompi_webhook("tx-u", "APPROVED", 100, "ORD-NOBODY", unix_now()));
  auto id = Json(unknown.body).str("/event_id");
  REQUIRE(eventually([&] { return settled(c, id); }));
  Json w = webhook(c, id);
  CHECK(w.str("/status") == "failed");
  CHECK(w.str("/last_error").find("ORD-NOBODY") != std::string::npos);
  CHECK(Json(c.get("/health").body).num("/webhooks/failed") == 1);
}

TEST_CASE("an approval after the reservation expired pays if the stock is still there, else needs attention",
          "[blackbox][payments][reservations]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[reservations]\nttl_seconds = 2\n"));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 3, 2500);
  auto lucky = place(c, "ana", {{"sku-1", 2}});
  REQUIRE(eventually([&] { return status_of(c, lucky.reference) == "expired"; }, std::chrono::seconds(10)));
  REQUIRE(post(c, wompi_webhook("tx-l", "APPROVED", lucky.amount, lucky.reference, unix_now())).status == 200);
  REQUIRE(eventually([&] { return status_of(c, lucky.reference) == "paid"; }));
  CHECK(stock_of(c, "sku-1").on_hand == 1);
  CHECK(stock_of(c, "sku-1").reserved == 0);

  auto unlucky = place(c, "bea", {{"sku-1", 1}});
  REQUIRE(eventually([&] { return status_of(c, unlucky.reference) == "expired"; }, std::chrono::seconds(10)));
  auto other = place(c, "cai", {{"sku-1", 1}});  // someone else takes the last unit meanwhile
  (void)other;
  REQUIRE(post(c, wompi_webhook("tx-n", "APPROVED", unlucky.amount, unlucky.reference, unix_now())).status == 200);
  REQUIRE(eventually([&] { return status_of(c, unlucky.reference) == "needs_attention"; }));
  CHECK(stock_of(c, "sku-1").reserved == 1);
  CHECK(stock_of(c, "sku-1").on_hand == 1);
}

TEST_CASE("Mercado Pago: the payment is fetched, failures are retried on the schedule, then succeed",
          "[blackbox][payments][mercadopago]") {
  MercadoPagoShop shop({"BITACORA_RETRIES_SCHEDULE_SECONDS=1,1"});
  auto& mp = shop.mp;
  auto& c = shop.c;

  SECTION("500 twice, then approved: three attempts, succeeded, paid") {
    auto order = place(c, "ana", {{"sku-1", 2}});
    mp.set_payment("1001", "approved", order.reference, static_cast<double>(order.amount) / 100.0);
    mp.fail_next(2);
    auto r = post(c, mercadopago_webhook("1001", "payment.created", "req-1", unix_now()));
    auto id = Json(r.body).str("/event_id");
    REQUIRE(eventually([&] { return settled(c, id); }, std::chrono::seconds(10)));
    Json w = webhook(c, id);
    CHECK(w.str("/status") == "succeeded");
    CHECK(w.num("/attempts") == 3);
    CHECK(status_of(c, order.reference) == "paid");
    CHECK(mp.calls() == 3);

    // payment.updated for the same approved payment: paid once, one confirmation per product.
    auto updated = post(c, mercadopago_webhook("1001", "payment.updated", "req-2", unix_now()));
    auto updated_id = Json(updated.body).str("/event_id");
    REQUIRE(eventually([&] { return settled(c, updated_id); }, std::chrono::seconds(10)));
    CHECK(webhook(c, updated_id).str("/status") == "succeeded");
    CHECK(count(event_types(c, "product/sku-1"), "ReservationConfirmed") == 1);
    CHECK(stock_of(c, "sku-1").on_hand == 8);
  }

  SECTION("always 500: failed after the schedule with last_error; a manual retry after recovery succeeds") {
    auto order = place(c, "bea", {{"sku-1", 1}});
    mp.set_payment("2002", "approved", order.reference, static_cast<double>(order.amount) / 100.0);
    mp.fail_always(true);
    auto r = post(c, mercadopago_webhook("2002", "payment.created", "req-3", unix_now()));
    auto id = Json(r.body).str("/event_id");
    REQUIRE(eventually([&] { return settled(c, id); }, std::chrono::seconds(10)));
    Json failed = webhook(c, id);
    CHECK(failed.str("/status") == "failed");
    CHECK(failed.num("/attempts") == 3);
    CHECK(failed.str("/last_error").find("500") != std::string::npos);
    CHECK(status_of(c, order.reference) == "pending_payment");
    CHECK(c.post("/api/webhook-events/" + id + "/retry", "", as_shopper("bea")).status == 401);

    mp.fail_always(false);
    auto retry = c.post("/api/webhook-events/" + id + "/retry", "", as_admin());
    REQUIRE(retry.status == 202);
    REQUIRE(eventually([&] { return status_of(c, order.reference) == "paid"; }, std::chrono::seconds(10)));
    CHECK(webhook(c, id).str("/status") == "succeeded");
    CHECK(c.post("/api/webhook-events/" + id + "/retry", "", as_admin()).status == 409);  // not failed any more
  }
}

TEST_CASE("a retry that fell due while the server was down runs right after start", "[blackbox][payments][mercadopago]") {
  FakeMercadoPago mp;
  TempDir dir;
  std::vector<std::string> env{"BITACORA_MERCADOPAGO_API_BASE=" + mp.base_url(), "BITACORA_RETRIES_SCHEDULE_SECONDS=2"};
  ServerProcess server(dir.str(), test_config(dir.str("data")), env);
  server.start();
  std::string ref, id;
  bitacora::Micros next_retry_at = 0;
  {
    HttpClient c(server.port());
    define_product(c, "sku-1", 10, 2500);
    auto order = place(c, "ana", {{"sku-1", 1}});
    ref = order.reference;
    mp.set_payment("3003", "approved", ref, static_cast<double>(order.amount) / 100.0);
    mp.fail_always(true);
    id = Json(post(c, mercadopago_webhook("3003", "payment.created", "req-4", unix_now())).body).str("/event_id");
    REQUIRE(eventually([&] { return webhook(c, id).num("/attempts") == 1; }));
    Json w = webhook(c, id);
    CHECK(w.str("/status") == "pending");
    next_retry_at = bitacora::parse_rfc3339(w.str("/next_retry_at")).value();
  }
  server.kill_hard();
  mp.fail_always(false);
  const int calls_before = mp.calls();
  // The retry's due time passes while nothing runs.
  REQUIRE(eventually([&] { return bitacora::SystemClock::instance().now_us() > next_retry_at + 200'000; },
                     std::chrono::seconds(10)));
  server.start();
  HttpClient c(server.port());
  REQUIRE(eventually([&] { return status_of(c, ref) == "paid"; }, std::chrono::seconds(5)));
  CHECK(mp.calls() == calls_before + 1);
  CHECK(webhook(c, id).num("/attempts") == 2);
}

TEST_CASE("500 approvals posted across a SIGKILL: after restart every order is paid exactly once, no webhook left open",
          "[blackbox][payments][crash]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  constexpr int kOrders = 500, kThreads = 16;
  std::vector<Order> orders;
  {
    HttpClient c(server.port());
    define_product(c, "sku-p", 1000, 1000);
    for (int i = 0; i < kOrders; ++i) orders.push_back(place(c, "buyer-" + std::to_string(i), {{"sku-p", 1}}));
  }
  const auto now = unix_now();
  std::vector<SignedWebhook> approvals;
  for (int i = 0; i < kOrders; ++i)
    approvals.push_back(wompi_webhook("tx-" + std::to_string(i), "APPROVED", orders[i].amount, orders[i].reference, now));

  auto post_all = [&](std::atomic<int>& acks) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        HttpClient c(server.port(), std::chrono::seconds(5));
        for (int i = t; i < kOrders; i += kThreads) {
          auto r = c.post(approvals[i].target, approvals[i].body, approvals[i].headers);
          if (r.status == 0) return;  // the server is gone
          if (r.status == 200) ++acks;
        }
      });
    }
    return threads;
  };
  std::atomic<int> acks{0};
  auto threads = post_all(acks);
  REQUIRE(eventually([&] { return acks.load() >= kOrders / 2; }, std::chrono::seconds(30)));
  server.kill_hard();  // mid-ingest and mid-processing
  for (auto& t : threads) t.join();

  // The gateway re-sends what was not acknowledged (and some that were): duplicates are harmless.
  server.start();
  std::atomic<int> second{0};
  auto again = post_all(second);
  for (auto& t : again) t.join();
  CHECK(second.load() == kOrders);

  HttpClient c(server.port());
  REQUIRE(eventually([&] { return Json(c.get("/health").body).num("/webhooks/pending") == 0; }, std::chrono::seconds(30)));
  CHECK(Json(c.get("/health").body).num("/webhooks/failed") == 0);
  CHECK(Json(c.get("/api/orders?status=paid&limit=500", as_admin()).body).size("/items") == kOrders);
  auto stock = stock_of(c, "sku-p");
  CHECK(stock.on_hand == 1000 - kOrders);
  CHECK(stock.reserved == 0);
  auto product_events = Json(c.get("/api/streams/product/sku-p/events?limit=10000", as_admin()).body);
  std::size_t confirmations = 0;
  auto items = product_events.at("/items").get_array().value();
  for (auto item : items) confirmations += item["type"].get_string().value() == "ReservationConfirmed" ? 1 : 0;
  CHECK(confirmations == kOrders);
  CHECK(Json(c.get("/api/webhook-events?status=processing", as_admin()).body).size("/items") == 0);
}

TEST_CASE("Mercado Pago's legacy IPN is refused unless allowed", "[blackbox][payments][mercadopago]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto r = c.post("/webhooks/mercadopago?topic=payment&id=4004", "");
  CHECK(r.status == 401);
  CHECK(Json(r.body).str("/error") == "invalid_signature");
}

TEST_CASE("an allowed IPN pays through the payment it names, fetched, and a repeat changes nothing",
          "[blackbox][payments][mercadopago]") {
  MercadoPagoShop shop({"BITACORA_MERCADOPAGO_ALLOW_IPN=true"});
  auto& mp = shop.mp;
  auto& c = shop.c;
  auto order = place(c, "ana", {{"sku-1", 2}});
  mp.set_payment("4004", "approved", order.reference, static_cast<double>(order.amount) / 100.0);

  auto first = c.post("/webhooks/mercadopago?topic=payment&id=4004", "");
  REQUIRE(first.status == 200);
  const auto id = Json(first.body).str("/event_id");
  REQUIRE(eventually([&] { return settled(c, id); }, std::chrono::seconds(10)));
  CHECK(webhook(c, id).str("/status") == "succeeded");
  CHECK(status_of(c, order.reference) == "paid");

  // Mercado Pago sends the same IPN again: a new webhook, fetched again, applied no second time.
  auto again = c.post("/webhooks/mp?topic=payment&id=4004", "");
  REQUIRE(again.status == 200);
  const auto again_id = Json(again.body).str("/event_id");
  CHECK(again_id != id);
  REQUIRE(eventually([&] { return settled(c, again_id); }, std::chrono::seconds(10)));
  CHECK(webhook(c, again_id).str("/status") == "succeeded");
  CHECK(count(event_types(c, "product/sku-1"), "ReservationConfirmed") == 1);
  CHECK(stock_of(c, "sku-1").on_hand == 8);
  CHECK(mp.calls() == 2);

  // Another topic names no payment: stored, never fetched. An id that is not digits is refused.
  auto other = c.post("/webhooks/mercadopago?topic=merchant_order&id=77", "");
  REQUIRE(other.status == 200);
  const auto other_id = Json(other.body).str("/event_id");
  REQUIRE(eventually([&] { return settled(c, other_id); }, std::chrono::seconds(10)));
  CHECK(webhook(c, other_id).str("/status") == "succeeded");
  CHECK(mp.calls() == 2);
  auto bad = c.post("/webhooks/mercadopago?topic=payment&id=4004%2F..%2Fx", "");
  CHECK(bad.status == 400);
  CHECK(Json(bad.body).str("/error") == "malformed_payload");
}

TEST_CASE("a refund moves a paid order to refunded and keeps the stock out, and nothing moves it back",
          "[blackbox][payments][refund]") {
  MercadoPagoShop shop;
  auto& mp = shop.mp;
  auto& c = shop.c;
  auto settle = [&](const HttpResponse& r) {
    REQUIRE(r.status == 200);
    const auto id = Json(r.body).str("/event_id");
    REQUIRE(eventually([&] { return settled(c, id); }, std::chrono::seconds(10)));
    return webhook(c, id).str("/status");
  };

  SECTION("Mercado Pago: the fetched payment says refunded") {
    auto order = place(c, "ana", {{"sku-1", 2}});
    const double amount = static_cast<double>(order.amount) / 100.0;
    mp.set_payment("5005", "approved", order.reference, amount);
    CHECK(settle(post(c, mercadopago_webhook("5005", "payment.created", "req-r1", unix_now()))) == "succeeded");
    REQUIRE(status_of(c, order.reference) == "paid");

    mp.set_payment("5005", "refunded", order.reference, amount);
    CHECK(settle(post(c, mercadopago_webhook("5005", "payment.updated", "req-r2", unix_now()))) == "succeeded");
    CHECK(status_of(c, order.reference) == "refunded");
    Json o(c.get("/api/orders/" + order.reference, as_admin()).body);
    CHECK(o.str("/payment/status") == "refunded");
    CHECK(stock_of(c, "sku-1").on_hand == 8);  // a refund does not put the units back
    CHECK(stock_of(c, "sku-1").reserved == 0);

    // A late approval of the same payment does not move it back to paid, nor confirm stock again.
    mp.set_payment("5005", "approved", order.reference, amount);
    CHECK(settle(post(c, mercadopago_webhook("5005", "payment.updated", "req-r3", unix_now()))) == "succeeded");
    CHECK(status_of(c, order.reference) == "refunded");
    CHECK(count(event_types(c, "product/sku-1"), "ReservationConfirmed") == 1);
  }

  SECTION("Stripe: charge.refunded names the payment intent the approval named") {
    auto order = place(c, "bea", {{"sku-1", 2}});  // 5,000 COP, what stripe_webhook() pays
    CHECK(settle(post(c, stripe_webhook("evt_paid", unix_now(), order.reference))) == "succeeded");
    REQUIRE(status_of(c, order.reference) == "paid");

    SignedWebhook refund;
    refund.target = "/webhooks/stripe";
    refund.body = R"({"id":"evt_refund","object":"event","type":"charge.refunded","data":{"object":{"id":"ch_1",)"
                  R"("payment_intent":"pi_evt_paid","amount":5000,"currency":"cop","metadata":{"order_reference":")" +
                  order.reference + R"("}}}})";
    refund.headers = {{"Stripe-Signature", bitacora::http::gateways::stripe_signature(secrets::stripe, unix_now(), refund.body)}};
    CHECK(settle(post(c, refund)) == "succeeded");
    CHECK(status_of(c, order.reference) == "refunded");
    CHECK(stock_of(c, "sku-1").on_hand == 8);
  }

  SECTION("a refund of an order never paid changes nothing") {
    auto order = place(c, "cy", {{"sku-1", 1}});
    mp.set_payment("6006", "refunded", order.reference, static_cast<double>(order.amount) / 100.0);
    settle(post(c, mercadopago_webhook("6006", "payment.updated", "req-r4", unix_now())));
    CHECK(status_of(c, order.reference) == "pending_payment");
    CHECK(stock_of(c, "sku-1").reserved == 1);
  }
}
