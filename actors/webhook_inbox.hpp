// WebhookInbox: where a verified webhook becomes a durable WebhookReceived event (API.md §1), and
// where a rejected one is kept in the bounded quarantine. The HTTP layer talks to this, never to
// the log.
//
// Thread-safety: receive() and quarantine() may be called from any thread. `done` runs on the log
// writer's thread after the batch holding the event is fsync'd (or failed): post, don't work, there.
#pragma once

#include <functional>
#include <string>

#include "storage/writer.hpp"
#include "support/metrics.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::actors {

class WebhookProcessor;

struct InboundWebhook {
  std::string gateway;          // "wompi", "mercadopago", "stripe", or a Standard Webhooks source
  std::string key;              // dedupe key (API.md §1)
  std::string event_type;
  std::string order_reference;
  std::string query;
  std::string body;
};

struct ReceiveResult {
  std::string event_id;  // stable: the same for every duplicate of the same key
  bool duplicate = false;
};

using ReceiveCallback = std::function<void(Result<ReceiveResult>)>;

class WebhookInbox {
 public:
  // Each received webhook is stored with the timer row that gets it processed by `processor`;
  // without one (nullptr) webhooks are only recorded.
  WebhookInbox(storage::LogWriter& writer, const Clock& clock, metrics::Registry& metrics,
               std::size_t quarantine_max_body_bytes, WebhookProcessor* processor);

  void receive(InboundWebhook webhook, ReceiveCallback done);
  // Best effort and bounded: never blocks, never fails the caller.
  void quarantine(std::string gateway, std::string reason, std::string query, std::string_view body);

  [[nodiscard]] std::int64_t pending() const { return writer_.counter(kPendingCounter); }
  [[nodiscard]] std::int64_t failed() const { return writer_.counter(kFailedCounter); }
  [[nodiscard]] std::int64_t succeeded() const { return writer_.counter(kSucceededCounter); }
  [[nodiscard]] std::int64_t quarantined() const { return static_cast<std::int64_t>(writer_.quarantined()); }

  static constexpr const char* kPendingCounter = "webhooks.pending";
  static constexpr const char* kFailedCounter = "webhooks.failed";
  static constexpr const char* kSucceededCounter = "webhooks.succeeded";

 private:
  storage::LogWriter& writer_;
  const Clock& clock_;
  metrics::Registry& metrics_;
  std::size_t quarantine_max_body_bytes_;
  WebhookProcessor* const processor_;
};

// Webhook event ids: "wh_<seq of its first event>" and, for quarantined requests, "q_<n>".
[[nodiscard]] std::string webhook_id(std::uint64_t seq);
[[nodiscard]] std::string quarantine_id(std::uint64_t n);

}  // namespace bitacora::actors
