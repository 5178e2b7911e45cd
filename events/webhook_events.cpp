#include "events/webhook_events.hpp"

#include <simdjson.h>

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

}  // namespace bitacora::events
