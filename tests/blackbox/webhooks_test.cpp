// Black-box: the real binary over loopback, API.md §1 and §2.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

const Headers admin{{"Authorization", std::string("Bearer ") + secrets::admin_token}};

std::int64_t last_seq(HttpClient& c) { return Json(c.get("/health").body).num("/storage/last_seq"); }



HttpResponse send(HttpClient& c, const SignedWebhook& w) { return c.post(w.target, w.body, w.headers); }

std::vector<SignedWebhook> one_of_each_gateway(const std::string& tag) {
  auto now = unix_now();
  return {stripe_webhook("evt_" + tag, now), wompi_webhook("tx-" + tag, "APPROVED", 5000, "ORD-" + tag, now),
          mercadopago_webhook("9" + std::to_string(now % 100000) + tag, "payment.updated", "req-" + tag, now),
          standard_webhook("msg_" + tag, now, R"({"type":"order.paid","data":{"order_reference":"ORD-)" + tag + R"("}})")};
}

}  // namespace

TEST_CASE("a correctly signed webhook of every gateway is received, and its duplicate appends nothing",
          "[blackbox][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());

  for (const auto& w : one_of_each_gateway("1")) {
    INFO(w.target);
    auto first = send(c, w);
    REQUIRE(first.status == 200);
    Json a(first.body);
    CHECK(a.str("/status") == "received");
    const auto id = a.str("/event_id");
    auto stream = Json(c.get("/api/webhook-events/" + id, admin).body).str("/history/0/stream");

    auto again = send(c, w);
    REQUIRE(again.status == 200);
    Json b(again.body);
    CHECK(b.str("/status") == "already_received");
    CHECK(b.str("/event_id") == id);
    // Processing may add its own events to the stream; a second WebhookReceived would be a double record.
    auto types = event_types(c, stream);
    CHECK(types.front() == "WebhookReceived");
    CHECK(std::count(types.begin(), types.end(), "WebhookReceived") == 1);
  }
}

TEST_CASE("a tampered body or signature is 401 and the request is quarantined, never listed as pending",
          "[blackbox][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());

  for (auto w : one_of_each_gateway("2")) {
    INFO(w.target);
    // Mercado Pago signs the query's data.id, not the body (its truth is fetched from its API).
    auto tampered_body = w;
    auto& signed_text = w.target.find("mercadopago") != std::string::npos ? tampered_body.target : tampered_body.body;
    auto pos = signed_text.find("2");
    signed_text[pos] = '3';
    CHECK(send(c, tampered_body).status == 401);

    auto tampered_signature = w;
    for (auto& [name, value] : tampered_signature.headers)
      if (name != "x-request-id" && name != "webhook-id" && name != "webhook-timestamp") value[value.size() - 3] ^= 1;
    if (w.target == "/webhooks/wompi") {  // Wompi's checksum travels in the body
      auto at = tampered_signature.body.find("\"checksum\":\"") + 12;
      tampered_signature.body[at] = tampered_signature.body[at] == 'a' ? 'b' : 'a';
    }
    auto r = send(c, tampered_signature);
    CHECK(r.status == 401);
    CHECK(Json(r.body).str("/error") == "invalid_signature");
  }
  CHECK(last_seq(c) == 0);
  REQUIRE(eventually([&] {
    return Json(c.get("/api/webhook-events?status=quarantined&limit=500", admin).body).size("/items") == 8;
  }));
  CHECK(Json(c.get("/api/webhook-events?status=pending", admin).body).size("/items") == 0);
}

TEST_CASE("a signed body that is not JSON is 400, a body over the limit is 413, an unconfigured gateway 404",
          "[blackbox][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto now = unix_now();

  // Correctly signed, so that only the body's form is wrong.
  auto signed_not_json = standard_webhook("msg_nj", now, "this is not json");
  auto r = send(c, signed_not_json);
  CHECK(r.status == 400);
  CHECK(Json(r.body).str("/error") == "malformed_payload");
  CHECK(send(c, wompi_webhook("t", "APPROVED", 1, "R", now)).status == 200);  // control
  auto wompi_not_json = c.post("/webhooks/wompi", "{not json");
  CHECK(wompi_not_json.status == 400);

  auto big = standard_webhook("msg_big", now, R"({"pad":")" + std::string(70000, 'x') + R"("})");
  auto too_large = send(c, big);
  CHECK(too_large.status == 413);
  CHECK(Json(too_large.body).str("/error") == "payload_too_large");

  HttpClient c2(server.port());
  auto unknown_source = c2.post("/webhooks/standard/nobody", "{}");
  CHECK(unknown_source.status == 404);
  CHECK(Json(unknown_source.body).str("/error") == "gateway_not_configured");
  CHECK(c2.post("/webhooks/paypal", "{}").status == 404);
}

TEST_CASE("a gateway without a secret answers 404", "[blackbox][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), "[server]\nlisten = \"127.0.0.1:0\"\n[storage]\ndir = \"" + dir.str("data") + "\"\n");
  server.start();
  HttpClient c(server.port());
  for (const auto& w : one_of_each_gateway("3")) {
    INFO(w.target);
    auto r = send(c, w);
    CHECK(r.status == 404);
    CHECK(Json(r.body).str("/error") == "gateway_not_configured");
  }
}

