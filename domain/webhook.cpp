#include "domain/webhook.hpp"

#include <utility>

#include "events/json_fields.hpp"
#include "support/json_writer.hpp"

namespace bitacora::domain {
namespace {

constexpr std::int64_t kSummaryFormat = 1;
constexpr std::int64_t kQuarantineFormat = 1;

}  // namespace

std::string_view to_string(WebhookStatus s) noexcept {
  switch (s) {
    case WebhookStatus::pending: return "pending";
    case WebhookStatus::processing: return "processing";
    case WebhookStatus::succeeded: return "succeeded";
    case WebhookStatus::failed: return "failed";
    case WebhookStatus::quarantined: return "quarantined";
  }
  return "pending";
}

bool parse_webhook_status(std::string_view text, WebhookStatus& out) noexcept {
  for (auto s : {WebhookStatus::pending, WebhookStatus::processing, WebhookStatus::succeeded,
                 WebhookStatus::failed, WebhookStatus::quarantined}) {
    if (to_string(s) == text) {
      out = s;
      return true;
    }
  }
  return false;
}

namespace {

// E is WebhookReceived (const or not: its strings are copied or moved accordingly) or its head.
template <class E>
WebhookSummary summary_of(E&& e) {
  WebhookSummary s;
  s.gateway = std::forward<E>(e).gateway;
  s.key = std::forward<E>(e).key;
  s.event_type = std::forward<E>(e).event_type;
  s.order_reference = std::forward<E>(e).order_reference;
  s.received_at = e.received_at;
  return s;
}

}  // namespace

WebhookSummary apply(const events::WebhookReceived& e) { return summary_of(e); }
WebhookSummary apply(events::WebhookReceived&& e) { return summary_of(std::move(e)); }
WebhookSummary apply(events::WebhookReceivedHead&& e) { return summary_of(std::move(e)); }

WebhookSummary apply(WebhookSummary s, const events::WebhookSucceeded& e) {
  s.status = WebhookStatus::succeeded;
  s.attempts = e.attempt;
  s.next_retry_at = 0;
  s.last_error.clear();
  return s;
}

WebhookSummary apply(WebhookSummary s, const events::WebhookAttemptFailed& e) {
  s.status = WebhookStatus::pending;
  s.attempts = e.attempt;
  s.next_retry_at = e.next_retry_at;
  s.last_error = e.error;
  return s;
}

WebhookSummary apply(WebhookSummary s, const events::WebhookFailed& e) {
  s.status = WebhookStatus::failed;
  s.attempts = e.attempt;
  s.next_retry_at = 0;
  s.last_error = e.error;
  return s;
}

WebhookSummary apply(WebhookSummary s, const events::WebhookRetryRequested&) {
  s.status = WebhookStatus::pending;
  s.next_retry_at = 0;
  return s;
}

std::string encode(const WebhookSummary& s) {
  JsonWriter w;
  w.begin_object()
      .field("v", kSummaryFormat)
      .field("gateway", s.gateway)
      .field("key", s.key)
      .field("type", s.event_type)
      .field("order_reference", s.order_reference)
      .field("status", to_string(s.status))
      .field("attempts", static_cast<std::uint64_t>(s.attempts))
      .field("next_retry_at", s.next_retry_at)
      .field("last_error", s.last_error)
      .field("received_at", s.received_at)
      .end_object();
  return std::move(w).str();
}

Result<WebhookSummary> decode_webhook_summary(std::string_view bytes) {
  events::json::Document f(bytes);
  WebhookSummary s;
  std::int64_t version = 0;
  std::string status;
  f("v", version);
  f("gateway", s.gateway);
  f("key", s.key);
  f("type", s.event_type);
  f("order_reference", s.order_reference);
  f("status", status);
  f("attempts", s.attempts);
  f("next_retry_at", s.next_retry_at);
  f("last_error", s.last_error);
  f("received_at", s.received_at);
  if (!f.ok() || version != kSummaryFormat || !parse_webhook_status(status, s.status))
    return Error{Errc::data_loss, "webhook summary row does not decode"};
  return s;
}

std::string encode(const QuarantinedWebhook& q) {
  JsonWriter w;
  w.begin_object()
      .field("v", kQuarantineFormat)
      .field("gateway", q.gateway)
      .field("reason", q.reason)
      .field("received_at", q.received_at);
  events::json::write_bytes(w, "query", q.query);
  events::json::write_bytes(w, "body", q.body);
  w.field("body_bytes", q.body_bytes).end_object();
  return std::move(w).str();
}

Result<QuarantinedWebhook> decode_quarantined(std::string_view bytes) {
  events::json::Document f(bytes);
  QuarantinedWebhook q;
  std::int64_t version = 0;
  f("v", version);
  f("gateway", q.gateway);
  f("reason", q.reason);
  f("received_at", q.received_at);
  f("query", events::json::bytes(q.query));
  f("body", events::json::bytes(q.body));
  f("body_bytes", q.body_bytes);
  if (!f.ok() || version != kQuarantineFormat) return Error{Errc::data_loss, "quarantine record does not decode"};
  return q;
}

}  // namespace bitacora::domain
