// The gateway adapters' common vocabulary: what an inbound webhook request looks like to them and
// what they decide about it. Adapters are pure functions (no I/O, no clock of their own: "now" is
// passed in), callable from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bitacora::http::gateways {

struct InboundRequest {
  std::string_view body;                                          // raw bytes as received
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view query;                                         // raw query string, no '?'

  // Case-insensitive header lookup; the first match wins.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

// A request whose signature verified and whose payload has what we need.
struct Accepted {
  std::string dedupe_key;       // API.md §1, e.g. "wompi:<lower-case checksum>", "stripe:evt_…"
  std::string event_type;       // the gateway's own name: "transaction.updated", "payment.updated", …
  std::string order_reference;  // empty when the notification does not name one
};

enum class RejectionKind {
  invalid_signature,  // → 401: bad, missing or stale signature
  malformed_payload,  // → 400: not JSON, or a required field missing
};

struct Rejected {
  RejectionKind kind;
  std::string message;  // for the operator; never contains a secret
};

using Verdict = std::variant<Accepted, Rejected>;

}  // namespace bitacora::http::gateways
