#include "actors/webhook_processor.hpp"

#include <charconv>

#include "actors/webhook_inbox.hpp"
#include "domain/webhook.hpp"
#include "storage/keys.hpp"
#include "support/log.hpp"

namespace bitacora::actors {
namespace {

spdlog::logger& log() { return module_logger("webhooks"); }

template <class E>
storage::NewEvent webhook_event(const std::string& stream, const E& e) {
  return {stream, std::string(E::kType), events::to_json(e)};
}

std::optional<events::Seq> parse_id(const std::string& id) {
  if (id.rfind("wh_", 0) != 0) return std::nullopt;
  events::Seq seq = 0;
  auto digits = std::string_view(id).substr(3);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return seq;
}

}  // namespace

struct WebhookProcessor::Attempt {
  TimerFire timer;
  std::function<void(bool)> done;
  events::Seq seq = 0;
  events::WebhookReceived received;
  domain::WebhookSummary summary;
  std::uint32_t attempt = 0;
  std::string stream;

  // The webhook's event, its index row, and the removal of the timer row that started this.
  template <class E>
  storage::AppendRequest record(const E& e) const {
    storage::AppendRequest r;
    r.events.push_back(webhook_event(stream, e));
    r.index_puts.push_back({storage::Index::webhooks, storage::keys::be64(seq), domain::encode(domain::apply(summary, e))});
    r.timer_deletes.push_back(timer.key);
    return r;
  }
};

WebhookProcessor::WebhookProcessor(ActorDeps& deps, Commerce& commerce, Scheduler& scheduler, Interpreter interpret,
                                   std::vector<int> retry_schedule_seconds)
    : deps_(deps),
      commerce_(commerce),
      interpret_(std::move(interpret)),
      scheduler_(scheduler),
      schedule_(std::move(retry_schedule_seconds)) {}

std::pair<std::string, std::string> WebhookProcessor::first_timer(const std::string& dedupe_key, Micros now) {
  return {storage::keys::timer(static_cast<std::uint64_t>(now), kWebhookTimer, dedupe_key), ""};
}

void WebhookProcessor::received(const std::string& dedupe_key, Micros due) {
  schedule_timer(storage::keys::timer(static_cast<std::uint64_t>(due), kWebhookTimer, dedupe_key), due, dedupe_key);
}

void WebhookProcessor::schedule_timer(std::string key, Micros due, const std::string& dedupe_key) {
  scheduler_.schedule(std::move(key), due, kWebhookTimer, dedupe_key, "");
}

TimerHandler WebhookProcessor::handler() {
  return [this](const TimerFire& t, std::function<void(bool)> done) {
    auto a = std::make_shared<Attempt>();
    a->timer = t;
    a->done = std::move(done);
    // The timer names the webhook by its dedupe key; its first event and index row are read here,
    // inline: three point reads (docs/design.md "Where RocksDB is read").
    auto seq = deps_.log.find_dedupe(t.target);
    if (!seq) return a->done(false);
    auto forget_row = [&] {
      storage::AppendRequest r;
      r.timer_deletes.push_back(t.key);
      append(a, std::move(r), std::nullopt, false);
    };
    if (!seq->has_value()) {
      log().error("timer for unknown webhook {}; dropped", t.target);
      return forget_row();
    }
    a->seq = **seq;
    auto first = deps_.log.read(a->seq);
    auto row = deps_.log.get(storage::Family::webhooks, storage::keys::be64(a->seq));
    if (!first || !row) return a->done(false);
    if (!first->has_value() || !row->has_value()) return a->done(false);
    auto received = events::webhook_received_from_json((*first)->envelope.data);
    auto summary = domain::decode_webhook_summary(**row);
    if (!received || !summary) {
      log().error("webhook {} does not decode; its timer is dropped", t.target);
      return forget_row();
    }
    a->received = std::move(*received);
    a->summary = std::move(*summary);
    if (a->summary.status == domain::WebhookStatus::succeeded || a->summary.status == domain::WebhookStatus::failed)
      return forget_row();  // decided already: a stale timer
    a->attempt = a->summary.attempts + 1;
    a->stream = (*first)->envelope.stream;
    run(a);
  };
}

void WebhookProcessor::run(std::shared_ptr<Attempt> a) {
  interpret_(a->received, [this, a](Interpretation it) {
    switch (it.kind) {
      case Interpretation::Kind::no_effect: return succeed(a, nullptr);
      case Interpretation::Kind::payment: return succeed(a, &it.notice);
      case Interpretation::Kind::permanent: return fail(a, std::move(it.error), true);
      case Interpretation::Kind::retryable: return fail(a, std::move(it.error), false);
    }
  });
}

void WebhookProcessor::succeed(std::shared_ptr<Attempt> a, const PaymentNotice* notice) {
  auto record = [a](const std::string& effect) {
    auto r = a->record(events::WebhookSucceeded{a->attempt, effect});
    r.counter_deltas.emplace_back(WebhookInbox::kPendingCounter, -1);
    r.counter_deltas.emplace_back(WebhookInbox::kSucceededCounter, 1);
    return r;
  };
  if (!notice) return append(a, record("ignored"), std::nullopt, true);
  commerce_.apply_payment(*notice, record, [this, a, ref = notice->order](Outcome<std::string> r) {
    if (std::holds_alternative<std::string>(r)) {  // its batch carried our record
      settled(*a);
      return a->done(true);
    }
    if (auto* refused = std::get_if<domain::DomainError>(&r)) {
      if (refused->code == domain::DomainErrc::unknown_order)
        return fail(a, "unknown order reference " + ref.value(), true);
      return fail(a, refused->message, true);
    }
    log().warn("applying webhook {} failed, will retry: {}", a->received.key, std::get<Error>(r).message);
    a->done(false);  // storage: not an attempt, the scheduler tries again shortly
  });
}

void WebhookProcessor::fail(std::shared_ptr<Attempt> a, std::string error, bool permanent) {
  if (!permanent && a->attempt <= schedule_.size()) {
    const Micros next = deps_.clock.now_us() + static_cast<Micros>(schedule_[a->attempt - 1]) * 1'000'000;
    auto r = a->record(events::WebhookAttemptFailed{a->attempt, error, next});
    auto key = storage::keys::timer(static_cast<std::uint64_t>(next), kWebhookTimer, a->received.key);
    r.timer_puts.emplace_back(key, "");
    deps_.metrics.counter("bitacora_webhook_retries_total", "Webhook attempts that failed and were scheduled again").inc();
    return append(a, std::move(r), std::make_pair(key, next), false);
  }
  auto r = a->record(events::WebhookFailed{a->attempt, error});
  r.counter_deltas.emplace_back(WebhookInbox::kPendingCounter, -1);
  r.counter_deltas.emplace_back(WebhookInbox::kFailedCounter, 1);
  append(a, std::move(r), std::nullopt, true);
}

void WebhookProcessor::settled(const Attempt& a) {
  deps_.metrics.histogram("bitacora_webhook_attempts", "Attempts a webhook took to succeed or fail", "",
                          {1, 2, 3, 4, 5, 8, 13, 21}).observe(static_cast<double>(a.attempt));
  deps_.metrics.histogram("bitacora_webhook_settle_seconds",
                          "From a webhook's receipt to its success or final failure (retry latency included)", "",
                          {0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600})
      .observe(static_cast<double>(deps_.clock.now_us() - a.received.received_at) / 1e6);
}

void WebhookProcessor::append(std::shared_ptr<Attempt> a, storage::AppendRequest req,
                              std::optional<std::pair<std::string, Micros>> next_timer, bool settles) {
  deps_.writer.append(std::move(req), [this, a, next_timer, settles](Result<storage::AppendOutcome> r) {
    if (!r) return a->done(false);
    if (settles && a->attempt > 0) settled(*a);
    if (next_timer) schedule_timer(next_timer->first, next_timer->second, a->received.key);
    a->done(true);
  });
}

void WebhookProcessor::retry(const std::string& id, RetryBy who, std::function<void(Status)> done) {
  auto seq = parse_id(id);
  if (!seq) return done(Error{Errc::not_found, "no webhook event " + id});
  auto row = deps_.log.get(storage::Family::webhooks, storage::keys::be64(*seq));
  if (!row) return done(row.error());
  if (!row->has_value()) return done(Error{Errc::not_found, "no webhook event " + id});
  auto summary = domain::decode_webhook_summary(**row);
  if (!summary) return done(summary.error());
  if (summary->status != domain::WebhookStatus::failed)
    return done(Error{Errc::conflict, id + " is " + std::string(domain::to_string(summary->status)) + ", not failed"});

  const Micros now = deps_.clock.now_us();
  events::WebhookRetryRequested ev{std::move(who.by), std::move(who.note)};
  storage::AppendRequest r;
  r.events.push_back(webhook_event(events::webhook_stream(summary->key), ev));
  r.index_puts.push_back({storage::Index::webhooks, storage::keys::be64(*seq), domain::encode(domain::apply(*summary, ev))});
  auto [key, payload] = first_timer(summary->key, now);
  r.timer_puts.emplace_back(key, payload);
  r.counter_deltas.emplace_back(WebhookInbox::kFailedCounter, -1);
  r.counter_deltas.emplace_back(WebhookInbox::kPendingCounter, 1);
  deps_.writer.append(std::move(r), [this, done = std::move(done), dedupe = summary->key, now](Result<storage::AppendOutcome> out) {
    if (!out) return done(out.error());
    received(dedupe, now);
    done(ok_status());
  });
}

void WebhookProcessor::retry_failed(const WebhookFilter& filter, RetryBy who, std::function<void(Result<std::size_t>)> done) {
  WebhookFilter failed = filter;
  failed.status = domain::WebhookStatus::failed;
  std::vector<std::string> ids;
  auto s = deps_.log.scan(storage::Family::webhooks, std::nullopt, false, [&](std::string_view k, std::string_view v) {
    auto summary = domain::decode_webhook_summary(v);
    if (summary && failed.matches(*summary)) ids.push_back(webhook_id(storage::keys::read_be64(k).value_or(0)));
    return true;
  });
  if (!s) return done(s.error());
  retry_each(std::move(ids), std::move(who), std::move(done));
}

void WebhookProcessor::retry_each(std::vector<std::string> ids, RetryBy who, std::function<void(Result<std::size_t>)> done) {
  struct Count {
    std::mutex mu;
    std::size_t left, retried = 0;
  };
  if (ids.empty()) return done(std::size_t{0});
  auto count = std::make_shared<Count>();
  count->left = ids.size();
  for (const auto& id : ids) {
    retry(id, who, [count, done](Status st) {
      std::unique_lock lock(count->mu);
      if (st) ++count->retried;
      if (--count->left == 0) {
        auto n = count->retried;
        lock.unlock();
        done(n);
      }
    });
  }
}

}  // namespace bitacora::actors
