#include "events/webhook_events.hpp"

#include "events/json_fields.hpp"
#include "support/json_writer.hpp"

namespace bitacora::events {

std::string webhook_stream(std::string_view dedupe_key) {
  std::string s = "webhook/";
  s += dedupe_key;
  return s;
}

std::string to_json(const WebhookReceived& e) {
  JsonWriter w;
  w.begin_object()
      .field("gateway", e.gateway)
      .field("key", e.key)
      .field("type", e.event_type)
      .field("order_reference", e.order_reference)
      .field("received_at", format_rfc3339(e.received_at))
      .field("received_at_us", e.received_at)
      .field("query", e.query)
      .field("body", e.body)
      .end_object();
  return std::move(w).str();
}

Result<WebhookReceived> webhook_received_from_json(std::string_view json) {
  json::Document doc(json);  // a pooled parser: audit and replay decode one of these per webhook
  if (!doc.ok()) return Error{Errc::data_loss, "WebhookReceived: not JSON"};
  WebhookReceived e;
  auto& io = doc.reader();
  io("gateway", e.gateway);
  io("key", e.key);
  io("type", e.event_type);
  io("order_reference", e.order_reference);
  io("query", e.query);
  io("body", e.body);
  io("received_at_us", e.received_at);
  if (!doc.ok()) return Error{Errc::data_loss, "WebhookReceived: missing field"};
  return e;
}

void fields(auto& io, Is<WebhookSucceeded> auto& e) {
  io("attempt", e.attempt);
  io("effect", e.effect);
}

void fields(auto& io, Is<WebhookAttemptFailed> auto& e) {
  io("attempt", e.attempt);
  io("error", e.error);
  io.time("next_retry_at", e.next_retry_at);
}

void fields(auto& io, Is<WebhookFailed> auto& e) {
  io("attempt", e.attempt);
  io("error", e.error);
}

void fields(auto&, Is<WebhookRetryRequested> auto&) {}

std::string to_json(const WebhookSucceeded& e) { return json::write(e); }
std::string to_json(const WebhookAttemptFailed& e) { return json::write(e); }
std::string to_json(const WebhookFailed& e) { return json::write(e); }
std::string to_json(const WebhookRetryRequested& e) { return json::write(e); }
Result<WebhookSucceeded> webhook_succeeded_from_json(std::string_view j) { return json::read<WebhookSucceeded>(j); }
Result<WebhookAttemptFailed> webhook_attempt_failed_from_json(std::string_view j) { return json::read<WebhookAttemptFailed>(j); }
Result<WebhookFailed> webhook_failed_from_json(std::string_view j) { return json::read<WebhookFailed>(j); }
Result<WebhookRetryRequested> webhook_retry_requested_from_json(std::string_view j) { return json::read<WebhookRetryRequested>(j); }

}  // namespace bitacora::events
