// Wompi and Mercado Pago: every vector of shared/spec/gateways.md §1-2, plus the ways a webhook
// can be refused. Stripe and Standard Webhooks are in gateways_timestamped_test.cpp.
#include <catch2/catch.hpp>
#include <cctype>
#include <string>

#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"
#include "support/crypto.hpp"
#include "tests/http/verdicts.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;
using namespace bitacora::http::gateways::testing;

namespace {

// ---- Wompi -----------------------------------------------------------------------------------

const std::string wompi_props3 =
    R"(["transaction.id","transaction.status","transaction.amount_in_cents"])";

std::string wompi_body(const std::string& transaction, const std::string& properties,
                       std::int64_t timestamp, const std::string& checksum) {
  return R"({"event":"transaction.updated","data":{"transaction":)" + transaction +
         R"(},"environment":"test","signature":{"properties":)" + properties + R"(,"checksum":")" +
         checksum + R"("},"timestamp":)" + std::to_string(timestamp) +
         R"(,"sent_at":"2018-07-20T16:45:05.000Z"})";
}

// gateways.md §1, vector 1, with a reference that is not among the signed properties.
const std::string wompi_tx1 =
    R"({"id":"11128-1578502783-84081","status":"APPROVED","amount_in_cents":5000,"reference":"ORD-9","currency":"COP"})";
const std::string wompi_sum1 = "8fb1e2fa0c36f9bbe1088a4b28fb19dfc04ccdb7b8ced48438ac2bee39e503f6";
const Secret wompi_secret1{"test_events_XXXXXXXXXXXX"};

Verdict wompi(const std::string& body, const Secret& secret = wompi_secret1) {
  return verify_wompi(InboundRequest{body, {}, {}}, secret);
}

}  // namespace

TEST_CASE("the Wompi checksum vectors hash as documented", "[gateways][wompi]") {
  CHECK(wompi_checksum({"11128-1578502783-84081", "APPROVED", "5000"}, 1530291411,
                       "test_events_XXXXXXXXXXXX") == wompi_sum1);
  CHECK(wompi_checksum({"12345-1700000000-11111", "DECLINED", "1500000", "ORD-001"}, 1700000000,
                       "test_events_abc123") ==
        "95ee58d7db3840ac8ff124c128cf6f822d618a69fc905351efa7ece0cf2bd021");
  // Wompi's own documentation prints 3476DDA5…; the real hash of its string is this one.
  CHECK(wompi_checksum({"1234-1610641025-49201", "APPROVED", "4490000"}, 1530291411,
                       "prod_events_OcHnIzeBl5socpwByQ4hA52Em3USQ93Z") ==
        "5a18ec5e8fdb7df463e9f94774cba8f583ba21bd04a09ceff2ea68a4bc0aefbe");
}

TEST_CASE("a Wompi event whose checksum matches is accepted", "[gateways][wompi]") {
  const auto a = accepted(wompi(wompi_body(wompi_tx1, wompi_props3, 1530291411, wompi_sum1)));
  CHECK(a.dedupe_key == "wompi:" + wompi_sum1);
  CHECK(a.event_type == "transaction.updated");
  CHECK(a.order_reference == "ORD-9");
}

TEST_CASE("a Wompi event signing four properties including the reference is accepted",
          "[gateways][wompi]") {
  const auto body = wompi_body(
      R"({"id":"12345-1700000000-11111","status":"DECLINED","amount_in_cents":1500000,"reference":"ORD-001"})",
      R"(["transaction.id","transaction.status","transaction.amount_in_cents","transaction.reference"])",
      1700000000, "95ee58d7db3840ac8ff124c128cf6f822d618a69fc905351efa7ece0cf2bd021");
  const auto a = accepted(wompi(body, Secret{"test_events_abc123"}));
  CHECK(a.order_reference == "ORD-001");
}

TEST_CASE("the corrected Wompi documentation example is accepted with an upper-case checksum",
          "[gateways][wompi]") {
  const auto body = wompi_body(
      R"({"id":"1234-1610641025-49201","status":"APPROVED","amount_in_cents":4490000})",
      wompi_props3, 1530291411, "5A18EC5E8FDB7DF463E9F94774CBA8F583BA21BD04A09CEFF2EA68A4BC0AEFBE");
  const auto a = accepted(wompi(body, Secret{"prod_events_OcHnIzeBl5socpwByQ4hA52Em3USQ93Z"}));
  CHECK(a.dedupe_key == "wompi:5a18ec5e8fdb7df463e9f94774cba8f583ba21bd04a09ceff2ea68a4bc0aefbe");
  CHECK(a.order_reference.empty());
}

