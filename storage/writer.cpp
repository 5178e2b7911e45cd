#include "support/log.hpp"
#include "storage/writer.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "storage/keys.hpp"
#include "support/crypto.hpp"

namespace bitacora::storage {

namespace {
spdlog::logger& log() { return module_logger("storage"); }
}  // namespace
namespace {

constexpr std::string_view kCounterPrefix = "counter/";

Family family_of(Index index) {
  switch (index) {
    case Index::webhooks: return Family::webhooks;
    case Index::orders: return Family::orders;
    case Index::checkouts: return Family::checkouts;
    case Index::idempotency: return Family::idempotency;
  }
  return Family::checkouts;
}
constexpr std::size_t kMaxCachedVersions = 200'000;

std::vector<double> batch_buckets() { return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}; }

}  // namespace

LogWriter::LogWriter(EventLog& log, const Clock& clock, metrics::Registry& m)
    : log_(log),
      clock_(clock),
      metrics_{
          m.counter("bitacora_events_appended_total", "Events made durable in the log"),
          m.counter("bitacora_fsync_batches_total", "Group-commit batches written with fsync"),
          m.counter("bitacora_log_write_errors_total", "Batches whose write or fsync failed"),
          m.counter("bitacora_quarantine_dropped_total", "Rejected webhooks not kept (writer overloaded)"),
          m.histogram("bitacora_fsync_batch_requests", "Appends committed per fsync'd batch", "", batch_buckets()),
          m.histogram("bitacora_fsync_seconds", "Time to write and fsync one batch", "", metrics::latency_buckets()),
      } {
  m.gauge("bitacora_log_memtable_bytes", "Log writes held in RocksDB memtables, not yet in table files",
          [&log] { return static_cast<double>(log.memory_usage().memtable_bytes); });
  m.gauge("bitacora_log_block_cache_bytes", "Table blocks RocksDB keeps cached for reads",
          [&log] { return static_cast<double>(log.memory_usage().block_cache_bytes); });
}

Result<std::unique_ptr<LogWriter>> LogWriter::start(EventLog& log, const Clock& clock,
                                                    metrics::Registry& metrics) {
  if (log.read_only()) return Error{Errc::invalid_argument, "the log is open read-only"};
  std::unique_ptr<LogWriter> w(new LogWriter(log, clock, metrics));
  if (auto s = w->load_tail(); !s) return s.error();
  w->thread_ = std::thread([raw = w.get()] { raw->run(); });
  return w;
}

LogWriter::~LogWriter() { stop(); }

Status LogWriter::load_tail() {
  auto last = log_.last_seq();
  if (!last) return last.error();
  next_seq_ = *last + 1;
  last_seq_ = *last;
  versions_.clear();

  // The hash chain goes on from the last stored event. A log written before the chain existed
  // gets its chain start recorded (the next sequence) with the first batch this writer commits.
  chain_head_.assign(events::kHashBytes, '\0');
  if (*last > 0) {
    auto raw = log_.get(Family::events, keys::be64(*last));
    if (!raw) return raw.error();
    if (raw->has_value()) chain_head_ = crypto::sha256_bytes(**raw);
  }
  auto start = log_.get(Family::meta, std::string(kChainStartKey));
  if (!start) return start.error();
  chain_start_recorded_ = start->has_value();

  std::map<std::string, std::int64_t> counters;
  auto s = log_.scan(Family::meta, std::string(kCounterPrefix), false, [&](std::string_view k, std::string_view v) {
    if (k.substr(0, kCounterPrefix.size()) != kCounterPrefix) return false;
    counters[std::string(k.substr(kCounterPrefix.size()))] = static_cast<std::int64_t>(keys::read_be64(v).value_or(0));
    return true;
  });
  if (!s) return s;
  {
    std::lock_guard lock(counters_mu_);
    counters_ = std::move(counters);
  }

  std::optional<std::uint64_t> first, last_q;
  s = log_.scan(Family::quarantine, std::nullopt, false, [&](std::string_view k, std::string_view) {
    first = keys::read_be64(k);
    return false;
  });
  if (!s) return s;
  s = log_.scan(Family::quarantine, std::nullopt, true, [&](std::string_view k, std::string_view) {
    last_q = keys::read_be64(k);
    return false;
  });
  if (!s) return s;
  if (first && last_q) {
    quarantine_first_ = *first;
    quarantine_next_ = *last_q + 1;
  }
  quarantine_count_ = quarantine_next_ - quarantine_first_;
  return ok_status();
}

