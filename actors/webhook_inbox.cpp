#include "actors/webhook_inbox.hpp"

#include "actors/webhook_processor.hpp"
#include "domain/webhook.hpp"
#include "events/webhook_events.hpp"
#include "support/text.hpp"

namespace bitacora::actors {

std::string webhook_id(std::uint64_t seq) { return "wh_" + std::to_string(seq); }
std::string quarantine_id(std::uint64_t n) { return "q_" + std::to_string(n); }

WebhookInbox::WebhookInbox(storage::LogWriter& writer, const Clock& clock, metrics::Registry& metrics,
                           std::size_t quarantine_max_body_bytes, WebhookProcessor* processor)
    : writer_(writer),
      clock_(clock),
      metrics_(metrics),
      quarantine_max_body_bytes_(quarantine_max_body_bytes),
      processor_(processor) {
  metrics.gauge("bitacora_webhooks", "Webhook events by state", [this] { return static_cast<double>(pending()); },
                "status=\"pending\"");
  metrics.gauge("bitacora_webhooks", "Webhook events by state", [this] { return static_cast<double>(failed()); },
                "status=\"failed\"");
  metrics.gauge("bitacora_webhooks", "Webhook events by state",
                [this] { return static_cast<double>(quarantined()); }, "status=\"quarantined\"");
  metrics.gauge("bitacora_webhooks", "Webhook events by state",
                [this] { return static_cast<double>(succeeded()); }, "status=\"succeeded\"");
}

void WebhookInbox::receive(InboundWebhook webhook, ReceiveCallback done) {
  events::WebhookReceived event{std::move(webhook.gateway), std::move(webhook.key), std::move(webhook.event_type),
                                std::move(webhook.order_reference), clock_.now_us(), std::move(webhook.query),
                                std::move(webhook.body)};
  storage::AppendRequest req;
  req.dedupe_key = event.key;
  req.expected_version = 0;
  req.stream_named_by_dedupe_key = true;
  req.index_puts.push_back({storage::Index::webhooks, std::nullopt, domain::encode(domain::apply(event))});
  req.counter_deltas.emplace_back(kPendingCounter, 1);
  req.events.push_back({events::webhook_stream(event.key), std::string(events::WebhookReceived::kType),
                        events::to_json(event)});
  if (processor_) req.timer_puts.push_back(WebhookProcessor::first_timer(event.key, event.received_at));
  auto& counter = metrics_.counter("bitacora_webhooks_received_total", "Webhooks accepted, by gateway",
                                   "gateway=\"" + metrics::label_value(event.gateway) + "\"");
  writer_.append(std::move(req), [this, done = std::move(done), &counter, key = event.key,
                                  at = event.received_at](Result<storage::AppendOutcome> r) {
    if (!r) return done(r.error());
    if (!r->duplicate) {
      counter.inc();
      if (processor_) processor_->received(key, at);
    }
    done(ReceiveResult{webhook_id(r->first_seq), r->duplicate});
  });
}

void WebhookInbox::quarantine(std::string gateway, std::string reason, std::string query, std::string_view body) {
  domain::QuarantinedWebhook q{std::move(gateway), std::move(reason), clock_.now_us(), std::move(query),
                               std::string(utf8_prefix(body, quarantine_max_body_bytes_)), body.size()};
  writer_.quarantine({domain::encode(q)});
}

}  // namespace bitacora::actors