TEST_CASE("a Wompi event whose signed data was changed is refused as a bad signature",
          "[gateways][wompi]") {
  auto tampered = wompi_tx1;
  tampered.replace(tampered.find("5000"), 4, "9000");
  CHECK(rejection(wompi(wompi_body(tampered, wompi_props3, 1530291411, wompi_sum1))) ==
        invalid_signature);
  CHECK(rejection(wompi(wompi_body(wompi_tx1, wompi_props3, 1530291412, wompi_sum1))) ==
        invalid_signature);
  auto bad_sum = wompi_sum1;
  bad_sum[0] = '9';
  CHECK(rejection(wompi(wompi_body(wompi_tx1, wompi_props3, 1530291411, bad_sum))) ==
        invalid_signature);
  CHECK(rejection(wompi(wompi_body(wompi_tx1, wompi_props3, 1530291411, wompi_sum1),
                        Secret{"test_events_other"})) == invalid_signature);
}

TEST_CASE("a Wompi event naming a signed property it lacks is refused as a bad signature",
          "[gateways][wompi]") {
  const std::string props = R"(["transaction.id","transaction.missing"])";
  CHECK(rejection(wompi(wompi_body(wompi_tx1, props, 1530291411, wompi_sum1))) ==
        invalid_signature);
  const std::string object_prop = R"(["transaction"])";
  CHECK(rejection(wompi(wompi_body(wompi_tx1, object_prop, 1530291411, wompi_sum1))) ==
        invalid_signature);
}

TEST_CASE("a Wompi transaction whose id, status or amount is not among the signed properties is refused",
          "[gateways][wompi]") {
  // Correctly signed, but over the id and status only: the amount could be anything.
  const auto props = R"(["transaction.id","transaction.status"])";
  const auto sum = wompi_checksum({"11128-1578502783-84081", "APPROVED"}, 1530291411, "test_events_XXXXXXXXXXXX");
  CHECK(rejection(wompi(wompi_body(wompi_tx1, props, 1530291411, sum))) == invalid_signature);
  // An event without a transaction signs what it has.
  const auto token = R"({"event":"nequi_token.updated","data":{"nequi_token":{"id":"nequi_1","status":"APPROVED"}},)"
                     R"("signature":{"properties":["nequi_token.id","nequi_token.status"],"checksum":")" +
                     wompi_checksum({"nequi_1", "APPROVED"}, 1530291411, "test_events_XXXXXXXXXXXX") +
                     R"("},"timestamp":1530291411})";
  CHECK(accepted(wompi(token)).event_type == "nequi_token.updated");
}

TEST_CASE("a Wompi body without its envelope is refused as malformed", "[gateways][wompi]") {
  CHECK(rejection(wompi("not json")) == malformed_payload);
  CHECK(rejection(wompi("[1,2]")) == malformed_payload);
  CHECK(rejection(wompi("")) == malformed_payload);
  CHECK(rejection(wompi(R"({"event":"transaction.updated","data":{},"timestamp":1})")) ==
        malformed_payload);
  CHECK(rejection(wompi(wompi_body(wompi_tx1, "[1]", 1530291411, wompi_sum1))) ==
        malformed_payload);
  auto string_ts = wompi_body(wompi_tx1, wompi_props3, 1530291411, wompi_sum1);
  string_ts.replace(string_ts.find("1530291411"), 10, "\"1530291411\"");
  CHECK(rejection(wompi(string_ts)) == malformed_payload);
}

TEST_CASE("the Wompi integrity signature vector hashes as documented", "[gateways][wompi]") {
  // The vector string splits as reference "sk8-438k4-xmxm392-sn2m" + amount 2490000 (Wompi docs).
  CHECK(wompi_integrity_signature("sk8-438k4-xmxm392-sn2m", 2490000, "COP",
                                  Secret{"prod_integrity_Z5mMke9x0k8gpErbDqwrJXMqsI6SFli6"}) ==
        "37c8407747e595535433ef8f6a811d853cd943046624a0ec04662b17bbf33bf5");
}

