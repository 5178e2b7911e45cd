// The sending side of each gateway's signature: what a gateway would put on a request. Used by the
// tests, the benchmarks and the black-box clients to make correctly signed webhooks. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bitacora::http::gateways {

// Lower-case hex SHA-256 of concat(values) + timestamp + secret (gateways.md §1).
[[nodiscard]] std::string wompi_checksum(const std::vector<std::string>& values,
                                         std::int64_t timestamp, std::string_view secret);

// The manifest of gateways.md §2; empty parts are left out. `data_id` is lower-cased here.
[[nodiscard]] std::string mercadopago_manifest(std::string_view data_id, std::string_view request_id,
                                               std::string_view ts);
// The full `x-signature` header value: "ts=<ts>,v1=<hex>".
[[nodiscard]] std::string mercadopago_signature(std::string_view secret, std::string_view data_id,
                                                std::string_view request_id, std::string_view ts);

// The full `Stripe-Signature` header value: "t=<t>,v1=<hex>".
[[nodiscard]] std::string stripe_signature(std::string_view secret, std::int64_t t,
                                           std::string_view body);

// One `webhook-signature` entry: "v1,<base64>". nullopt-free: a secret that is not "whsec_" +
// base64 yields an empty string.
[[nodiscard]] std::string standard_signature(std::string_view secret, std::string_view id,
                                             std::int64_t timestamp, std::string_view body);

}  // namespace bitacora::http::gateways
