#include "actors/notification_feed.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>

namespace bitacora::actors {

namespace net = boost::asio;

struct NotificationFeed::Waiter {
  Waiter(net::thread_pool& pool, NotificationQuery query, std::function<void(Result<NotificationPage>)> cb)
      : q(std::move(query)), done(std::move(cb)), timer(pool) {}
  NotificationQuery q;
  std::function<void(Result<NotificationPage>)> done;
  std::atomic<bool> answered{false};
  std::atomic<events::Seq> scanned_to{0};  // where the last scan without items ended
  std::mutex mu;                           // guards the timer and the ticket
  net::steady_timer timer;
  std::optional<std::uint64_t> ticket;     // the writer's watcher, while one is set

  [[nodiscard]] NotificationPage nothing() const {
    NotificationPage empty;
    empty.next_after = std::max(q.after, scanned_to.load());
    return empty;
  }
};

NotificationFeed::NotificationFeed(const storage::EventLog& log, storage::LogWriter& writer, net::thread_pool& blocking,
                                   domain::StockLowThresholds thresholds)
    : log_(log), writer_(writer), blocking_(blocking), thresholds_(std::move(thresholds)) {}

NotificationFeed::~NotificationFeed() { stop(); }

Result<NotificationPage> NotificationFeed::page(const NotificationQuery& q) const {
  NotificationPage out;
  out.next_after = q.after;
  constexpr std::size_t kRead = 512;
  std::size_t scanned = 0;
  while (scanned < kMaxScan && out.items.size() < q.limit) {
    auto batch = log_.read_from(out.next_after + 1, std::min(kRead, kMaxScan - scanned));
    if (!batch) return batch.error();
    if (batch->empty()) break;
    for (const auto& stored : *batch) {
      ++scanned;
      out.next_after = stored.seq;
      auto n = domain::notification_of(stored.seq, stored.envelope, thresholds_);
      if (n && (q.types.empty() || q.types.contains(n->type))) {
        out.items.push_back(std::move(*n));
        if (out.items.size() == q.limit) break;
      }
    }
  }
  return out;
}

void NotificationFeed::poll(NotificationQuery q, std::function<void(Result<NotificationPage>)> done) {
  auto w = std::make_shared<Waiter>(blocking_, std::move(q), std::move(done));
  if (w->q.wait.count() > 0) {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      waiting_.insert(w);
      std::lock_guard timer_lock(w->mu);
      w->timer.expires_after(w->q.wait);
      // The wait is over: what the scans saw (nothing) is the answer.
      w->timer.async_wait([this, w](boost::system::error_code ec) {
        if (!ec) finish(w, w->nothing());
      });
    }
  }
  net::post(blocking_, [this, w] { scan_then_wait(w); });
}

void NotificationFeed::scan_then_wait(std::shared_ptr<Waiter> w) {
  if (w->answered) return;
  {
    std::lock_guard lock(w->mu);
    w->ticket.reset();  // the watcher that brought us here, if any, is spent
  }
  NotificationQuery q = w->q;
  q.after = std::max(q.after, w->scanned_to.load());
  auto found = page(q);
  if (!found || !found->items.empty()) return finish(w, std::move(found));
  bool waiting = false;
  {
    std::lock_guard lock(mu_);
    waiting = waiting_.contains(w);
  }
  if (!waiting) return finish(w, std::move(found));  // no wait asked for, or stopping
  w->scanned_to = found->next_after;
  if (found->next_after < writer_.last_seq()) {  // stopped at kMaxScan: scan on before waiting
    net::post(blocking_, [this, w] { scan_then_wait(w); });
    return;
  }
  bool refused = false;
  {
    // Held while registering, so the watcher's scan (which starts by taking it) sees this ticket.
    // The watcher itself only posts: it may run inside when_past without taking the lock.
    std::lock_guard lock(w->mu);
    if (w->answered) return;
    w->ticket = writer_.when_past(found->next_after, [this, w] { net::post(blocking_, [this, w] { scan_then_wait(w); }); });
    refused = !w->ticket;
  }
  if (refused) finish(w, Error{Errc::exhausted, "too many requests are waiting for new events; try again"});
}

void NotificationFeed::finish(const std::shared_ptr<Waiter>& w, Result<NotificationPage> page) {
  if (w->answered.exchange(true)) return;
  {
    std::lock_guard lock(w->mu);
    if (w->ticket) writer_.forget(*w->ticket);
    w->ticket.reset();
    w->timer.cancel();
  }
  {
    std::lock_guard lock(mu_);
    waiting_.erase(w);
  }
  w->done(std::move(page));
}

void NotificationFeed::stop() {
  std::set<std::shared_ptr<Waiter>> waiting;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    waiting.swap(waiting_);
  }
  for (const auto& w : waiting) finish(w, w->nothing());
}

}  // namespace bitacora::actors
