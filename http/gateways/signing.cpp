#include "http/gateways/signing.hpp"

#include "http/gateways/detail.hpp"
#include "support/crypto.hpp"

namespace bitacora::http::gateways {

std::string wompi_checksum(const std::vector<std::string>& values, std::int64_t timestamp,
                           std::string_view secret) {
  std::string signed_text;
  for (const auto& value : values) signed_text += value;
  signed_text += std::to_string(timestamp);
  signed_text += secret;
  return crypto::sha256_hex(signed_text);
}

std::string mercadopago_manifest(std::string_view data_id, std::string_view request_id,
                                 std::string_view ts) {
  std::string manifest;
  if (!data_id.empty()) manifest += "id:" + detail::to_lower(data_id) + ";";
  if (!request_id.empty()) manifest += "request-id:" + std::string(request_id) + ";";
  if (!ts.empty()) manifest += "ts:" + std::string(ts) + ";";
  return manifest;
}

std::string mercadopago_signature(std::string_view secret, std::string_view data_id,
                                  std::string_view request_id, std::string_view ts) {
  const auto manifest = mercadopago_manifest(data_id, request_id, ts);
  return "ts=" + std::string(ts) + ",v1=" + crypto::hex(crypto::hmac_sha256(secret, manifest));
}

std::string stripe_signature(std::string_view secret, std::int64_t t, std::string_view body) {
  const auto t_text = std::to_string(t);
  const auto signed_text = t_text + "." + std::string(body);
  return "t=" + t_text + ",v1=" + crypto::hex(crypto::hmac_sha256(secret, signed_text));
}

std::string standard_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                               std::string_view body) {
  const auto key = detail::standard_webhooks_key(secret);
  if (!key) return {};
  const auto signed_text =
      std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  return "v1," + crypto::base64(crypto::hmac_sha256(*key, signed_text));
}

}  // namespace bitacora::http::gateways
