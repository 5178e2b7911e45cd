// Correctly signed webhooks for each gateway, as the gateways would send them, for the black-box
// tests and the load generator. Secrets are test_config()'s.
#pragma once

#include <cstdint>
#include <string>

#include "tests/harness/http_client.hpp"

namespace bitacora::testing {

struct SignedWebhook {
  std::string target;
  std::string body;
  Headers headers;
};

[[nodiscard]] SignedWebhook stripe_webhook(const std::string& event_id, std::int64_t now_s,
                                           const std::string& order_reference = "ORD-1");
[[nodiscard]] SignedWebhook wompi_webhook(const std::string& transaction_id, const std::string& status,
                                          std::int64_t amount_in_cents, const std::string& reference,
                                          std::int64_t timestamp);
[[nodiscard]] SignedWebhook mercadopago_webhook(const std::string& payment_id, const std::string& action,
                                                const std::string& request_id, std::int64_t ts);
[[nodiscard]] SignedWebhook standard_webhook(const std::string& message_id, std::int64_t now_s,
                                             const std::string& body);

[[nodiscard]] std::int64_t unix_now();

}  // namespace bitacora::testing
