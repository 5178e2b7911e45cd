// Wompi webhooks (gateways.md §1): the whole input is the body, as verify_wompi and the webhook
// processor's interpret_wompi read it. The checksum lives inside the body, so the fuzzer cannot
// forge one; the seeds carry the spec's correctly signed vectors, and each body is verified under
// every secret the spec's vectors use so those seeds (and their mutants) reach the accepted path.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz/check.hpp"
#include "http/gateways/payments.hpp"
#include "http/gateways/verify.hpp"

using namespace bitacora;
using namespace bitacora::http::gateways;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::array<Secret, 3> secrets{Secret{"test_events_XXXXXXXXXXXX"}, Secret{"test_events_abc123"},
                                             Secret{"prod_events_OcHnIzeBl5socpwByQ4hA52Em3USQ93Z"}};
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const InboundRequest req{body, {{"Content-Type", "application/json"}}, {}};
  for (const auto& secret : secrets) {
    const auto verdict = verify_wompi(req, secret);
    if (const auto* a = std::get_if<Accepted>(&verdict)) {
      // verify.hpp: the key is "wompi:" + the lower-case hex checksum.
      FUZZ_CHECK(a->dedupe_key.size() == 6 + 64 && a->dedupe_key.starts_with("wompi:"));
    }
  }
  const auto interpretation = interpret_wompi(body);
  (void)interpretation;
  return 0;
}