// ---- Mercado Pago ----------------------------------------------------------------------------

namespace {

const Secret mp_secret{"mp_test_secret_123"};
constexpr std::string_view mp_request_id = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e";
constexpr std::string_view mp_sig1 =
    "f448ae889d5124fa00384142c7498d98df46ad75fb320f2bad2422f8afea2300";
const std::string mp_body =
    R"({"id":12345,"live_mode":true,"type":"payment","date_created":"2024-01-10T17:33:30Z",)"
    R"("user_id":44444,"api_version":"v1","action":"payment.created","data":{"id":"999999999"}})";

// The vectors' ts is 1704908010: "now" is a minute later unless a test says otherwise.
constexpr std::int64_t mp_now = 1704908070;

Verdict mp(std::string_view query, std::string_view signature, std::string_view body = mp_body,
           std::string_view request_id = mp_request_id, std::int64_t now = mp_now) {
  InboundRequest req{body, {{"Content-Type", "application/json"}}, query};
  if (!signature.empty()) req.headers.emplace_back("X-Signature", signature);
  if (!request_id.empty()) req.headers.emplace_back("X-Request-Id", request_id);
  return verify_mercadopago(req, mp_secret, now, 300);
}

std::string mp_header(std::string_view ts, std::string_view v1) {
  return "ts=" + std::string(ts) + ",v1=" + std::string(v1);
}

}  // namespace

TEST_CASE("the Mercado Pago manifests are built as documented", "[gateways][mercadopago]") {
  CHECK(mercadopago_manifest("123456789", mp_request_id, "1704908010") ==
        "id:123456789;request-id:bb56a2f1-6aae-46ac-982e-9dcd3581d08e;ts:1704908010;");
  CHECK(mercadopago_manifest("ORD01JQ4S4KY8HWQ6NA5PXB65B3D3", mp_request_id, "1742505638683") ==
        "id:ord01jq4s4ky8hwq6na5pxb65b3d3;request-id:bb56a2f1-6aae-46ac-982e-9dcd3581d08e;ts:"
        "1742505638683;");
  CHECK(mercadopago_manifest("123456789", "", "1704908010") == "id:123456789;ts:1704908010;");
  CHECK(mercadopago_signature("mp_test_secret_123", "123456789", mp_request_id, "1704908010") ==
        mp_header("1704908010", mp_sig1));
}

TEST_CASE("a Mercado Pago notification whose x-signature matches is accepted, keyed by its signed parts",
          "[gateways][mercadopago]") {
  const auto a = accepted(mp("data.id=123456789&type=payment", mp_header("1704908010", mp_sig1)));
  CHECK(a.dedupe_key == "mercadopago:123456789:bb56a2f1-6aae-46ac-982e-9dcd3581d08e:1704908010");
  CHECK(a.event_type == "payment.created");
  CHECK(a.order_reference.empty());
  // Spaces around the parts and upper-case hex are fine.
  std::string upper(mp_sig1);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  accepted(mp("data.id=123456789", " ts = 1704908010 , v1 = " + upper));
}

TEST_CASE("a captured Mercado Pago signature sent again with another body makes no new key",
          "[gateways][mercadopago]") {
  // The body is not signed: whatever it says, the same signed parts are the same notification.
  const auto good = mp_header("1704908010", mp_sig1);
  const auto original = accepted(mp("data.id=123456789&type=payment", good));
  const auto replayed = accepted(mp("data.id=123456789&type=payment", good,
                                    R"({"id":999,"type":"payment","action":"payment.updated","data":{"id":"1"}})"));
  CHECK(replayed.dedupe_key == original.dedupe_key);
  CHECK(accepted(mp("data.id=123456789&type=payment", good, R"({"data":{}})")).dedupe_key == original.dedupe_key);
}