void LogWriter::append(AppendRequest request, AppendCallback done) {
  // Why it is refused is decided under the lock: stop() writes stopping_ under it from another
  // thread, so reading it once the lock is released would be a data race.
  const char* refused = nullptr;
  {
    std::unique_lock lock(mu_);
    if (stopping_) {
      refused = "the log is shutting down";
    } else if (queue_.size() >= kMaxQueued) {
      refused = "the log writer is overloaded";
    } else {
      queue_.push_back(Pending{std::move(request), std::move(done)});
      lock.unlock();
      cv_.notify_one();
      return;
    }
  }
  done(Error{Errc::unavailable, refused});
}

bool LogWriter::try_append(AppendRequest request, AppendCallback done) {
  {
    std::unique_lock lock(mu_);
    if (stopping_ || queue_.size() >= kMaxQueued / 4) return false;
    queue_.push_back(Pending{std::move(request), std::move(done)});
  }
  cv_.notify_one();
  return true;
}

void LogWriter::quarantine(QuarantineRequest request) {
  {
    std::unique_lock lock(mu_);
    if (!stopping_ && queue_.size() < kMaxQueued / 2) {
      queue_.push_back(Pending{std::move(request), nullptr});
      lock.unlock();
      cv_.notify_one();
      return;
    }
  }
  metrics_.quarantine_dropped.inc();
}

void LogWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  std::lock_guard join(join_mu_);
  if (!thread_.joinable() || thread_.get_id() == std::this_thread::get_id()) return;
  thread_.join();
}

std::int64_t LogWriter::counter(const std::string& name) const {
  std::lock_guard lock(counters_mu_);
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second;
}

