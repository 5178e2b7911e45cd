// Mercado Pago webhooks (gateways.md §2). The input is split into the x-signature and x-request-id
// headers, the query string and the body. Each input is verified twice, at a "now" that its ts
// (see ts_of) is within the tolerance of: with its own x-signature (the header
// parser and the refusals) and with one computed from its query, request id and that ts, which
// must never be refused as a bad signature — that is what reaches the checks of the signed parts,
// the body's parsing and the dedupe key. Also the legacy IPN checks, mercadopago_payment_id on the
// notification as the processor stores it, and interpret_mercadopago_payment on the body under an
// HTTP status from the input.
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
#include "events/webhook_events.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;

namespace {

const Secret kSecret{"mp_test_secret_123"};  // gateways.md §2's vectors

// The one call to change if verify_mercadopago's signature changes again.
Verdict verify(const InboundRequest& req, std::int64_t now_s) { return verify_mercadopago(req, kSecret, now_s); }

// A ts the signature header carries unchanged through its parser and the verifier takes: digits
// only, a positive int64. The digits after the header's "ts=" when there are any (so the spec's
// vectors verify as sent), else all of its digits.
std::string ts_of(const std::string& header) {
  const auto at = header.find("ts=");
  std::string out;
  if (at != std::string::npos) {
    for (std::size_t i = at + 3; i < header.size() && header[i] >= '0' && header[i] <= '9'; ++i) out += header[i];
  }
  if (out.empty()) {
    for (char c : header) {
      if (c >= '0' && c <= '9') out += c;
    }
  }
  out = out.substr(0, 18);
  return out.find_first_not_of('0') == std::string::npos ? std::string("1704908010") : out;
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
  const std::string ts = ts_of(signature);
  const std::int64_t t = std::stoll(ts);
  const std::int64_t now_s = t >= 100'000'000'000 ? t / 1000 : t;  // gateways.md §2: seconds or milliseconds
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

  events::WebhookReceived stored;
  stored.gateway = "mercadopago";
  stored.query = query;
  stored.body = body;
  (void)mercadopago_payment_id(stored);

  (void)interpret_mercadopago_payment(status, body);
  (void)interpret_mercadopago_payment(200, body);
  return 0;
}
