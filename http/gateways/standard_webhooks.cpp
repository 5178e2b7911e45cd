// Standard Webhooks (gateways.md §4): HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed with the
// base64-decoded secret, base64; any "v1," entry may match; the timestamp must be within tolerance.
#include "http/gateways/detail.hpp"
#include "http/gateways/verify.hpp"
#include "support/crypto.hpp"

namespace bitacora::http::gateways {

namespace {

// Whether any space-separated "v1,<base64>" entry equals `expected`; other versions are ignored.
bool any_v1_matches(std::string_view signatures, std::string_view expected) {
  constexpr std::string_view version = "v1,";
  bool matched = false;
  while (!signatures.empty()) {
    const std::size_t space = signatures.find(' ');
    const std::string_view entry = signatures.substr(0, space);
    signatures =
        space == std::string_view::npos ? std::string_view{} : signatures.substr(space + 1);
    if (entry.substr(0, version.size()) != version) continue;
    matched |= crypto::equal_constant_time(entry.substr(version.size()), expected);
  }
  return matched;
}

}  // namespace

Verdict verify_standard(const InboundRequest& req, std::string_view source, const Secret& secret,
                        std::int64_t now_s, int tolerance_s) {
  const auto id = detail::trim(req.header("webhook-id").value_or(""));
  const auto timestamp_text = detail::trim(req.header("webhook-timestamp").value_or(""));
  const auto signatures = detail::trim(req.header("webhook-signature").value_or(""));
  if (id.empty() || timestamp_text.empty() || signatures.empty()) {
    return detail::invalid_signature("webhook-id, webhook-timestamp or webhook-signature missing");
  }
  const auto timestamp = detail::parse_int64(timestamp_text);
  if (!timestamp) return detail::invalid_signature("webhook-timestamp is not an integer");
  if (!detail::within_tolerance(*timestamp, now_s, tolerance_s)) {
    return detail::invalid_signature("webhook-timestamp is stale (outside the tolerance)");
  }
  const auto key = detail::standard_webhooks_key(secret.reveal());
  if (!key) return detail::invalid_signature("the configured secret is not whsec_ + base64");

  const auto signed_text =
      std::string(id) + "." + std::string(timestamp_text) + "." + std::string(req.body);
  const auto expected = crypto::base64(crypto::hmac_sha256(*key, signed_text));
  if (!any_v1_matches(signatures, expected)) {
    return detail::invalid_signature("webhook-signature does not match");
  }

  if (!valid_name(id))
    return detail::malformed_payload("webhook-id must be 1-256 bytes of text without control characters");
  const auto body = detail::parse_object(req.body);
  if (!body) return detail::malformed_payload("webhook body is not a JSON object");

  Accepted accepted;
  accepted.dedupe_key = std::string(source) + ":" + std::string(id);
  accepted.event_type = detail::event_type(detail::string_at(*body, "type").value_or("unknown"));
  accepted.order_reference = detail::order_reference(detail::string_at(*body, "data.order_reference"));
  return accepted;
}

}  // namespace bitacora::http::gateways