TEST_CASE("webhook events are listed newest first with filters and cursors, and shown with payload and history",
          "[blackbox][webhooks]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto now = unix_now();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    auto r = send(c, stripe_webhook("evt_list_" + std::to_string(i), now));
    REQUIRE(r.status == 200);
    ids.push_back(Json(r.body).str("/event_id"));
  }
  REQUIRE(send(c, wompi_webhook("tx-list", "APPROVED", 100, "ORD-9", now)).status == 200);

  CHECK(c.get("/api/webhook-events").status == 401);
  CHECK(c.get("/api/webhook-events", {{"Authorization", "Bearer wrong"}}).status == 401);
  CHECK(c.get("/api/webhook-events?limit=501", admin).status == 400);
  CHECK(c.get("/api/webhook-events?status=bogus", admin).status == 400);

  auto page1 = Json(c.get("/api/webhook-events?gateway=stripe&limit=4", admin).body);
  REQUIRE(page1.size("/items") == 4);
  CHECK(page1.str("/items/0/id") == ids[6]);
  CHECK(page1.str("/items/0/gateway") == "stripe");
  CHECK(page1.str("/items/0/type") == "payment_intent.succeeded");
  CHECK(page1.str("/items/0/order_reference") == "ORD-1");
  auto cursor = page1.str("/next_cursor");
  auto page2 = Json(c.get("/api/webhook-events?gateway=stripe&limit=4&cursor=" + cursor, admin).body);
  REQUIRE(page2.size("/items") == 3);
  CHECK(page2.str("/items/2/id") == ids[0]);
  CHECK(page2.is_null("/next_cursor"));

  auto wompi = Json(c.get("/api/webhook-events?gateway=wompi", admin).body);
  REQUIRE(wompi.size("/items") == 1);
  CHECK(wompi.str("/items/0/order_reference") == "ORD-9");

  auto detail_response = c.get("/api/webhook-events/" + ids[3], admin);
  REQUIRE(detail_response.status == 200);
  Json detail(detail_response.body);
  CHECK(detail.str("/id") == ids[3]);
  CHECK(detail.str("/payload") == stripe_webhook("evt_list_3", now).body);
  REQUIRE(detail.size("/history") >= 1);  // and processing's own events after it
  CHECK(detail.str("/history/0/type") == "WebhookReceived");
  CHECK(detail.str("/history/0/stream") == "webhook/stripe:evt_list_3");
  CHECK(c.get("/api/webhook-events/wh_999999", admin).status == 404);
}

TEST_CASE("a stream's events are read oldest first, by encoded or plain stream name", "[blackbox][streams]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto w = stripe_webhook("evt_stream", unix_now());
  REQUIRE(send(c, w).status == 200);
  // Processing adds the webhook's second event (it fails: ORD-1 is no order here).
  REQUIRE(eventually([&] { return event_types(c, "webhook/stripe:evt_stream").size() == 2; }));

  CHECK(c.get("/api/streams/webhook%2Fstripe%3Aevt_stream/events").status == 401);
  for (const std::string target : {"/api/streams/webhook%2Fstripe%3Aevt_stream/events",
                                   "/api/streams/webhook/stripe:evt_stream/events"}) {
    INFO(target);
    auto r = c.get(target, admin);
    REQUIRE(r.status == 200);
    Json j(r.body);
    REQUIRE(j.size("/items") == 2);
    CHECK(j.str("/items/0/stream") == "webhook/stripe:evt_stream");
    CHECK(j.num("/items/0/version") == 1);
    CHECK(j.str("/items/0/type") == "WebhookReceived");
    CHECK(j.str("/items/0/data/key") == "stripe:evt_stream");
    CHECK(j.num("/items/1/version") == 2);
    CHECK(j.str("/items/1/type") == "WebhookFailed");
    CHECK(j.is_null("/next_from_version"));
  }
  auto page = Json(c.get("/api/streams/webhook/stripe:evt_stream/events?limit=1", admin).body);
  CHECK(page.size("/items") == 1);
  CHECK(page.num("/next_from_version") == 2);
  CHECK(Json(c.get("/api/streams/webhook/stripe:evt_stream/events?from_version=2", admin).body).size("/items") == 1);
  CHECK(Json(c.get("/api/streams/webhook/stripe:evt_stream/events?from_version=3", admin).body).size("/items") == 0);
  CHECK(Json(c.get("/api/streams/nothing/here/events", admin).body).size("/items") == 0);
  CHECK(c.get("/api/streams/webhook/stripe:evt_stream/events?limit=0", admin).status == 400);
}

TEST_CASE("a server whose webhooks.api_ca_file cannot be read does not start, and its log names the file",
          "[blackbox][config][tls]") {
  TempDir dir;
  const std::string missing = dir.str("no-such-ca.pem");
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[webhooks]\napi_ca_file = \"" + missing + "\"\n"));
  CHECK_THROWS_WITH(server.start(), Catch::Contains("exited during start-up") && Catch::Contains(missing));
  CHECK_FALSE(server.running());
}
