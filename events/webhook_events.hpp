// Facts about inbound payment webhooks, stored on the stream `webhook/<dedupe key>`.
// Each struct names exactly one fact; its JSON codec is the event's `data` in the envelope.
#pragma once

#include <string>
#include <string_view>

#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::events {

// A webhook whose signature verified was received and made durable. Its first event.
struct WebhookReceived {
  static constexpr std::string_view kType = "WebhookReceived";
  std::string gateway;          // "wompi", "mercadopago", "stripe", or a Standard Webhooks source
  std::string key;              // the dedupe key, unique forever: "stripe:evt_…"
  std::string event_type;       // the gateway's own type: "transaction.updated", …
  std::string order_reference;  // empty when the notification names none
  Micros received_at = 0;
  std::string query;            // the raw query string (Mercado Pago carries data.id there)
  std::string body;             // the raw body, byte for byte
};

[[nodiscard]] std::string to_json(const WebhookReceived& e);
[[nodiscard]] Result<WebhookReceived> webhook_received_from_json(std::string_view json);

// The stream a webhook's events live on.
[[nodiscard]] std::string webhook_stream(std::string_view dedupe_key);

}  // namespace bitacora::events