TEST_CASE("a Mercado Pago signature outside the tolerance is refused, in seconds or milliseconds",
          "[gateways][mercadopago]") {
  const auto good = mp_header("1704908010", mp_sig1);
  CHECK(rejection(mp("data.id=123456789", good, mp_body, mp_request_id, 1704908010 + 301)) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", good, mp_body, mp_request_id, 1704908010 - 301)) == invalid_signature);
  accepted(mp("data.id=123456789", good, mp_body, mp_request_id, 1704908010 + 300));
  // A capture from 2010 (ts=1262304000) signs fine and is still refused.
  const auto old = mercadopago_signature("mp_test_secret_123", "123456789", mp_request_id, "1262304000");
  CHECK(rejection(mp("data.id=123456789", old)) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "ts=-5,v1=" + std::string(mp_sig1))) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "ts=soon,v1=" + std::string(mp_sig1))) == invalid_signature);
}

TEST_CASE("a Mercado Pago data.id is lower-cased in the manifest, never upper-case",
          "[gateways][mercadopago]") {
  const std::string_view query = "data.id=ORD01JQ4S4KY8HWQ6NA5PXB65B3D3&type=order";
  constexpr std::int64_t now = 1742505638;  // the vector's ts is in milliseconds
  const auto a = accepted(mp(query, mp_header("1742505638683", "fe4f202c0fb260249d2043ba8311afe5301a0b3f29381abf0c45d242f19d19f3"),
                             mp_body, mp_request_id, now));
  CHECK(a.dedupe_key == "mercadopago:ord01jq4s4ky8hwq6na5pxb65b3d3:bb56a2f1-6aae-46ac-982e-9dcd3581d08e:1742505638683");
  const auto upper_manifest =
      crypto::hex(crypto::hmac_sha256("mp_test_secret_123",
                                      "id:ORD01JQ4S4KY8HWQ6NA5PXB65B3D3;request-id:bb56a2f1-6aae-"
                                      "46ac-982e-9dcd3581d08e;ts:1742505638683;"));
  CHECK(rejection(mp(query, mp_header("1742505638683", upper_manifest), mp_body, mp_request_id, now)) == invalid_signature);
}

TEST_CASE("a Mercado Pago notification without x-request-id leaves that part out",
          "[gateways][mercadopago]") {
  const auto sig =
      mp_header("1704908010", "c1e4e8d73f73e73d0fa6e21830137aeadb917822aadd9168228b7d6dc437fcb2");
  CHECK(accepted(mp("data.id=123456789&type=payment", sig, mp_body, "")).dedupe_key == "mercadopago:123456789::1704908010");
  CHECK(rejection(mp("data.id=123456789&type=payment", sig)) == invalid_signature);
}

TEST_CASE("a Mercado Pago data.id is percent-decoded before signing, and must be a plain identifier",
          "[gateways][mercadopago]") {
  accepted(mp("type=payment&data.id=ORD%2D1", mercadopago_signature("mp_test_secret_123", "ORD-1", mp_request_id, "1704908010")));
  // Signed, but "a b/c" and "../x" could not name a stream or a URL: malformed.
  for (std::string id : {"a b/c", "../x", "1\r\nX: y"}) {
    std::string query = "data.id=";
    for (char c : id) query += "%" + crypto::hex(std::string_view(&c, 1));
    CHECK(rejection(mp(query, mercadopago_signature("mp_test_secret_123", id, mp_request_id, "1704908010"))) ==
          malformed_payload);
  }
  const std::string odd_request = "req;ts:1";
  CHECK(rejection(mp("data.id=1", mercadopago_signature("mp_test_secret_123", "1", odd_request, "1704908010"), mp_body,
                     odd_request)) == malformed_payload);
}

