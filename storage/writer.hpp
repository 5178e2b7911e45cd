// LogWriter: the one thread that writes the log. It owns sequence numbers and stream versions,
// and commits everything queued while the previous fsync ran as ONE WriteBatch with sync = true
// (group commit). Each caller is answered only after its batch is durable — or with
// Errc::unavailable if the write failed, never with success.
//
// After a failed write (a full disk, a file-size limit, an I/O error) the writer is unhealthy:
// batches are answered with Errc::unavailable at once, and about once a second it tries to
// recover — RocksDB's Resume(), and when that cannot clear the error (a failed WAL write), a probe
// that the data directory takes writes again, then reopening the log (EventLog::reopen). Recovered,
// it goes on from what is durable. Should reopening find a batch that was answered unavailable
// durable after all, the process's in-memory state (actors, timers) no longer matches the log:
// the writer stays unhealthy and calls on_fatal, so the server exits and starts afresh from the log.
//
// Thread-safety: append() and quarantine() may be called from any thread. Callbacks run on the
// writer thread: keep them short (post the result elsewhere). stop() drains what is queued.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "storage/append.hpp"
#include "storage/log.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

namespace bitacora::storage {

class LogWriter {
 public:
  // Reads the log's tail state (last seq, counters, quarantine bounds) and starts the thread.
  [[nodiscard]] static Result<std::unique_ptr<LogWriter>> start(EventLog& log, const Clock& clock,
                                                                metrics::Registry& metrics);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void append(AppendRequest request, AppendCallback done);
  // As append, for work that may be skipped (snapshots): refused — false, `done` not called —
  // when a quarter of the queue is already taken, so it never crowds out appends.
  [[nodiscard]] bool try_append(AppendRequest request, AppendCallback done);
  // Kept best-effort: dropped (and counted) when the writer is overloaded or stopped.
  void quarantine(QuarantineRequest request);
  // Finishes what is queued, then joins the thread. Later appends fail with unavailable. Any
  // thread, any number of times; every caller returns once the thread is gone, except one on the
  // writer's own thread (a callback), which only asks it to stop.
  void stop();

  // False after a failed write, until the writer has recovered (see above).
  [[nodiscard]] bool healthy() const noexcept { return healthy_.load(std::memory_order_relaxed); }
  // Called (on the writer's thread) when the log cannot be written on from this process any more.
  // Set it before the first append.
  void on_fatal(std::function<void(const std::string& why)> f) { on_fatal_ = std::move(f); }
  [[nodiscard]] events::Seq last_seq() const noexcept { return last_seq_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t counter(const std::string& name) const;
  [[nodiscard]] std::size_t quarantined() const noexcept { return quarantine_count_.load(); }

  // Calls `fn` once, when the log holds a sequence past `after`: on the writer's thread after the
  // batch that gets there is durable (keep it short), or at once on the caller's if it already
  // does. For readers that wait for new events (the notification feed's long polls). Returns a
  // ticket for forget(); nullopt when kMaxWatchers wait already (`fn` is then never called).
  [[nodiscard]] std::optional<std::uint64_t> when_past(events::Seq after, std::function<void()> fn);
  // `fn` of that ticket will not be called (false if it has been, or is being, already).
  bool forget(std::uint64_t ticket);

  static constexpr std::size_t kMaxQueued = 65536;
  static constexpr std::size_t kMaxWatchers = 1024;

 private:
  struct Pending {
    std::variant<AppendRequest, QuarantineRequest> request;
    AppendCallback done;
  };
  struct Metrics {
    metrics::Counter& events_appended;
    metrics::Counter& batches;
    metrics::Counter& write_errors;
    metrics::Counter& quarantine_dropped;
    metrics::Histogram& batch_requests;
    metrics::Histogram& fsync_seconds;
  };

  LogWriter(EventLog& log, const Clock& clock, metrics::Registry& metrics);
  [[nodiscard]] Status load_tail();
  void run();
  void commit(std::deque<Pending>& batch);
  void recover();
  void fail_all(std::deque<Pending>& batch, const std::string& why);

  EventLog& log_;
  const Clock& clock_;
  Metrics metrics_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::mutex join_mu_;  // stop() from two threads: one joins, the other waits for it
  std::thread thread_;

  // Owned by the writer thread once started.
  events::Seq next_seq_ = 1;
  std::unordered_map<std::string, std::uint64_t> versions_;  // recent stream heads
  std::uint64_t quarantine_first_ = 1, quarantine_next_ = 1;
  std::string chain_head_;            // SHA-256 of the last event's stored bytes (zeros: none yet)
  bool chain_start_recorded_ = true;  // false until `meta` names the first chained sequence

  mutable std::mutex counters_mu_;
  std::map<std::string, std::int64_t> counters_;

  std::atomic<bool> healthy_{true};
  bool fatal_ = false;                                // on_fatal was called: no more recovery
  std::string failure_;                               // the failed write's error, for answers and logs
  std::chrono::steady_clock::time_point last_recovery_{};
  std::function<void(const std::string&)> on_fatal_;

  void wake_watchers(events::Seq last);
  std::mutex watchers_mu_;
  std::uint64_t next_ticket_ = 1;
  std::multimap<events::Seq, std::pair<std::uint64_t, std::function<void()>>> watchers_;  // by `after`
  std::atomic<events::Seq> last_seq_{0};
  std::atomic<std::size_t> quarantine_count_{0};
};

}  // namespace bitacora::storage
