// The gateway API client against a local stand-in for Mercado Pago, and Mercado Pago's payment
// interpretation. Real HTTP over loopback.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <future>
#include <thread>
#include <vector>

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

TEST_CASE("the API client refuses a URL that could split the request line or add a query, whoever built it",
          "[http][api_client]") {
  testing::FakeMercadoPago mp;
  ApiClient client(std::chrono::seconds(2));
  for (std::string path : {"/v1/payments/1 HTTP/1.1\r\nX-Injected: yes", "/v1/payments/1\nx", "/v1/payments/1?x=1",
                           "/v1/payments/1#frag", "/v1/payments/\xff"}) {
    INFO(path);
    auto r = get(client, mp.base_url() + path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
  }
  CHECK(get(client, "http://exa mple/x").error().code == Errc::invalid_argument);
  CHECK(mp.requests().empty());  // nothing went on the wire
}

namespace {

// A server that accepts connections and never answers: counts how many are open at once.
struct SilentServer {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::size_t open = 0;  // on the server's thread
  std::atomic<std::size_t> most_at_once{0};
  std::thread thread;
  SilentServer() {
    accept();
    thread = std::thread([this] { ioc.run(); });
  }
  ~SilentServer() {
    ioc.stop();
    thread.join();
  }
  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      most_at_once = std::max(most_at_once.load(), ++open);
      drain(std::make_shared<boost::asio::ip::tcp::socket>(std::move(s)), std::make_shared<std::array<char, 512>>());
      accept();
    });
  }
  // Reads (and ignores) the request until the client closes the connection.
  void drain(std::shared_ptr<boost::asio::ip::tcp::socket> s, std::shared_ptr<std::array<char, 512>> buf) {
    s->async_read_some(boost::asio::buffer(*buf), [this, s, buf](boost::system::error_code ec, std::size_t) {
      if (ec) {
        --open;
        return;
      }
      drain(s, buf);
    });
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/v1/payments/1"; }
};

}  // namespace

TEST_CASE("the API client keeps a deadline on every call and a cap on calls at once", "[http][api_client]") {
  SilentServer silent;
  http::gateways::ApiClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.max_in_flight = 2;
  options.max_queued = 3;
  auto client = ApiClient::open(options);
  REQUIRE(client.ok());
  std::vector<std::promise<Result<ApiResponse>>> answers(6);
  const auto started = std::chrono::steady_clock::now();
  for (auto& a : answers)
    (*client)->get(silent.url(), {}, [&a](Result<ApiResponse> r) { a.set_value(std::move(r)); });
  std::vector<Result<ApiResponse>> results;
  for (auto& a : answers) results.push_back(a.get_future().get());
  const auto took = std::chrono::steady_clock::now() - started;
  std::size_t timed_out = 0, turned_away = 0;
  for (const auto& r : results) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::unavailable);
    if (r.error().message.find("no answer within 300 ms") != std::string::npos) ++timed_out;
    if (r.error().message.find("too many") != std::string::npos) ++turned_away;
  }
  CHECK(timed_out == 5);    // 2 at once, then the 3 that waited their turn
  CHECK(turned_away == 1);  // the sixth found the queue full
  // Two at a time, each cut off after 300 ms: three waves. (The silent server may see a closed
  // connection's end just after the next one's start, so it may count one more than there were.)
  CHECK(took >= std::chrono::milliseconds(850));
  CHECK(took < std::chrono::seconds(3));
  CHECK(silent.most_at_once.load() <= 3);
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

TEST_CASE("a Mercado Pago notification names its payment by the signed data.id alone, and only as digits",
          "[http][payments]") {
  using Kind = actors::Interpretation::Kind;
  auto named = [](std::string key, std::string query, std::string body) {
    events::WebhookReceived w;
    w.gateway = "mercadopago";
    w.key = std::move(key);
    w.query = std::move(query);
    w.body = std::move(body);
    return http::gateways::mercadopago_payment_id(w);
  };
  auto id = named("mercadopago:1001:req:1", "data.id=1001&type=payment&topic=payment&id=..%2Fx", R"({"type":"payment"})");
  REQUIRE(std::holds_alternative<std::string>(id));
  CHECK(std::get<std::string>(id) == "1001");

  auto kind = [](const std::variant<std::string, actors::Interpretation>& v) {
    return std::holds_alternative<std::string>(v) ? Kind::payment : std::get<actors::Interpretation>(v).kind;
  };
  CHECK(kind(named("mercadopago::req:1", "type=payment", R"({"type":"payment","data":{"id":"5"}})")) == Kind::permanent);
  CHECK(kind(named("mercadopago:12a:req:1", "data.id=12a", R"({"type":"payment"})")) == Kind::permanent);
  CHECK(kind(named("mercadopago:1:req:1", "data.id=" + std::string(21, '1'), R"({"type":"payment"})")) == Kind::permanent);
  CHECK(kind(named("mercadopago:9:req:1", "data.id=9", R"({"type":"merchant_order"})")) == Kind::no_effect);
  CHECK(kind(named("mercadopago:9:req:1", "data.id=9&type=merchant_order", R"({})")) == Kind::no_effect);

  auto ipn = named("mercadopago:ipn:payment:77:1", "topic=payment&id=77", "");
  REQUIRE(std::holds_alternative<std::string>(ipn));
  CHECK(std::get<std::string>(ipn) == "77");
  CHECK(kind(named("mercadopago:ipn:merchant_order:7:1", "topic=merchant_order&id=7", "")) == Kind::no_effect);
}

TEST_CASE("a notification naming an order reference that is not an identifier fails for good", "[http][payments]") {
  auto wompi = http::gateways::interpret_wompi(
      R"({"event":"transaction.updated","data":{"transaction":{"id":"tx-9","status":"APPROVED","amount_in_cents":500,"reference":"ORD/../x","currency":"COP"}}})");
  CHECK(wompi.kind == actors::Interpretation::Kind::permanent);
  auto stripe = http::gateways::interpret_stripe(
      R"({"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","amount":5000,"currency":"cop","metadata":{"order_reference":"ORD\u00001"}}}})");
  CHECK(stripe.kind == actors::Interpretation::Kind::permanent);
}

TEST_CASE("a Mercado Pago payment with an impossible amount fails for good", "[http][payments]") {
  for (std::string amount : {"-1", "1e300", "12345678901234567890"}) {
    INFO(amount);
    auto r = http::gateways::interpret_mercadopago_payment(
        200, R"({"id":1,"status":"approved","external_reference":"ORD-1","transaction_amount":)" + amount +
                 R"(,"currency_id":"COP"})");
    CHECK(r.kind == actors::Interpretation::Kind::permanent);
  }
}