void LogWriter::run() {
  const std::size_t max_batch = log_.options().max_batch_requests;
  std::deque<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      // Unhealthy, it wakes at least once a second to try to recover, traffic or not.
      if (healthy()) cv_.wait(lock, ready);
      else cv_.wait_for(lock, std::chrono::seconds(1), ready);
      if (queue_.empty() && stopping_) return;  // everything queued has been written
      if (queue_.size() <= max_batch) {
        batch.swap(queue_);
      } else {
        for (std::size_t i = 0; i < max_batch; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (!healthy()) recover();
    if (batch.empty()) continue;
    if (healthy()) commit(batch);
    else fail_all(batch, failure_);
    batch.clear();
  }
}

void LogWriter::fail_all(std::deque<Pending>& batch, const std::string& why) {
  for (auto& pending : batch)
    if (pending.done) pending.done(Error{Errc::unavailable, "the log could not be written: " + why});
}

void LogWriter::recover() {
  if (fatal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_recovery_ < std::chrono::seconds(1)) return;
  last_recovery_ = now;

  // What RocksDB can resume from itself (a flush that failed for lack of space, …).
  if (auto h = log_.handle(); h && (*h)->db()->Resume().ok()) {
    log().warn("log writes resume (RocksDB recovered from: {})", failure_);
    healthy_ = true;
    return;
  }
  // A failed WAL write stays failed until the database is opened again. First, does the data
  // directory take a write at all? If not, there is nothing to gain from reopening yet.
  const std::string probe = log_.options().dir + "/.write-probe";
  {
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    const std::string block(4096, '\0');
    const bool written = f && std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0 &&
                         ::fsync(::fileno(f)) == 0;
    if (f) std::fclose(f);
    std::remove(probe.c_str());
    if (!written) return;
  }
  log().warn("the data directory takes writes again; reopening the log");
  if (auto s = log_.reopen(); !s) {
    log().error("reopening the log failed, will retry: {}", s.error().message);
    return;
  }
  const events::Seq before = last_seq_.load();
  auto after = log_.last_seq();
  if (!after) {
    log().error("the reopened log cannot be read, will retry: {}", after.error().message);
    return;
  }
  if (*after != before) {
    // A batch answered unavailable was durable after all: actors and timers never applied it.
    fatal_ = true;
    const std::string why = "the reopened log ends at seq " + std::to_string(*after) + ", not " + std::to_string(before) +
                            ": a batch that failed was stored after all; restart to rebuild state from the log";
    log().critical("{}", why);
    if (on_fatal_) on_fatal_(why);
    return;
  }
  if (auto s = load_tail(); !s) {
    log().error("the reopened log cannot be read, will retry: {}", s.error().message);
    return;
  }
  log().warn("log writes resume after reopening the log at seq {}", before);
  healthy_ = true;
}

void LogWriter::commit(std::deque<Pending>& batch) {
  auto held = log_.handle();  // one database for the whole batch, even across a reopen
  if (!held) return fail_all(batch, held.error().message);
  const EventLog::Handle& db = **held;
  rocksdb::WriteBatch wb;
  const Micros now = clock_.now_us();
  events::Seq seq = next_seq_;
  std::unordered_map<std::string, std::uint64_t> batch_versions;
  std::unordered_map<std::string, events::Seq> batch_dedupe;
  std::map<std::string, std::int64_t> batch_counters;
  std::uint64_t q_first = quarantine_first_, q_next = quarantine_next_;
  std::string chain = chain_head_;
  const std::uint64_t q_max = log_.options().quarantine_max_events;

  // For each request: its answer, and whether that answer holds only if the batch is written.
  std::vector<Result<AppendOutcome>> answers;
  std::vector<bool> needs_write;
  answers.reserve(batch.size());
  needs_write.reserve(batch.size());

  auto version_of = [&](const std::string& stream) -> Result<std::uint64_t> {
    if (auto it = batch_versions.find(stream); it != batch_versions.end()) return it->second;
    if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
    return log_.stream_version(stream);
  };

  for (auto& pending : batch) {
    if (auto* q = std::get_if<QuarantineRequest>(&pending.request)) {
      wb.Put(db.family(Family::quarantine), keys::be64(q_next++), q->record);
      for (; q_next - q_first > q_max; ++q_first) wb.Delete(db.family(Family::quarantine), keys::be64(q_first));
      answers.emplace_back(AppendOutcome{});
      needs_write.push_back(true);
      continue;
    }
    auto& req = std::get<AppendRequest>(pending.request);
    if (req.dedupe_key) {
      if (auto it = batch_dedupe.find(*req.dedupe_key); it != batch_dedupe.end()) {
        answers.emplace_back(AppendOutcome{true, it->second, it->second, 0, {}});
        needs_write.push_back(true);
        continue;
      }
      auto found = log_.find_dedupe(*req.dedupe_key);
      if (!found || found->has_value()) {
        if (found) answers.emplace_back(AppendOutcome{true, **found, **found, 0, {}});
        else answers.emplace_back(found.error());
        needs_write.push_back(false);
        continue;
      }
    }
    // Every lookup happens before anything of this request goes into the batch.
    std::optional<Error> failed;
    for (std::size_t i = 0; i < req.events.size() && !failed; ++i) {
      const auto& stream = req.events[i].stream;
      if (batch_versions.count(stream)) continue;
      if (i == 0 && req.dedupe_key && req.stream_named_by_dedupe_key) {
        batch_versions[stream] = 0;  // the key was new, so the stream is
        continue;
      }
      auto v = version_of(stream);
      if (!v) failed = v.error();
      else batch_versions[stream] = *v;
    }
    if (!failed && req.expected_version && !req.events.empty() &&
        batch_versions[req.events.front().stream] != *req.expected_version)
      failed = Error{Errc::conflict, req.events.front().stream + " is at version " +
                                         std::to_string(batch_versions[req.events.front().stream]) +
                                         ", expected " + std::to_string(*req.expected_version)};
    for (const auto& [stream, expected] : req.expected_versions) {
      if (failed) break;
      if (!batch_versions.count(stream)) {
        auto v = version_of(stream);
        if (!v) {
          failed = v.error();
          break;
        }
        batch_versions[stream] = *v;
      }
      if (batch_versions[stream] != expected)
        failed = Error{Errc::conflict, stream + " is at version " + std::to_string(batch_versions[stream]) + ", expected " +
                                           std::to_string(expected)};
    }
    for (const auto& [name, max] : req.counter_limits) {
      if (failed) break;
      auto it = batch_counters.find(name);
      std::int64_t value = it == batch_counters.end() ? counter(name) : it->second;
      for (const auto& [n, delta] : req.counter_deltas)
        if (n == name) value += delta;
      if (value > max) failed = Error{Errc::exhausted, name + " would reach " + std::to_string(value) + ", over its limit of " + std::to_string(max)};
    }
    if (failed) {
      answers.emplace_back(std::move(*failed));
      needs_write.push_back(false);
      continue;
    }

    AppendOutcome out;
    out.first_seq = seq;
    for (const auto& ev : req.events) {
      std::uint64_t v = ++batch_versions[ev.stream];
      events::Envelope env{ev.stream, v, ev.type, now, ev.data, chain};
      auto bytes = events::encode(env);
      chain = crypto::sha256_bytes(bytes);
      wb.Put(db.family(Family::events), keys::be64(seq), bytes);
      wb.Put(db.family(Family::streams), keys::stream_entry(ev.stream, v), keys::be64(seq));
      if (ev.stream == req.events.front().stream) out.last_version = v;
      auto head = std::find_if(out.stream_heads.begin(), out.stream_heads.end(),
                               [&](const auto& h) { return h.first == ev.stream; });
      if (head == out.stream_heads.end()) out.stream_heads.emplace_back(ev.stream, v);
      else head->second = v;
      ++seq;
    }
    for (const auto& [stream, bytes] : req.snapshot_puts) wb.Put(db.family(Family::snapshots), stream, bytes);
    out.last_seq = seq - 1;
    if (req.dedupe_key) {
      wb.Put(db.family(Family::dedupe), *req.dedupe_key, keys::be64(out.first_seq));
      batch_dedupe[*req.dedupe_key] = out.first_seq;
    }
    for (const auto& [key, value] : req.timer_puts) wb.Put(db.family(Family::timers), key, value);
    for (const auto& key : req.timer_deletes) wb.Delete(db.family(Family::timers), key);
    for (const auto& put : req.index_puts)
      wb.Put(db.family(family_of(put.index)), put.key ? *put.key : keys::be64(out.first_seq), put.value);
    for (const auto& [index, key] : req.index_deletes) wb.Delete(db.family(family_of(index)), key);
    for (const auto& [name, delta] : req.counter_deltas) {
      auto it = batch_counters.find(name);
      if (it == batch_counters.end()) it = batch_counters.emplace(name, counter(name)).first;
      it->second += delta;
    }
    answers.emplace_back(out);
    needs_write.push_back(true);
  }

  bool written = true;
  std::string write_error;
  if (wb.Count() > 0) {
    if (seq != next_seq_) {
      wb.Put(db.family(Family::meta), "last_seq", keys::be64(seq - 1));
      wb.Put(db.family(Family::meta), std::string(kChainHeadKey), chain);
      if (!chain_start_recorded_) wb.Put(db.family(Family::meta), std::string(kChainStartKey), keys::be64(next_seq_));
    }
    for (const auto& [name, value] : batch_counters)
      wb.Put(db.family(Family::meta), std::string(kCounterPrefix) + name, keys::be64(static_cast<std::uint64_t>(value)));
    rocksdb::WriteOptions opts;
    opts.sync = log_.options().sync;
    auto started = std::chrono::steady_clock::now();
    auto s = db.db()->Write(opts, &wb);
    metrics_.fsync_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    written = s.ok();
    if (!written) {
      write_error = s.ToString();
      metrics_.write_errors.inc();
      log_.mark_write_failed();
      log().error("log write failed, answering 503 until it recovers: {}", write_error);
      failure_ = write_error;
      healthy_ = false;
    } else {
      metrics_.batches.inc();
      metrics_.batch_requests.observe(static_cast<double>(batch.size()));
      metrics_.events_appended.inc(seq - next_seq_);
      if (seq != next_seq_) chain_start_recorded_ = true;
      next_seq_ = seq;
      last_seq_ = seq - 1;
      chain_head_ = std::move(chain);
      if (versions_.size() > kMaxCachedVersions) versions_.clear();
      for (auto& [stream, v] : batch_versions) versions_[stream] = v;
      {
        std::lock_guard lock(counters_mu_);
        for (auto& [name, v] : batch_counters) counters_[name] = v;
      }
      quarantine_first_ = q_first;
      quarantine_next_ = q_next;
      quarantine_count_ = q_next - q_first;
    }
  }

  if (written) wake_watchers(next_seq_ - 1);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    if (!written && needs_write[i]) {
      batch[i].done(Error{Errc::unavailable, "the log could not be written: " + write_error});
    } else {
      batch[i].done(std::move(answers[i]));
    }
  }
}

std::optional<std::uint64_t> LogWriter::when_past(events::Seq after, std::function<void()> fn) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(watchers_mu_);
    if (last_seq() <= after) {
      if (watchers_.size() >= kMaxWatchers) return std::nullopt;
      ticket = next_ticket_++;
      watchers_.emplace(after, std::pair{ticket, std::move(fn)});
      return ticket;
    }
    ticket = next_ticket_++;
  }
  fn();  // already past: last_seq is only published after its batch is durable
  return ticket;
}

bool LogWriter::forget(std::uint64_t ticket) {
  std::lock_guard lock(watchers_mu_);
  for (auto it = watchers_.begin(); it != watchers_.end(); ++it) {
    if (it->second.first == ticket) {
      watchers_.erase(it);
      return true;
    }
  }
  return false;
}

void LogWriter::wake_watchers(events::Seq last) {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(watchers_mu_);
    const auto end = watchers_.lower_bound(last);  // those waiting past a sequence before `last`
    for (auto it = watchers_.begin(); it != end; ++it) due.push_back(std::move(it->second.second));
    watchers_.erase(watchers_.begin(), end);
  }
  for (auto& fn : due) fn();
}

}  // namespace bitacora::storage
