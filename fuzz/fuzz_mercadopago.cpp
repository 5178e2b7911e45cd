// Mercado Pago webhooks (gateways.md §2). The input is split into the x-signature and x-request-id
// headers, the query string and the body. Each input is verified twice: with its own x-signature
// (the header parser and the refusals) and with one computed from its query, request id and a ts
// made of its digits, which must never be refused as a bad signature — that is what reaches the
// body's parsing and the dedupe key. Also the legacy IPN checks, and interpret_mercadopago_payment
// on the body under an HTTP status from the input.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz/check.hpp"
#include "http/gateways/detail.hpp"
#include "http/gateways/payments.hpp"
#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"
#include "http/url.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;

namespace {

const Secret kSecret{"mp_test_secret_123"};  // gateways.md §2's vectors

// The one call to change when verify_mercadopago's signature changes (e.g. to take now_s and a
// tolerance: `return verify_mercadopago(req, kSecret, now_s);`).
Verdict verify(const InboundRequest& req, std::int64_t now_s) {
  (void)now_s;
  return verify_mercadopago(req, kSecret);
}

// A ts the signature header carries unchanged through its parser: digits only, never empty.
std::string digits_of(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out.empty() ? std::string("1704908010") : out.substr(0, 18);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string signature = in.ConsumeRandomLengthString(256);
  const std::string request_id = in.ConsumeRandomLengthString(128);
  const std::string query = in.ConsumeRandomLengthString(512);
  const int status = in.ConsumeIntegralInRange<int>(100, 599);
  const std::string body = in.ConsumeRemainingBytesAsString();

  InboundRequest req{body, {{"x-signature", signature}, {"x-request-id", request_id}}, query};
  const std::string ts = digits_of(signature);
  const std::int64_t now_s = std::stoll(ts);
  (void)verify(req, now_s);

  // Correctly signed: the manifest is built from what the verifier reads (query data.id, trimmed
  // request id), so whatever the body, the signature itself must pass.
  const std::string good = mercadopago_signature(kSecret.reveal(), http::query_param(query, "data.id").value_or(""),
                                                 detail::trim(request_id), ts);
  req.headers[0].second = good;
  const auto signed_verdict = verify(req, now_s);
  if (const auto* r = std::get_if<Rejected>(&signed_verdict)) {
    FUZZ_CHECK(r->kind == RejectionKind::malformed_payload);
  } else {
    FUZZ_CHECK(std::get<Accepted>(signed_verdict).dedupe_key.starts_with("mercadopago:"));
  }

  // The legacy IPN: no x-signature at all.
  const InboundRequest ipn{body, {{"x-request-id", request_id}}, query};
  if (is_mercadopago_ipn(ipn)) (void)accept_mercadopago_ipn(ipn, 1704908010000000);
  (void)accept_mercadopago_ipn(req, 0);

  (void)interpret_mercadopago_payment(status, body);
  (void)interpret_mercadopago_payment(200, body);
  return 0;
}
