// Stripe webhooks (gateways.md §3). The input is split into a Stripe-Signature header, a timestamp
// and the body. Each is verified with its own header (the parser and its refusals), then with a
// header signed for (timestamp, body), which must never be refused as a bad signature; then
// interpret_stripe reads the body as the webhook processor does.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz/check.hpp"
#include "http/gateways/payments.hpp"
#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Secret secret{"whsec_test_secret"};  // gateways.md §3's vector
  FuzzedDataProvider in(data, size);
  const std::string header = in.ConsumeRandomLengthString(512);
  const auto t = in.ConsumeIntegral<std::int64_t>();
  const auto now_s = in.ConsumeBool() ? t : in.ConsumeIntegral<std::int64_t>();
  const std::string body = in.ConsumeRemainingBytesAsString();

  InboundRequest req{body, {{"Stripe-Signature", header}}, {}};
  (void)verify_stripe(req, secret, now_s);
  (void)verify_stripe(req, secret, 1492774577);  // the spec vector's t

  const std::string good = stripe_signature(secret.reveal(), t, body);  // outlives the view below
  req.headers[0].second = good;
  const auto verdict = verify_stripe(req, secret, t);
  if (const auto* r = std::get_if<Rejected>(&verdict)) {
    FUZZ_CHECK(r->kind == RejectionKind::malformed_payload);
  } else {
    FUZZ_CHECK(std::get<Accepted>(verdict).dedupe_key.starts_with("stripe:"));
  }

  (void)interpret_stripe(body);
  return 0;
}
