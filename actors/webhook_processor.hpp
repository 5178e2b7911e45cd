// WebhookProcessor: turns each received webhook into its effect on an order, exactly once
// (API.md §2 processing states, §4 payment effects).
//
// Every received webhook gets a durable timer row (kind "webhook", target its dedupe key) in the
// same batch as its WebhookReceived event, due at once; the scheduler fires it, here. An attempt
// asks the gateway interpreter what the notification means (for Mercado Pago that is a fetch from
// its API), then appends ONE batch: the order's and products' events (through Commerce), the
// webhook's own event (WebhookSucceeded, WebhookAttemptFailed or WebhookFailed), its index row,
// the deletion of this timer row and, after a retryable failure, the next one at
// now + retries.schedule_seconds[attempt-1]. A crash at any point leaves the timer row in place
// with no effect applied, or the effect applied with the row gone: never both, never neither.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/commerce.hpp"
#include "actors/scheduler.hpp"
#include "actors/webhook_queries.hpp"
#include "events/webhook_events.hpp"

namespace bitacora::actors {

// What a notification means, as its gateway says (parsed, and fetched where needed, by http/).
struct PaymentNotice {
  OrderRef order;
  std::string gateway;
  std::string transaction_id;
  domain::PaymentOutcome outcome = domain::PaymentOutcome::pending;
  std::string status;  // the gateway's own word
  std::int64_t amount_in_cents = 0;
  std::string currency;
};

struct Interpretation {
  enum class Kind {
    payment,    // `notice` says what happened to an order's payment
    no_effect,  // understood, and nothing to do (another event type, a Standard Webhooks source)
    permanent,  // can never succeed as it is (`error` says why): the webhook fails at once
    retryable,  // the gateway's API failed (`error`): attempted again on the schedule
  };
  Kind kind = Kind::no_effect;
  PaymentNotice notice;
  std::string error;
};

// Interprets a received webhook; may be asynchronous. `done` is called once, from any thread.
using Interpreter = std::function<void(const events::WebhookReceived&, std::function<void(Interpretation)> done)>;

inline constexpr const char* kWebhookTimer = "webhook";

class WebhookProcessor {
 public:
  // `scheduler` is told of every webhook timer row made durable; it fires them through handler(),
  // which its owner gives it when it starts.
  WebhookProcessor(ActorDeps& deps, Commerce& commerce, Scheduler& scheduler, Interpreter interpret,
                   std::vector<int> retry_schedule_seconds);

  [[nodiscard]] TimerHandler handler();

  // The timer row that gets a newly received webhook processed: added to its WebhookReceived batch.
  [[nodiscard]] static std::pair<std::string, std::string> first_timer(const std::string& dedupe_key, Micros now);
  // That batch is durable: process it now.
  void received(const std::string& dedupe_key, Micros due);

  // Who asked for a retry, recorded in its WebhookRetryRequested.
  struct RetryBy {
    std::string by;    // the operator
    std::string note;  // may be empty
  };

  // POST /api/webhook-events/{id}/retry: a failed webhook goes back to pending and is attempted
  // now. Errc::not_found, Errc::conflict (not failed). Blocking (reads): call from a blocking pool.
  void retry(const std::string& id, RetryBy who, std::function<void(Status)> done);
  // Every failed webhook `filter` matches (its status and paging ignored) is retried; `done`
  // gets how many. Blocking (scans the index).
  void retry_failed(const WebhookFilter& filter, RetryBy who, std::function<void(Result<std::size_t>)> done);
  // Each of `ids` that is failed is retried (the others are skipped); `done` gets how many.
  void retry_each(std::vector<std::string> ids, RetryBy who, std::function<void(Result<std::size_t>)> done);

 private:
  struct Attempt;
  void run(std::shared_ptr<Attempt> a);
  void succeed(std::shared_ptr<Attempt> a, const PaymentNotice* notice);
  void fail(std::shared_ptr<Attempt> a, std::string error, bool permanent);
  // `settles`: the webhook ends with this batch (succeeded or failed), for the settle metrics.
  void append(std::shared_ptr<Attempt> a, storage::AppendRequest req, std::optional<std::pair<std::string, Micros>> next_timer,
              bool settles);
  void settled(const Attempt& a);
  // A webhook timer row is durable: the scheduler is told.
  void schedule_timer(std::string key, Micros due, const std::string& dedupe_key);

  ActorDeps& deps_;
  Commerce& commerce_;
  Interpreter interpret_;
  Scheduler& scheduler_;
  std::vector<int> schedule_;
};

}  // namespace bitacora::actors
