// Facts about inbound payment webhooks, stored on the stream `webhook/<dedupe key>`.
// Each struct names exactly one fact; its JSON codec is the event's `data` in the envelope.
#pragma once

#include <cstdint>
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
  // query and body are stored exactly, whatever bytes they hold (json::Bytes): the JSON text shows
  // them as strings, with "query_base64"/"body_base64" beside them when they are not UTF-8.
};

// A WebhookReceived without the raw request it carries: what a webhook's summary keeps. Decoding
// one checks that the query and body are there, as strings, and copies neither out: for passes that
// fold every webhook and keep only summaries (audit, replay).
struct WebhookReceivedHead {
  static constexpr std::string_view kType = WebhookReceived::kType;
  std::string gateway;
  std::string key;
  std::string event_type;
  std::string order_reference;
  Micros received_at = 0;
};

[[nodiscard]] std::string to_json(const WebhookReceived& e);
[[nodiscard]] Result<WebhookReceived> webhook_received_from_json(std::string_view json);
[[nodiscard]] Result<WebhookReceivedHead> webhook_received_head_from_json(std::string_view json);

// Processing it had its effect (or needed none): the webhook is done. `effect` says which, in
// words for operators: "paid", "payment_failed", "needs_attention", "refunded", "no_change", "ignored".
struct WebhookSucceeded {
  static constexpr std::string_view kType = "WebhookSucceeded";
  std::uint32_t attempt = 0;
  std::string effect;
};

// An attempt failed in a way worth retrying (the gateway's API was down, …); retried at next_retry_at.
struct WebhookAttemptFailed {
  static constexpr std::string_view kType = "WebhookAttemptFailed";
  std::uint32_t attempt = 0;
  std::string error;
  Micros next_retry_at = 0;
};

// No more attempts: the last one failed, or the error is permanent (an unknown order reference).
struct WebhookFailed {
  static constexpr std::string_view kType = "WebhookFailed";
  std::uint32_t attempt = 0;
  std::string error;
};

// An operator asked for a failed webhook to be attempted again.
struct WebhookRetryRequested {
  static constexpr std::string_view kType = "WebhookRetryRequested";
  std::string by{};    // the operator (empty in records older than named operators)
  std::string note{};  // their note, if any
};

[[nodiscard]] std::string to_json(const WebhookSucceeded& e);
[[nodiscard]] std::string to_json(const WebhookAttemptFailed& e);
[[nodiscard]] std::string to_json(const WebhookFailed& e);
[[nodiscard]] std::string to_json(const WebhookRetryRequested& e);
[[nodiscard]] Result<WebhookSucceeded> webhook_succeeded_from_json(std::string_view json);
[[nodiscard]] Result<WebhookAttemptFailed> webhook_attempt_failed_from_json(std::string_view json);
[[nodiscard]] Result<WebhookFailed> webhook_failed_from_json(std::string_view json);
[[nodiscard]] Result<WebhookRetryRequested> webhook_retry_requested_from_json(std::string_view json);

// The stream a webhook's events live on: `webhook/<dedupe key>`.
inline constexpr std::string_view kWebhookStreamPrefix = "webhook/";
[[nodiscard]] std::string webhook_stream(std::string_view dedupe_key);

}  // namespace bitacora::events