TEST_CASE("a Mercado Pago notification with a bad or missing x-signature is refused",
          "[gateways][mercadopago]") {
  const auto good = mp_header("1704908010", mp_sig1);
  CHECK(rejection(mp("data.id=123456780&type=payment", good)) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", mp_header("1704908011", mp_sig1))) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "")) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "v1=" + std::string(mp_sig1))) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "ts=1704908010")) == invalid_signature);
  CHECK(rejection(mp("data.id=123456789", "ts=1704908010,v1=")) == invalid_signature);
}

TEST_CASE("a signed Mercado Pago notification whose body is not a JSON object is malformed",
          "[gateways][mercadopago]") {
  const auto good = mp_header("1704908010", mp_sig1);
  CHECK(rejection(mp("data.id=123456789", good, "{not json")) == malformed_payload);
  CHECK(rejection(mp("data.id=123456789", good, R"("text")")) == malformed_payload);
}

TEST_CASE("a Mercado Pago notification's type is its action, else its type", "[gateways][mercadopago]") {
  const auto good = mp_header("1704908010", mp_sig1);
  CHECK(accepted(mp("data.id=123456789", good, R"({"type":"payment","action":"payment.updated"})")).event_type ==
        "payment.updated");
  CHECK(accepted(mp("data.id=123456789", good, R"({"type":"merchant_order","data":{"id":77}})")).event_type ==
        "merchant_order");
  CHECK(accepted(mp("data.id=123456789", good, R"({"data":{}})")).event_type == "unknown");
  // A type no operator could read (control characters) is listed as unknown.
  CHECK(accepted(mp("data.id=123456789", good, R"({"type":"pay\u0000ment"})")).event_type == "unknown");
}

// ---- Common ----------------------------------------------------------------------------------

TEST_CASE("a legacy Mercado Pago IPN is recognised by its topic and the absence of x-signature",
          "[gateways][mercadopago]") {
  CHECK(is_mercadopago_ipn(InboundRequest{"", {}, "topic=payment&id=123"}));
  CHECK_FALSE(is_mercadopago_ipn(InboundRequest{"", {{"x-signature", "ts=1,v1=ab"}}, "topic=payment&id=123"}));
  CHECK_FALSE(is_mercadopago_ipn(InboundRequest{mp_body, {}, "data.id=123&type=payment"}));
}

TEST_CASE("an IPN is its own webhook per delivery, keyed by topic, id and arrival", "[gateways][mercadopago]") {
  const auto a = accepted(accept_mercadopago_ipn(InboundRequest{"", {}, "topic=payment&id=123"}, 1'700'000'000'000'001));
  CHECK(a.dedupe_key == "mercadopago:ipn:payment:123:1700000000000001");
  CHECK(a.event_type == "ipn.payment");
  CHECK(a.order_reference.empty());  // known only once the payment is fetched
  const auto later = accepted(accept_mercadopago_ipn(InboundRequest{"", {}, "id=123&topic=payment"}, 1'700'000'000'000'002));
  CHECK(later.dedupe_key != a.dedupe_key);
  CHECK(accepted(accept_mercadopago_ipn(InboundRequest{"", {}, "topic=merchant_order&id=9"}, 1)).event_type ==
        "ipn.merchant_order");
}

TEST_CASE("an IPN whose topic or id could not name a payment is malformed", "[gateways][mercadopago]") {
  auto ipn = [](std::string_view query) { return rejection(accept_mercadopago_ipn(InboundRequest{"", {}, query}, 1)); };
  CHECK(ipn("topic=payment") == malformed_payload);                   // no id
  CHECK(ipn("topic=payment&id=") == malformed_payload);               // empty id
  CHECK(ipn("topic=payment&id=12%2F..%2Fx") == malformed_payload);    // "12/../x": it would go into the API's URL
  CHECK(ipn("topic=payment&id=12a") == malformed_payload);            // not digits
  CHECK(ipn("topic=Payment&id=12") == malformed_payload);             // not lower-case
  CHECK(ipn("topic=&id=12") == malformed_payload);                    // empty topic
  CHECK(ipn("topic=payment&id=" + std::string(65, '1')) == malformed_payload);  // over 64 digits
}

TEST_CASE("a header is found whatever its case, the first match winning", "[gateways]") {
  const InboundRequest req{"", {{"X-Signature", "first"}, {"x-signature", "second"}}, ""};
  CHECK(req.header("x-SIGNATURE") == "first");
  CHECK_FALSE(req.header("x-request-id").has_value());
}

TEST_CASE("no webhook verifies against an unconfigured secret", "[gateways]") {
  const Secret none;
  const auto body = wompi_body(wompi_tx1, wompi_props3, 1530291411, wompi_sum1);
  CHECK(rejection(verify_wompi(InboundRequest{body, {}, {}}, none)) == invalid_signature);
  const auto mp_sig = mercadopago_signature("", "123456789", mp_request_id, "1704908010");
  CHECK(rejection(verify_mercadopago(
            InboundRequest{mp_body, {{"x-signature", mp_sig}}, "data.id=123456789"}, none, mp_now)) ==
        invalid_signature);
}
