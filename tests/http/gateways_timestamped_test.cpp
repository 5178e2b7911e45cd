// Stripe and Standard Webhooks, the two timestamped signatures: every vector of
// shared/spec/gateways.md §3-4, the tolerance window, and the ways a webhook can be refused.
#include <catch2/catch.hpp>
#include <string>

#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"
#include "tests/http/verdicts.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;
using namespace bitacora::http::gateways::testing;

// ---- Stripe ----------------------------------------------------------------------------------

namespace {

const Secret stripe_secret{"whsec_test_secret"};
constexpr std::int64_t stripe_t = 1492774577;
constexpr std::string_view stripe_body = R"({"id":"evt_test_webhook","object":"event"})";
constexpr std::string_view stripe_v1 =
    "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";
const std::string stripe_header = "t=1492774577,v1=" + std::string(stripe_v1);

Verdict stripe(std::string_view header, std::string_view body = stripe_body,
               std::int64_t now = stripe_t + 10) {
  InboundRequest req{body, {}, {}};
  if (!header.empty()) req.headers.emplace_back("Stripe-Signature", header);
  return verify_stripe(req, stripe_secret, now, 300);
}

}  // namespace

TEST_CASE("the Stripe signature vector is what a Stripe sender would put on the request",
          "[gateways][stripe]") {
  CHECK(stripe_signature("whsec_test_secret", stripe_t, stripe_body) == stripe_header);
}

TEST_CASE("a Stripe event whose signature matches within the tolerance is accepted",
          "[gateways][stripe]") {
  const auto a = accepted(stripe(stripe_header));
  CHECK(a.dedupe_key == "stripe:evt_test_webhook");
  CHECK(a.event_type == "unknown");
  CHECK(a.order_reference.empty());
  accepted(stripe(stripe_header, stripe_body, stripe_t + 300));
  accepted(stripe(stripe_header, stripe_body, stripe_t - 300));
}

TEST_CASE("a Stripe event signed too long ago or ahead is refused as stale", "[gateways][stripe]") {
  CHECK(rejection(stripe(stripe_header, stripe_body, stripe_t + 301)) == invalid_signature);
  CHECK(rejection(stripe(stripe_header, stripe_body, stripe_t - 301)) == invalid_signature);
  CHECK(rejection(stripe(stripe_header, stripe_body, 1'900'000'000)) == invalid_signature);
}

TEST_CASE("a Stripe event is accepted when only its second v1 matches", "[gateways][stripe]") {
  const std::string header = "t=1492774577,v1=" + std::string(64, '0') +
                             ", v1=" + std::string(stripe_v1) +
                             ",v0=6ffbb59b2300aae63f272406069a9788598b792a";
  accepted(stripe(header));
}

TEST_CASE("a Stripe event with a bad or missing signature is refused", "[gateways][stripe]") {
  CHECK(rejection(stripe(stripe_header, R"({"id":"evt_test_webhook","object":"evil"})")) ==
        invalid_signature);
  std::string tampered = stripe_header;
  tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
  CHECK(rejection(stripe(tampered)) == invalid_signature);
  CHECK(rejection(stripe("")) == invalid_signature);
  CHECK(rejection(stripe("t=1492774577")) == invalid_signature);
  CHECK(rejection(stripe("v1=" + std::string(stripe_v1))) == invalid_signature);
  CHECK(rejection(stripe("t=14927745x7,v1=" + std::string(stripe_v1))) == invalid_signature);
  CHECK(rejection(stripe("t=1492774577,v0=" + std::string(stripe_v1))) == invalid_signature);
  CHECK(rejection(
            verify_stripe(InboundRequest{stripe_body, {{"stripe-signature", stripe_header}}, {}},
                          Secret{"whsec_other"}, stripe_t, 300)) == invalid_signature);
}

TEST_CASE("a signed Stripe event that is not JSON or lacks an id is malformed",
          "[gateways][stripe]") {
  constexpr std::string_view not_json = "id=evt_1";
  CHECK(rejection(stripe(stripe_signature("whsec_test_secret", stripe_t, not_json), not_json)) ==
        malformed_payload);
  constexpr std::string_view no_id = R"({"object":"event","id":42})";
  CHECK(rejection(stripe(stripe_signature("whsec_test_secret", stripe_t, no_id), no_id)) ==
        malformed_payload);
}

TEST_CASE("a Stripe event names its type and the order reference in its metadata",
          "[gateways][stripe]") {
  constexpr std::string_view body =
      R"({"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"metadata":{"order_reference":"ORD-7"}}}})";
  const auto a = accepted(stripe(stripe_signature("whsec_test_secret", stripe_t, body), body));
  CHECK(a.dedupe_key == "stripe:evt_1");
  CHECK(a.event_type == "payment_intent.succeeded");
  CHECK(a.order_reference == "ORD-7");
}

