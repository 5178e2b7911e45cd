// Mercado Pago (gateways.md §2): the x-signature HMAC covers the query's data.id, the request id
// and ts, never the body; the payment itself is fetched from the API later, by the signed data.id.
#include <algorithm>

#include "http/gateways/detail.hpp"
#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"
#include "http/url.hpp"
#include "support/crypto.hpp"

namespace bitacora::http::gateways {

namespace {

struct SignatureParts {
  std::string_view ts;
  std::string_view v1;
};

// "ts=…,v1=…": split on ',', then on the first '=', trimmed; a key's first occurrence wins.
SignatureParts parse_signature(std::string_view header) {
  SignatureParts parts;
  detail::for_each_pair(header, [&](std::string_view key, std::string_view value) {
    if (key == "ts" && parts.ts.empty()) parts.ts = value;
    if (key == "v1" && parts.v1.empty()) parts.v1 = value;
  });
  return parts;
}

}  // namespace

Verdict verify_mercadopago(const InboundRequest& req, const Secret& webhook_secret, std::int64_t now_s,
                           int tolerance_s) {
  if (webhook_secret.empty())
    return detail::invalid_signature("mercadopago webhook secret not configured");
  const auto header = req.header("x-signature");
  if (!header) return detail::invalid_signature("mercadopago x-signature header missing");
  const auto parts = parse_signature(*header);
  if (parts.ts.empty() || parts.v1.empty()) {
    return detail::invalid_signature("mercadopago x-signature lacks ts or v1");
  }
  const auto ts = detail::parse_int64(parts.ts);
  if (!ts || *ts <= 0 || parts.ts.front() == '-')
    return detail::invalid_signature("mercadopago x-signature ts is not a positive integer");
  // Seconds (10 digits) or milliseconds (13): no time in seconds reaches 10^11 before the year 5000.
  const std::int64_t ts_s = *ts >= 100'000'000'000 ? *ts / 1000 : *ts;
  if (!detail::within_tolerance(ts_s, now_s, tolerance_s))
    return detail::invalid_signature("mercadopago x-signature ts is stale (outside the tolerance)");

  const auto query_data_id = query_param(req.query, "data.id");
  const auto request_id = detail::trim(req.header("x-request-id").value_or(""));
  const auto manifest = mercadopago_manifest(query_data_id.value_or(""), request_id, parts.ts);
  if (!crypto::hex_equal(crypto::hmac_sha256(webhook_secret.reveal(), manifest), parts.v1)) {
    return detail::invalid_signature("mercadopago x-signature does not match");
  }
  // Signed, but they also name streams and a URL: only plain identifiers.
  if (query_data_id && !valid_identifier(*query_data_id))
    return detail::malformed_payload("mercadopago data.id must be 1-64 of A-Z a-z 0-9 . _ -");
  if (!request_id.empty() && !valid_identifier(request_id, 128))
    return detail::malformed_payload("mercadopago x-request-id must be 1-128 of A-Z a-z 0-9 . _ -");

  const auto body = detail::parse_object(req.body);
  if (!body) return detail::malformed_payload("mercadopago body is not a JSON object");
  const simdjson::dom::element root = *body;

  // The key is made of what the signature covers, so an unsigned byte can neither make a new
  // event of a captured request nor hide a new one behind an old key. The same delivery sent
  // again dedupes; Mercado Pago's own retries sign anew (new ts) and are processed again, which
  // is harmless: applying a payment is idempotent.
  Accepted accepted;
  accepted.dedupe_key = "mercadopago:" + detail::to_lower(query_data_id.value_or("")) + ":" + std::string(request_id) +
                        ":" + std::string(parts.ts);
  const auto action = detail::string_at(root, "action");
  const auto type = detail::string_at(root, "type");
  accepted.event_type = detail::event_type(action ? *action : type.value_or("unknown"));
  return accepted;
}

bool is_mercadopago_ipn(const InboundRequest& req) {
  return !req.header("x-signature") && query_param(req.query, "topic").has_value();
}

Verdict accept_mercadopago_ipn(const InboundRequest& req, std::int64_t received_us) {
  constexpr std::size_t kMaxLength = 64;
  const auto topic = query_param(req.query, "topic");
  const auto id = query_param(req.query, "id");
  auto all_of = [](std::string_view s, auto allowed) {
    return !s.empty() && s.size() <= kMaxLength && std::all_of(s.begin(), s.end(), allowed);
  };
  if (!topic || !all_of(*topic, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
    return detail::malformed_payload("mercadopago IPN topic must be 1-64 lower-case letters or '_'");
  if (!id || !all_of(*id, [](char c) { return c >= '0' && c <= '9'; }))
    return detail::malformed_payload("mercadopago IPN id must be 1-64 digits");
  Accepted accepted;
  accepted.dedupe_key = "mercadopago:ipn:" + *topic + ":" + *id + ":" + std::to_string(received_us);
  accepted.event_type = "ipn." + *topic;
  return accepted;
}

}  // namespace bitacora::http::gateways
