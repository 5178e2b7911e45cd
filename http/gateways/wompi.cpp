// Wompi (gateways.md §1): the checksum travels inside the body, so the body is parsed first.
#include "http/gateways/detail.hpp"
#include "http/gateways/signing.hpp"
#include "http/gateways/verify.hpp"
#include "support/crypto.hpp"

namespace bitacora::http::gateways {

namespace {

// The fields the checksum needs, read from the envelope; views into the thread's parsed body.
struct Envelope {
  simdjson::dom::array properties;
  std::string_view checksum;
  std::int64_t timestamp = 0;
  simdjson::dom::element data;
  std::string_view event;
};

std::optional<Envelope> read_envelope(simdjson::dom::element body) {
  Envelope env;
  if (body["signature"]["properties"].get(env.properties) != simdjson::SUCCESS ||
      body["signature"]["checksum"].get(env.checksum) != simdjson::SUCCESS ||
      body["timestamp"].get(env.timestamp) != simdjson::SUCCESS ||
      body["data"].get(env.data) != simdjson::SUCCESS || !env.data.is_object() ||
      body["event"].get(env.event) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  for (simdjson::dom::element property : env.properties) {
    if (!property.is_string()) return std::nullopt;
  }
  return env;
}

}  // namespace

Verdict verify_wompi(const InboundRequest& req, const Secret& events_secret) {
  if (events_secret.empty()) return detail::invalid_signature("wompi events secret not configured");
  const auto body = detail::parse_object(req.body);
  if (!body) return detail::malformed_payload("wompi body is not a JSON object");
  const auto env = read_envelope(*body);
  if (!env) {
    return detail::malformed_payload(
        "wompi body lacks signature.properties, signature.checksum, timestamp, data or event");
  }

  // What a payment's effect rests on must be signed: a transaction's id, status and amount.
  if (detail::find(env->data, "transaction")) {
    for (std::string_view required : {"transaction.id", "transaction.status", "transaction.amount_in_cents"}) {
      bool signed_property = false;
      for (simdjson::dom::element property : env->properties)
        signed_property |= property.get_string().value_unsafe() == required;
      if (!signed_property)
        return detail::invalid_signature("wompi signature.properties must include transaction.id, "
                                         "transaction.status and transaction.amount_in_cents");
    }
  }

  std::vector<std::string> values;
  for (simdjson::dom::element property : env->properties) {
    const std::string_view path = property.get_string().value_unsafe();
    const auto value = detail::find(env->data, path);
    auto text = value ? detail::scalar_text(*value) : std::nullopt;
    if (!text) {
      return detail::invalid_signature("wompi signed property data." + std::string(path) +
                                       " is missing or neither a string nor an integer");
    }
    values.push_back(std::move(*text));
  }

  const auto expected = wompi_checksum(values, env->timestamp, events_secret.reveal());
  const auto checksum = detail::to_lower(env->checksum);
  if (!crypto::equal_constant_time(expected, checksum)) {
    return detail::invalid_signature("wompi checksum does not match");
  }

  Accepted accepted;
  accepted.dedupe_key = "wompi:" + checksum;
  accepted.event_type = detail::event_type(env->event);
  accepted.order_reference = detail::order_reference(detail::string_at(env->data, "transaction.reference"));
  return accepted;
}

std::string wompi_integrity_signature(std::string_view reference, std::int64_t amount_in_cents,
                                      std::string_view currency, const Secret& integrity_secret) {
  std::string signed_text(reference);
  signed_text += std::to_string(amount_in_cents);
  signed_text += currency;
  signed_text += integrity_secret.reveal();
  return crypto::sha256_hex(signed_text);
}

}  // namespace bitacora::http::gateways
