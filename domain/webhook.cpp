#include "domain/webhook.hpp"

#include <simdjson.h>

#include "support/json_writer.hpp"

namespace bitacora::domain {
namespace {

constexpr std::int64_t kSummaryFormat = 1;
constexpr std::int64_t kQuarantineFormat = 1;

struct Fields {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  bool ok = true;

  explicit Fields(std::string_view bytes) { ok = !parser.parse(bytes.data(), bytes.size()).get(doc); }
  void str(const char* k, std::string& out) {
    std::string_view v;
    if (ok && !doc[k].get(v)) out.assign(v);
    else ok = false;
  }
  template <class T>
  void num(const char* k, T& out) {
    std::int64_t v = 0;
    if (ok && !doc[k].get(v)) out = static_cast<T>(v);
    else ok = false;
  }
};

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

WebhookSummary apply(const events::WebhookReceived& e) {
  WebhookSummary s;
  s.gateway = e.gateway;
  s.key = e.key;
  s.event_type = e.event_type;
  s.order_reference = e.order_reference;
  s.received_at = e.received_at;
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
  Fields f(bytes);
  WebhookSummary s;
  std::int64_t version = 0;
  std::string status;
  f.num("v", version);
  f.str("gateway", s.gateway);
  f.str("key", s.key);
  f.str("type", s.event_type);
  f.str("order_reference", s.order_reference);
  f.str("status", status);
  f.num("attempts", s.attempts);
  f.num("next_retry_at", s.next_retry_at);
  f.str("last_error", s.last_error);
  f.num("received_at", s.received_at);
  if (!f.ok || version != kSummaryFormat || !parse_webhook_status(status, s.status))
    return Error{Errc::data_loss, "webhook summary row does not decode"};
  return s;
}

std::string encode(const QuarantinedWebhook& q) {
  JsonWriter w;
  w.begin_object()
      .field("v", kQuarantineFormat)
      .field("gateway", q.gateway)
      .field("reason", q.reason)
      .field("received_at", q.received_at)
      .field("query", q.query)
      .field("body", q.body)
      .field("body_bytes", q.body_bytes)
      .end_object();
  return std::move(w).str();
}

Result<QuarantinedWebhook> decode_quarantined(std::string_view bytes) {
  Fields f(bytes);
  QuarantinedWebhook q;
  std::int64_t version = 0;
  f.num("v", version);
  f.str("gateway", q.gateway);
  f.str("reason", q.reason);
  f.num("received_at", q.received_at);
  f.str("query", q.query);
  f.str("body", q.body);
  f.num("body_bytes", q.body_bytes);
  if (!f.ok || version != kQuarantineFormat) return Error{Errc::data_loss, "quarantine record does not decode"};
  return q;
}

}  // namespace bitacora::domain