// ---- Standard Webhooks -----------------------------------------------------------------------

namespace {

const Secret sw_secret{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
constexpr std::string_view sw_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t sw_ts = 1614265330;
constexpr std::string_view sw_body = R"({"test": 2432232314})";
constexpr std::string_view sw_sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

Verdict standard(std::string_view signature, std::string_view body = sw_body,
                 std::int64_t now = sw_ts + 10, const Secret& secret = sw_secret) {
  InboundRequest req{body, {{"webhook-id", sw_id}, {"webhook-timestamp", "1614265330"}}, {}};
  if (!signature.empty()) req.headers.emplace_back("Webhook-Signature", signature);
  return verify_standard(req, "acme", secret, now, 300);
}

}  // namespace

TEST_CASE("the Standard Webhooks vector is what a sender would put on the request",
          "[gateways][standard]") {
  CHECK(standard_signature(sw_secret.reveal(), sw_id, sw_ts, sw_body) == sw_sig);
  CHECK(standard_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", sw_id, sw_ts, sw_body).empty());
}

TEST_CASE("a Standard Webhooks message whose signature matches is accepted",
          "[gateways][standard]") {
  const auto a = accepted(standard(sw_sig));
  CHECK(a.dedupe_key == "acme:msg_p5jXN8AQM9LWM0D4loKWxJek");
  CHECK(a.event_type == "unknown");
  CHECK(a.order_reference.empty());
}

TEST_CASE("a Standard Webhooks message is accepted when any of several signatures matches",
          "[gateways][standard]") {
  const std::string several = "v1,Ym9ndXM= v2,abcdef " + std::string(sw_sig) + " v1a,xyz";
  accepted(standard(several));
}

TEST_CASE("a Standard Webhooks message outside the tolerance is refused", "[gateways][standard]") {
  accepted(standard(sw_sig, sw_body, sw_ts + 300));
  CHECK(rejection(standard(sw_sig, sw_body, sw_ts + 301)) == invalid_signature);
  CHECK(rejection(standard(sw_sig, sw_body, sw_ts - 301)) == invalid_signature);
}

TEST_CASE("a Standard Webhooks message with a bad or missing signature is refused",
          "[gateways][standard]") {
  CHECK(rejection(standard(sw_sig, R"({"test": 2432232315})")) == invalid_signature);
  CHECK(rejection(standard("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=")) ==
        invalid_signature);
  CHECK(rejection(standard("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")) ==
        invalid_signature);
  CHECK(rejection(standard("")) == invalid_signature);
  CHECK(rejection(verify_standard(InboundRequest{sw_body, {{"webhook-signature", sw_sig}}, {}},
                                  "acme", sw_secret, sw_ts, 300)) == invalid_signature);
  CHECK(rejection(standard(sw_sig, sw_body, sw_ts, Secret{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})) ==
        invalid_signature);
  CHECK(rejection(standard(sw_sig, sw_body, sw_ts, Secret{"whsec_not*base64"})) ==
        invalid_signature);
  CHECK(rejection(standard(sw_sig, sw_body, sw_ts, Secret{})) == invalid_signature);
}

TEST_CASE("a Standard Webhooks message with a non-integer timestamp is refused",
          "[gateways][standard]") {
  const InboundRequest req{
      sw_body,
      {{"webhook-id", sw_id}, {"webhook-timestamp", "soon"}, {"webhook-signature", sw_sig}},
      {}};
  CHECK(rejection(verify_standard(req, "acme", sw_secret, sw_ts, 300)) == invalid_signature);
}

TEST_CASE("a signed Standard Webhooks message that is not a JSON object is malformed",
          "[gateways][standard]") {
  constexpr std::string_view body = "[1,2,3]";
  CHECK(rejection(standard(standard_signature(sw_secret.reveal(), sw_id, sw_ts, body), body)) ==
        malformed_payload);
}

TEST_CASE("a Standard Webhooks message names its type and order reference",
          "[gateways][standard]") {
  constexpr std::string_view body = R"({"type":"order.paid","data":{"order_reference":"ORD-42"}})";
  const auto a =
      accepted(standard(standard_signature(sw_secret.reveal(), sw_id, sw_ts, body), body));
  CHECK(a.dedupe_key == "acme:msg_p5jXN8AQM9LWM0D4loKWxJek");
  CHECK(a.event_type == "order.paid");
  CHECK(a.order_reference == "ORD-42");
}
