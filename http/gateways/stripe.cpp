// Stripe (gateways.md §3): HMAC-SHA256 of "t.body" keyed with the whsec_ string itself; any v1 may
// match; the timestamp must be within the tolerance of now.
#include <vector>

#include "http/gateways/detail.hpp"
#include "http/gateways/verify.hpp"
#include "support/crypto.hpp"

namespace bitacora::http::gateways {

namespace {

struct StripeHeader {
  std::string_view t;  // as sent: the signed bytes use this text
  std::vector<std::string_view> v1;
};

// "t=…,v1=…[,v1=…][,v0=…]": comma-separated key=value pairs, trimmed; other keys ignored.
StripeHeader parse_header(std::string_view header) {
  StripeHeader parsed;
  detail::for_each_pair(header, [&](std::string_view key, std::string_view value) {
    if (key == "t" && parsed.t.empty()) parsed.t = value;
    if (key == "v1" && !value.empty()) parsed.v1.push_back(value);
  });
  return parsed;
}

}  // namespace

Verdict verify_stripe(const InboundRequest& req, const Secret& secret, std::int64_t now_s,
                      int tolerance_s) {
  if (secret.empty()) return detail::invalid_signature("stripe webhook secret not configured");
  const auto header = req.header("stripe-signature");
  if (!header) return detail::invalid_signature("stripe Stripe-Signature header missing");
  const auto parsed = parse_header(*header);
  const auto t = detail::parse_int64(parsed.t);
  if (!t || parsed.v1.empty()) {
    return detail::invalid_signature("stripe Stripe-Signature lacks an integer t or a v1");
  }
  if (!detail::within_tolerance(*t, now_s, tolerance_s)) {
    return detail::invalid_signature("stripe signature timestamp is stale (outside the tolerance)");
  }

  const auto signed_text = std::string(parsed.t) + "." + std::string(req.body);
  const auto digest = crypto::hmac_sha256(secret.reveal(), signed_text);
  bool matched = false;
  for (const auto candidate : parsed.v1) matched |= crypto::hex_equal(digest, candidate);
  if (!matched) return detail::invalid_signature("stripe signature does not match");

  const auto body = detail::parse_object(req.body);
  if (!body) return detail::malformed_payload("stripe body is not a JSON object");
  const auto id = detail::string_at(*body, "id");
  if (!id) return detail::malformed_payload("stripe event lacks a string id");
  if (!valid_name(*id)) return detail::malformed_payload("stripe event id must be 1-256 bytes of text without control characters");

  Accepted accepted;
  accepted.dedupe_key = "stripe:" + std::string(*id);
  accepted.event_type = detail::event_type(detail::string_at(*body, "type").value_or("unknown"));
  accepted.order_reference = detail::order_reference(detail::string_at(*body, "data.object.metadata.order_reference"));
  return accepted;
}

}  // namespace bitacora::http::gateways
