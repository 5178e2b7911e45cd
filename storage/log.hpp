// EventLog: the RocksDB database behind bitacora — column families, opening, and every read.
// Writes go only through LogWriter (storage/writer.hpp), which owns sequence assignment.
//
// Thread-safety: all const reads may be called from any thread concurrently. Reads block their
// thread (docs/design.md "Where RocksDB is read"): bounded ones — point reads, one stream's tail
// after its snapshot — may run inline on a CAF worker; scans and listings go to a blocking pool,
// never an I/O thread, a CAF worker or the log writer.
// Opened read-only (`OpenMode::read_only`) it can sit beside a running server: the view is the
// log as durable at one moment, all column families alike, even while the server flushes.
//
// Reopening: once a write has failed in a way RocksDB cannot resume from (a failed WAL write stays
// failed in RocksDB 7.8 until the database is opened again), the writer calls reopen(). Readers
// hold the open database only for the length of one call, so reopen() waits for them to finish,
// closes it without touching the failed WAL again, and opens it anew: RocksDB replays what is
// durable and nothing else. A read that arrives meanwhile fails with Errc::unavailable.
// RocksDB's own log lines go to the "rocksdb" module logger, never to a LOG file in the data
// directory: a file that cannot be written (a full disk) must not take the process down with it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/envelope.hpp"
#include "storage/append.hpp"
#include "storage/log_options.hpp"
#include "support/result.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace bitacora::storage {

inline constexpr std::uint32_t kStorageFormat = 1;  // `meta` "format_version"
// `meta` rows of the hash chain: the first sequence whose envelope carries the previous event's
// hash (1 for a log born with the chain; later for a log written before it), and the hash of the
// last event's stored bytes, so that a change to the newest event is caught too.
inline constexpr std::string_view kChainStartKey = "chain_start";
inline constexpr std::string_view kChainHeadKey = "chain_head";

struct StoredEvent {
  events::Seq seq = 0;
  events::Envelope envelope;
};

enum class OpenMode { read_write, read_only };

enum class Family : std::uint8_t { events, streams, dedupe, timers, snapshots, meta, quarantine, webhooks, orders, checkouts, idempotency };

class EventLog {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EventLog>> open(const LogOptions& options,
                                                              OpenMode mode = OpenMode::read_write);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  [[nodiscard]] const LogOptions& options() const noexcept { return options_; }
  [[nodiscard]] bool read_only() const noexcept { return mode_ == OpenMode::read_only; }

  // The highest sequence stored when this call reads (0 for an empty log).
  [[nodiscard]] Result<events::Seq> last_seq() const;
  [[nodiscard]] Result<std::optional<StoredEvent>> read(events::Seq seq) const;
  // Events with seq >= from, oldest first, at most `limit`.
  [[nodiscard]] Result<std::vector<StoredEvent>> read_from(events::Seq from, std::size_t limit) const;
  // A stream's events with version >= from_version, oldest first, at most `limit`.
  [[nodiscard]] Result<std::vector<StoredEvent>> read_stream(const std::string& stream,
                                                             std::uint64_t from_version,
                                                             std::size_t limit) const;
  // The stream's current version (0 when it has no events).
  [[nodiscard]] Result<std::uint64_t> stream_version(const std::string& stream) const;
  // The first sequence of the append that stored this dedupe key, if any.
  [[nodiscard]] Result<std::optional<events::Seq>> find_dedupe(const std::string& key) const;
  [[nodiscard]] Result<std::int64_t> counter(const std::string& name) const;
  // The first chained sequence (kChainStartKey), if the log records one.
  [[nodiscard]] Result<std::optional<events::Seq>> chain_start() const;

  // Memory RocksDB holds for this log: memtables (writes not yet flushed to table files, up to
  // 64 MB per family) and cached table blocks. For /metrics, and to tell it apart from actors'.
  struct MemoryUsage {
    std::uint64_t memtable_bytes = 0;
    std::uint64_t block_cache_bytes = 0;
  };
  [[nodiscard]] MemoryUsage memory_usage() const;

  // Every stored event with seq >= from, oldest first, undecoded: `visit(seq, stored bytes)`
  // returns false to stop. For audit and export, which read the whole log.
  using EventVisitor = std::function<bool(events::Seq seq, std::string_view bytes)>;
  [[nodiscard]] Status for_each_event(events::Seq from, const EventVisitor& visit) const;

  // Raw rows of a family in key order, newest (highest key) first when `reverse`; starting at
  // `from` (inclusive) if given. `visit` returns false to stop, and must not call this log (the
  // database is held open while it runs). For index and quarantine listings.
  using RowVisitor = std::function<bool(std::string_view key, std::string_view value)>;
  [[nodiscard]] Status scan(Family family, const std::optional<std::string>& from, bool reverse,
                            const RowVisitor& visit) const;
  [[nodiscard]] Result<std::optional<std::string>> get(Family family, const std::string& key) const;

  // The open database and its column family handles, held for one piece of work (a read, a
  // write batch). Holding one keeps reopen() waiting: never keep it across a wait of your own.
  class Handle {
   public:
    [[nodiscard]] rocksdb::DB* db() const noexcept { return db_; }
    [[nodiscard]] rocksdb::ColumnFamilyHandle* family(Family f) const noexcept;
    ~Handle();
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

   private:
    friend class EventLog;
    Handle() = default;
    rocksdb::DB* db_ = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;
    std::atomic<bool> flush_on_close_{false};  // a clean close flushes; after a failed write it must not
  };
  // The open database, or Errc::unavailable while it is being reopened.
  [[nodiscard]] Result<std::shared_ptr<const Handle>> handle() const;

  // For LogWriter only. A write failed: close without syncing or flushing the WAL (RocksDB
  // asserts if a failed WAL is written again). Then, to recover, reopen(): waits up to `wait`
  // for readers to let go of the database, closes it, and opens it again. Errc::unavailable when
  // readers held on, or when opening failed (then every read fails until a reopen succeeds).
  void mark_write_failed() noexcept;
  [[nodiscard]] Status reopen(std::chrono::milliseconds wait = std::chrono::seconds(10));

  // Cuts a checkpoint of the log into `dir` (which must not exist; same file system): every
  // family flushed, then hard links to the table files, at one consistent point. Blocks for the
  // flush; for the blocking pool. What `bitacora backup` copies from a live server (backup.hpp).
  [[nodiscard]] Status checkpoint(const std::string& dir) const;

  // For tests and tools on a log no one else writes: the database as it is now.
  [[nodiscard]] rocksdb::DB* db() const noexcept;
  [[nodiscard]] rocksdb::ColumnFamilyHandle* handle(Family f) const noexcept;

 private:
  EventLog(LogOptions options, OpenMode mode);
  [[nodiscard]] Result<std::shared_ptr<Handle>> open_handle() const;
  LogOptions options_;
  OpenMode mode_;
  std::atomic<std::shared_ptr<Handle>> handle_;
};

[[nodiscard]] const char* family_name(Family f) noexcept;

}  // namespace bitacora::storage
