#include "events/webhook_events.hpp"

#include <simdjson.h>

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
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc))
    return Error{Errc::data_loss, "WebhookReceived: not JSON"};
  WebhookReceived e;
  std::string_view s;
  std::int64_t at = 0;
  auto str = [&](const char* k, std::string& out) {
    if (doc[k].get(s)) return false;
    out.assign(s);
    return true;
  };
  if (!str("gateway", e.gateway) || !str("key", e.key) || !str("type", e.event_type) ||
      !str("order_reference", e.order_reference) || !str("query", e.query) || !str("body", e.body) ||
      doc["received_at_us"].get(at))
    return Error{Errc::data_loss, "WebhookReceived: missing field"};
  e.received_at = at;
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
