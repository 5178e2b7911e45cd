// The webhook aggregate: what one received notification has become (API.md §2).
// Pure: folds events into state; no I/O, no threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/webhook_events.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::domain {

enum class WebhookStatus { pending, processing, succeeded, failed, quarantined };

[[nodiscard]] std::string_view to_string(WebhookStatus s) noexcept;
[[nodiscard]] bool parse_webhook_status(std::string_view text, WebhookStatus& out) noexcept;

// The summary row listed by GET /api/webhook-events.
struct WebhookSummary {
  std::string gateway;
  std::string key;
  std::string event_type;
  std::string order_reference;
  WebhookStatus status = WebhookStatus::pending;
  std::uint32_t attempts = 0;
  Micros next_retry_at = 0;  // 0: none
  std::string last_error;
  Micros received_at = 0;
};

[[nodiscard]] WebhookSummary apply(const events::WebhookReceived& e);
[[nodiscard]] WebhookSummary apply(events::WebhookReceived&& e);  // moves its strings
[[nodiscard]] WebhookSummary apply(events::WebhookReceivedHead&& e);  // the same summary
[[nodiscard]] WebhookSummary apply(WebhookSummary s, const events::WebhookSucceeded& e);
[[nodiscard]] WebhookSummary apply(WebhookSummary s, const events::WebhookAttemptFailed& e);
[[nodiscard]] WebhookSummary apply(WebhookSummary s, const events::WebhookFailed& e);
[[nodiscard]] WebhookSummary apply(WebhookSummary s, const events::WebhookRetryRequested& e);

// The summary row's stored form (the `webhooks` index), versioned JSON.
[[nodiscard]] std::string encode(const WebhookSummary& s);
[[nodiscard]] Result<WebhookSummary> decode_webhook_summary(std::string_view bytes);

// A request that failed verification, kept in the bounded quarantine (never processed).
struct QuarantinedWebhook {
  std::string gateway;
  std::string reason;
  Micros received_at = 0;
  std::string query;
  std::string body;                 // truncated to the configured maximum
  std::uint64_t body_bytes = 0;     // the size as received
};

[[nodiscard]] std::string encode(const QuarantinedWebhook& q);
[[nodiscard]] Result<QuarantinedWebhook> decode_quarantined(std::string_view bytes);

}  // namespace bitacora::domain
