// Standard Webhooks (gateways.md §4). The input is split into webhook-id, webhook-timestamp and
// webhook-signature headers and the body. Each is verified as sent, then with a signature computed
// for its (trimmed) id, an integer timestamp and the body, which must never be refused as a bad
// signature when the id is not blank.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz/check.hpp"
#include "http/gateways/detail.hpp"
#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Secret secret{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};  // gateways.md §4's vector
  FuzzedDataProvider in(data, size);
  const std::string id = in.ConsumeRandomLengthString(128);
  const std::string timestamp = in.ConsumeRandomLengthString(32);
  const std::string signature = in.ConsumeRandomLengthString(512);
  const auto t = in.ConsumeIntegral<std::int64_t>();
  const std::string body = in.ConsumeRemainingBytesAsString();

  InboundRequest req{body, {{"webhook-id", id}, {"webhook-timestamp", timestamp}, {"webhook-signature", signature}}, {}};
  (void)verify_standard(req, "acme", secret, t);
  (void)verify_standard(req, "acme", secret, 1614265330);  // the spec vector's timestamp

  const auto clean_id = detail::trim(id);
  const std::string t_text = std::to_string(t);
  req.headers[1].second = t_text;
  const std::string good = standard_signature(secret.reveal(), clean_id, t, body);
  req.headers[2].second = good;
  const auto verdict = verify_standard(req, "acme", secret, t);
  if (!clean_id.empty()) {
    if (const auto* r = std::get_if<Rejected>(&verdict)) {
      FUZZ_CHECK(r->kind == RejectionKind::malformed_payload);
    } else {
      FUZZ_CHECK(std::get<Accepted>(verdict).dedupe_key == "acme:" + std::string(clean_id));
    }
  }
  return 0;
}
