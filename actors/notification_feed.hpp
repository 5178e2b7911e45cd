// NotificationFeed: the notifications the log holds (domain/notifications.hpp), paged by
// sequence, for GET /api/events — and long polls: a page asked for with a wait is answered as soon
// as a notification it wants is durable, or with nothing when the wait ends.
//
// A page scans at most kMaxScan events past `after`, so a request costs the same however sparse
// its types are in the log; `next_after` says where the next page starts (the last event scanned,
// matched or not). Scans run on the blocking pool; a waiting poll holds no thread, only a timer
// and one of the log writer's watchers (bounded: past LogWriter::kMaxWatchers a poll that would
// wait is refused with Errc::exhausted).
//
// Thread-safety: poll() and stop() from any thread; `done` runs on the blocking pool, once.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "domain/notifications.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"

namespace bitacora::actors {

struct NotificationPage {
  std::vector<domain::Notification> items;  // oldest first
  events::Seq next_after = 0;               // pass as `after` for the next page
};

struct NotificationQuery {
  events::Seq after = 0;
  std::set<std::string, std::less<>> types;  // empty: every type
  std::size_t limit = 100;
  std::chrono::milliseconds wait{0};         // 0: answer at once
};

class NotificationFeed {
 public:
  static constexpr std::size_t kMaxScan = 10'000;

  NotificationFeed(const storage::EventLog& log, storage::LogWriter& writer, boost::asio::thread_pool& blocking,
                   domain::StockLowThresholds thresholds);
  ~NotificationFeed();
  NotificationFeed(const NotificationFeed&) = delete;
  NotificationFeed& operator=(const NotificationFeed&) = delete;

  // Blocking: one page (no wait).
  [[nodiscard]] Result<NotificationPage> page(const NotificationQuery& q) const;
  // The page, once it has items or q.wait has passed.
  void poll(NotificationQuery q, std::function<void(Result<NotificationPage>)> done);
  // Answers every waiting poll now, with what it has (nothing), and waits no more: for shutdown.
  void stop();

  [[nodiscard]] const domain::StockLowThresholds& thresholds() const noexcept { return thresholds_; }

  struct Waiter;

 private:
  void scan_then_wait(std::shared_ptr<Waiter> w);
  void finish(const std::shared_ptr<Waiter>& w, Result<NotificationPage> page);

  const storage::EventLog& log_;
  storage::LogWriter& writer_;
  boost::asio::thread_pool& blocking_;
  domain::StockLowThresholds thresholds_;
  std::mutex mu_;
  bool stopped_ = false;
  std::set<std::shared_ptr<Waiter>> waiting_;
};

}  // namespace bitacora::actors
