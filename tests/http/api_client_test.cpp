// The gateway API client against a local stand-in for Mercado Pago, and Mercado Pago's payment
// interpretation. Real HTTP over loopback.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <future>

#include "http/gateways/api_client.hpp"
#include "http/gateways/payments.hpp"
#include "tests/harness/fake_mercadopago.hpp"

using namespace bitacora;
using bitacora::http::gateways::ApiClient;
using bitacora::http::gateways::ApiResponse;

namespace {

Result<ApiResponse> get(ApiClient& client, const std::string& url) {
  std::promise<Result<ApiResponse>> p;
  client.get(url, {{"Authorization", "Bearer TEST"}}, [&](Result<ApiResponse> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

// A port on loopback that nothing listens on.
std::uint16_t closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed again when `a` goes
}

}  // namespace

TEST_CASE("the API client fetches a payment, reports HTTP errors as responses and network errors as unavailable",
          "[http][api_client]") {
  testing::FakeMercadoPago mp;
  mp.set_payment("77", "approved", "ORD-1", 125.5);
  ApiClient client(std::chrono::seconds(2));

  auto ok = get(client, mp.base_url() + "/v1/payments/77");
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
  auto meaning = http::gateways::interpret_mercadopago_payment(ok->status, ok->body);
  REQUIRE(meaning.kind == actors::Interpretation::Kind::payment);
  CHECK(meaning.notice.order.value() == "ORD-1");
  CHECK(meaning.notice.amount_in_cents == 12550);
  CHECK(meaning.notice.currency == "COP");
  CHECK(meaning.notice.outcome == domain::PaymentOutcome::approved);

  mp.fail_next(1);
  auto failing = get(client, mp.base_url() + "/v1/payments/77");
  REQUIRE(failing.ok());
  CHECK(failing->status == 500);
  CHECK(http::gateways::interpret_mercadopago_payment(500, failing->body).kind == actors::Interpretation::Kind::retryable);
  CHECK(http::gateways::interpret_mercadopago_payment(404, "").kind == actors::Interpretation::Kind::retryable);

  auto refused = get(client, "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/payments/77");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::unavailable);

  // https to a server that does not speak TLS: the handshake fails, never a plaintext fallback.
  auto not_tls = get(client, "https://" + mp.base_url().substr(7) + "/v1/payments/77");
  REQUIRE_FALSE(not_tls.ok());
  CHECK(not_tls.error().code == Errc::unavailable);

  CHECK(get(client, "ftp://example/x").error().code == Errc::invalid_argument);
}

TEST_CASE("Wompi and Stripe notifications say what happened to which order", "[http][payments]") {
  using Kind = actors::Interpretation::Kind;
  auto wompi = http::gateways::interpret_wompi(
      R"({"event":"transaction.updated","data":{"transaction":{"id":"tx-9","status":"DECLINED","amount_in_cents":500,"reference":"ORD-7","currency":"cop"}}})");
  REQUIRE(wompi.kind == Kind::payment);
  CHECK(wompi.notice.outcome == domain::PaymentOutcome::failed);
  CHECK(wompi.notice.order.value() == "ORD-7");
  CHECK(wompi.notice.currency == "COP");
  CHECK(http::gateways::interpret_wompi(R"({"event":"nequi_token.updated","data":{}})").kind == Kind::no_effect);
  CHECK(http::gateways::interpret_wompi(R"({"event":"transaction.updated","data":{"transaction":{}}})").kind == Kind::permanent);

  auto stripe = http::gateways::interpret_stripe(
      R"({"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","amount":5000,"currency":"cop","metadata":{"order_reference":"ORD-3"}}}})");
  REQUIRE(stripe.kind == Kind::payment);
  CHECK(stripe.notice.outcome == domain::PaymentOutcome::approved);
  CHECK(stripe.notice.transaction_id == "pi_1");
  CHECK(stripe.notice.amount_in_cents == 5000);
  CHECK(http::gateways::interpret_stripe(R"({"id":"evt_2","type":"customer.created","data":{"object":{}}})").kind == Kind::no_effect);
  CHECK(http::gateways::interpret_stripe(R"({"id":"evt_3","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}})").kind ==
        Kind::permanent);
}
