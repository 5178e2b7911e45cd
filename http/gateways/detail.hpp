// Helpers shared by the gateway adapters (verify.hpp, signing.hpp); not part of their contract.
// Pure, thread-safe. JSON values returned by parse_object stay valid until the next parse_object
// call on the same thread (a thread_local simdjson parser owns them).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "http/gateways/inbound.hpp"
#include "support/text.hpp"

namespace bitacora::http::gateways::detail {

// The gateway's own name for what happened, as the summary lists it: itself when it is a valid
// name of at most 128 bytes, else "unknown".
[[nodiscard]] std::string event_type(std::string_view type);
// An order reference as the summary lists it: itself when it is a valid identifier, else empty.
[[nodiscard]] std::string order_reference(std::optional<std::string_view> reference);

// Drops spaces and tabs at both ends (header values, signature parts).
[[nodiscard]] std::string_view trim(std::string_view s);
[[nodiscard]] std::string to_lower(std::string_view s);  // ASCII only
// The whole text as a decimal integer (optional '-'); nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_int64(std::string_view s);
// Calls visit(key, value) for each "k=v" of a comma-separated header ("t=1,v1=ab"); pieces
// without '=' are skipped; keys and values are trimmed.
void for_each_pair(std::string_view header, const std::function<void(std::string_view, std::string_view)>& visit);
// |now_s - t| <= tolerance_s, without overflow.
[[nodiscard]] bool within_tolerance(std::int64_t t, std::int64_t now_s, int tolerance_s);
// The HMAC key of a Standard Webhooks secret: base64-decode of what follows "whsec_".
[[nodiscard]] std::optional<std::string> standard_webhooks_key(std::string_view secret);

// The body parsed as JSON, when its root is an object.
[[nodiscard]] std::optional<simdjson::dom::element> parse_object(std::string_view body);
// The value at a dotted path of object keys ("transaction.id"); nullopt if any step is missing.
[[nodiscard]] std::optional<simdjson::dom::element> find(simdjson::dom::element root,
                                                         std::string_view dotted_path);
[[nodiscard]] std::optional<std::string_view> string_at(simdjson::dom::element root,
                                                        std::string_view dotted_path);
// A string as it is or an integer as plain decimal; nullopt for any other type.
[[nodiscard]] std::optional<std::string> scalar_text(simdjson::dom::element value);

[[nodiscard]] inline Verdict reject(RejectionKind kind, std::string message) {
  return Rejected{kind, std::move(message)};
}
[[nodiscard]] inline Verdict invalid_signature(std::string message) {
  return reject(RejectionKind::invalid_signature, std::move(message));
}
[[nodiscard]] inline Verdict malformed_payload(std::string message) {
  return reject(RejectionKind::malformed_payload, std::move(message));
}

}  // namespace bitacora::http::gateways::detail
