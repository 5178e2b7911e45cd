#include "events/webhook_events.hpp"

#include "events/json_fields.hpp"
#include "support/json_writer.hpp"

namespace bitacora::events {

std::string webhook_stream(std::string_view dedupe_key) {
  std::string s(kWebhookStreamPrefix);
  s += dedupe_key;
  return s;
}

// What a summary keeps, shared by the event and its head.
void head_fields(auto& io, auto& e) {
  io("gateway", e.gateway);
  io("key", e.key);
  io("type", e.event_type);
  io("order_reference", e.order_reference);
  io.time("received_at", e.received_at);
}

void fields(auto& io, Is<WebhookReceived> auto& e) {
  head_fields(io, e);
  io("query", json::bytes(e.query));
  io("body", json::bytes(e.body));
}

void fields(auto& io, Is<WebhookReceivedHead> auto& e) {
  head_fields(io, e);
  json::UnreadString query, body;
  io("query", query);
  io("body", body);
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

void fields(auto& io, Is<WebhookRetryRequested> auto& e) {
  io("by", json::defaulted(e.by));
  io("note", json::defaulted(e.note));
}

std::string to_json(const WebhookReceived& e) { return json::write(e); }
std::string to_json(const WebhookSucceeded& e) { return json::write(e); }
std::string to_json(const WebhookAttemptFailed& e) { return json::write(e); }
std::string to_json(const WebhookFailed& e) { return json::write(e); }
std::string to_json(const WebhookRetryRequested& e) { return json::write(e); }
// json::read's parser is pooled: audit and replay decode one of these per webhook.
Result<WebhookReceived> webhook_received_from_json(std::string_view j) { return json::read<WebhookReceived>(j); }
Result<WebhookReceivedHead> webhook_received_head_from_json(std::string_view j) {
  return json::read<WebhookReceivedHead>(j);
}
Result<WebhookSucceeded> webhook_succeeded_from_json(std::string_view j) { return json::read<WebhookSucceeded>(j); }
Result<WebhookAttemptFailed> webhook_attempt_failed_from_json(std::string_view j) { return json::read<WebhookAttemptFailed>(j); }
Result<WebhookFailed> webhook_failed_from_json(std::string_view j) { return json::read<WebhookFailed>(j); }
Result<WebhookRetryRequested> webhook_retry_requested_from_json(std::string_view j) { return json::read<WebhookRetryRequested>(j); }

}  // namespace bitacora::events
