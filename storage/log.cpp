#include "storage/log.hpp"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <filesystem>
#include <thread>

#include "storage/keys.hpp"
#include "support/log.hpp"

namespace bitacora::storage {
namespace {

constexpr Family kFamilies[] = {Family::events,    Family::streams, Family::dedupe,
                                Family::timers,    Family::snapshots, Family::meta,
                                Family::quarantine, Family::webhooks, Family::orders, Family::checkouts,
                                Family::idempotency};

Error io_error(const rocksdb::Status& s, std::string_view what) {
  return Error{Errc::unavailable, std::string(what) + ": " + s.ToString()};
}

// RocksDB's log lines, to the "rocksdb" module logger. RocksDB's own file logger asserts (and so
// aborts the process, Debian builds it with assertions) on its second line after a failed write
// to its LOG file, which a full disk makes the very next line.
class ModuleLogger final : public rocksdb::Logger {
 public:
  explicit ModuleLogger(rocksdb::InfoLogLevel level) : rocksdb::Logger(level) {}
  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    auto& log = module_logger("rocksdb");
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) log.error("{}", line);
    else if (level == rocksdb::InfoLogLevel::WARN_LEVEL) log.warn("{}", line);
    else log.info("{}", line);
  }
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
};

Error reopening() { return Error{Errc::unavailable, "the log is being reopened after a write failure"}; }

rocksdb::ColumnFamilyOptions family_options(Family f) {
  rocksdb::ColumnFamilyOptions o;
  // Events are read back far more than written (actors waking, replay, export, audit), and LZ4
  // decompresses about twice as fast as the default Snappy at a like ratio. Files written before
  // stay Snappy and are read as they are.
  if (f == Family::events) o.compression = rocksdb::kLZ4Compression;
  if (f == Family::dedupe || f == Family::streams) {
    // Point lookups of keys that are usually absent (a new webhook's dedupe key, a new stream).
    rocksdb::BlockBasedTableOptions t;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  }
  return o;
}

// The WAL files in the directory now.
std::vector<std::filesystem::path> wal_files(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".log") out.push_back(entry.path());
  return out;
}

bool all_exist(const std::vector<std::filesystem::path>& files) {
  std::error_code ec;
  for (const auto& f : files)
    if (!std::filesystem::exists(f, ec)) return false;
  return true;
}

// A read-only open reads the MANIFEST, then the WAL files it names. If the server finishes a
// flush in between and deletes the WAL it flushed, the view has neither: rows vanish while later
// ones stay (audit would report gaps that are not there). WAL files are deleted oldest first, and
// the oldest one needed was in the directory before the open; so if every WAL file listed before
// the open is still there after it, the view missed nothing. Otherwise it is opened again.
constexpr int kReadOnlyOpenAttempts = 20;

}  // namespace

const char* family_name(Family f) noexcept {
  switch (f) {
    case Family::events: return "events";
    case Family::streams: return "streams";
    case Family::dedupe: return "dedupe";
    case Family::timers: return "timers";
    case Family::snapshots: return "snapshots";
    case Family::meta: return "meta";
    case Family::quarantine: return "quarantine";
    case Family::webhooks: return "webhooks";
    case Family::orders: return "orders";
    case Family::checkouts: return "checkouts";
    case Family::idempotency: return "idempotency";
  }
  return "?";
}

EventLog::EventLog(LogOptions options, OpenMode mode) : options_(std::move(options)), mode_(mode) {}

EventLog::~EventLog() = default;

EventLog::Handle::~Handle() {
  if (!db_) return;
  if (flush_on_close_) {
    // A clean stop leaves nothing in the WAL to replay, so the next start opens at once. (Writes
    // were synced as they went; after a failed one neither call is safe, see mark_write_failed.)
    db_->SyncWAL();
    std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(), handles_.end());
    db_->Flush(rocksdb::FlushOptions(), all);
  }
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
  delete db_;
}

rocksdb::ColumnFamilyHandle* EventLog::Handle::family(Family f) const noexcept {
  return handles_[static_cast<size_t>(f) + 1];  // [0] is RocksDB's default family
}

Result<std::shared_ptr<const EventLog::Handle>> EventLog::handle() const {
  auto h = handle_.load();
  if (!h) return reopening();
  return std::shared_ptr<const Handle>(std::move(h));
}

rocksdb::DB* EventLog::db() const noexcept {
  auto h = handle_.load();
  return h ? h->db() : nullptr;
}

rocksdb::ColumnFamilyHandle* EventLog::handle(Family f) const noexcept {
  auto h = handle_.load();
  return h ? h->family(f) : nullptr;
}

void EventLog::mark_write_failed() noexcept {
  if (auto h = handle_.load()) h->flush_on_close_ = false;
}

Status EventLog::reopen(std::chrono::milliseconds wait) {
  auto old = handle_.exchange(nullptr);  // from here on, reads fail fast instead of taking it
  if (old) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (old.use_count() > 1 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (old.use_count() > 1) {
      handle_.store(std::move(old));
      return Error{Errc::unavailable, "readers held the log open; not reopened"};
    }
    old->flush_on_close_ = false;
    old.reset();  // closes it
  }
  auto fresh = open_handle();
  if (!fresh) return fresh.error();
  handle_.store(std::move(*fresh));
  return ok_status();
}

Result<std::unique_ptr<EventLog>> EventLog::open(const LogOptions& options, OpenMode mode) {
  std::unique_ptr<EventLog> log(new EventLog(options, mode));
  std::error_code ec;
  if (mode == OpenMode::read_write) {
    std::filesystem::create_directories(options.dir, ec);
    if (ec) return Error{Errc::unavailable, "cannot create " + options.dir + ": " + ec.message()};
  } else if (!std::filesystem::exists(options.dir + "/CURRENT")) {
    return Error{Errc::not_found, options.dir + " holds no bitacora database"};
  }
  auto opened = log->open_handle();
  if (!opened) return opened.error();
  log->handle_.store(std::move(*opened));
  return log;
}

Result<std::shared_ptr<EventLog::Handle>> EventLog::open_handle() const {
  const LogOptions& options = options_;
  const OpenMode mode = mode_;
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.info_log = std::make_shared<ModuleLogger>(rocksdb::InfoLogLevel::WARN_LEVEL);
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.max_open_files = options.max_open_files;
  // Bounds what a start after a crash replays from the WAL: past this, the oldest memtables are
  // flushed. (RocksDB's default, 4× the memtables' size, made a restart over 1M events take 3 s.)
  db_options.max_total_wal_size = 64 << 20;
  // Each column family's table files are opened by this many threads, started and joined per
  // family. RocksDB's 16 made 144 threads on a 2-core machine, for nothing: a server on an empty
  // log started in 0.10 s (now 0.06 s), and audit took 0.06 s to open a 480k-event log (now 0.03 s).
  db_options.max_file_opening_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (Family f : kFamilies) descriptors.emplace_back(family_name(f), family_options(f));

  std::shared_ptr<Handle> h(new Handle());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (mode == OpenMode::read_write) {
    s = rocksdb::DB::Open(db_options, options.dir, descriptors, &h->handles_, &raw);
  } else {
    for (int attempt = 1;; ++attempt) {
      const auto wals = wal_files(options.dir);
      s = rocksdb::DB::OpenForReadOnly(db_options, options.dir, descriptors, &h->handles_, &raw);
      if (s.ok() && all_exist(wals)) break;  // a failure may be a table file compacted away meanwhile
      if (raw) {
        for (auto* c : h->handles_) raw->DestroyColumnFamilyHandle(c);
        delete raw;
        raw = nullptr;
      }
      h->handles_.clear();
      if (attempt == kReadOnlyOpenAttempts) {
        if (!s.ok()) break;
        return Error{Errc::unavailable, "the log in " + options.dir + " kept changing under " +
                                            std::to_string(attempt) + " attempts to open it; try again"};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2 * attempt, 20)));  // back off from a busy writer
    }
  }
  if (!s.ok()) return io_error(s, "cannot open the log in " + options.dir);
  h->db_ = raw;
  h->flush_on_close_ = mode == OpenMode::read_write;

  // Format version: written on first open, checked on every later one.
  std::string stored;
  s = raw->Get(rocksdb::ReadOptions(), h->family(Family::meta), "format_version", &stored);
  if (s.IsNotFound()) {
    if (mode == OpenMode::read_only) return Error{Errc::data_loss, "log has no format version"};
    rocksdb::WriteOptions w;
    w.sync = true;
    s = raw->Put(w, h->family(Family::meta), "format_version", std::to_string(kStorageFormat));
    if (!s.ok()) {
      h->flush_on_close_ = false;
      return io_error(s, "cannot write the format version");
    }
  } else if (!s.ok()) {
    return io_error(s, "read failed");
  } else if (stored != std::to_string(kStorageFormat)) {
    return Error{Errc::data_loss, "log format " + stored + " is not supported (this build reads " +
                                      std::to_string(kStorageFormat) + ")"};
  }
  return h;
}

namespace {

Result<std::optional<std::string>> get_in(const EventLog::Handle& h, Family family, const std::string& key) {
  std::string value;
  auto s = h.db()->Get(rocksdb::ReadOptions(), h.family(family), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return io_error(s, "read failed");
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<StoredEvent>> read_in(const EventLog::Handle& h, events::Seq seq) {
  auto raw = get_in(h, Family::events, keys::be64(seq));
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::optional<StoredEvent>();
  auto env = events::decode_envelope(**raw);
  if (!env) return Error{Errc::data_loss, "seq " + std::to_string(seq) + ": " + env.error().message};
  return std::optional<StoredEvent>(StoredEvent{seq, std::move(*env)});
}

}  // namespace

// Each read holds the open database for its own length (see reopen); an iterator is declared after
// the handle that holds it, so it goes first.
Result<std::optional<std::string>> EventLog::get(Family family, const std::string& key) const {
  auto h = handle_.load();
  if (!h) return reopening();
  return get_in(*h, family, key);
}

Result<events::Seq> EventLog::last_seq() const {
  auto h = handle_.load();
  if (!h) return reopening();
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(rocksdb::ReadOptions(), h->family(Family::events)));
  it->SeekToLast();
  if (!it->status().ok()) return io_error(it->status(), "read failed");
  if (!it->Valid()) return events::Seq{0};
  return keys::read_be64(it->key().ToStringView()).value_or(0);
}

Result<std::optional<StoredEvent>> EventLog::read(events::Seq seq) const {
  auto h = handle_.load();
  if (!h) return reopening();
  return read_in(*h, seq);
}

Result<std::vector<StoredEvent>> EventLog::read_from(events::Seq from, std::size_t limit) const {
  auto h = handle_.load();
  if (!h) return reopening();
  std::vector<StoredEvent> out;
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(rocksdb::ReadOptions(), h->family(Family::events)));
  for (it->Seek(keys::be64(from)); it->Valid() && out.size() < limit; it->Next()) {
    auto seq = keys::read_be64(it->key().ToStringView()).value_or(0);
    auto env = events::decode_envelope(it->value().ToStringView());
    if (!env) return Error{Errc::data_loss, "seq " + std::to_string(seq) + ": " + env.error().message};
    out.push_back(StoredEvent{seq, std::move(*env)});
  }
  if (!it->status().ok()) return io_error(it->status(), "read failed");
  return out;
}

Result<std::vector<StoredEvent>> EventLog::read_stream(const std::string& stream,
                                                       std::uint64_t from_version,
                                                       std::size_t limit) const {
  auto h = handle_.load();
  if (!h) return reopening();
  std::vector<StoredEvent> out;
  const std::string prefix = keys::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(rocksdb::ReadOptions(), h->family(Family::streams)));
  for (it->Seek(keys::stream_entry(stream, from_version)); it->Valid() && out.size() < limit; it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    auto seq = keys::read_be64(it->value().ToStringView());
    if (!seq) return Error{Errc::data_loss, "stream index of " + stream + " is corrupt"};
    auto ev = read_in(*h, *seq);
    if (!ev) return ev.error();
    if (!ev->has_value()) return Error{Errc::data_loss, "stream " + stream + " names missing seq " + std::to_string(*seq)};
    out.push_back(std::move(**ev));
  }
  if (!it->status().ok()) return io_error(it->status(), "read failed");
  return out;
}

Result<std::uint64_t> EventLog::stream_version(const std::string& stream) const {
  auto h = handle_.load();
  if (!h) return reopening();
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(rocksdb::ReadOptions(), h->family(Family::streams)));
  it->SeekForPrev(keys::stream_entry(stream, UINT64_MAX));
  if (!it->status().ok()) return io_error(it->status(), "read failed");
  const std::string prefix = keys::stream_prefix(stream);
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  return keys::read_be64(it->key().ToStringView().substr(prefix.size())).value_or(0);
}

Result<std::optional<events::Seq>> EventLog::find_dedupe(const std::string& key) const {
  auto raw = get(Family::dedupe, key);
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::optional<events::Seq>();
  return std::optional<events::Seq>(keys::read_be64(**raw).value_or(0));
}

Result<std::int64_t> EventLog::counter(const std::string& name) const {
  auto raw = get(Family::meta, "counter/" + name);
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::int64_t{0};
  return static_cast<std::int64_t>(keys::read_be64(**raw).value_or(0));
}

Result<std::optional<events::Seq>> EventLog::chain_start() const {
  auto raw = get(Family::meta, std::string(kChainStartKey));
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::optional<events::Seq>();
  auto seq = keys::read_be64(**raw);
  if (!seq) return Error{Errc::data_loss, "the chain start row is malformed"};
  return std::optional<events::Seq>(*seq);
}

EventLog::MemoryUsage EventLog::memory_usage() const {
  MemoryUsage m;
  auto h = handle_.load();
  if (!h) return m;
  std::uint64_t v = 0;
  if (h->db()->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &v)) m.memtable_bytes = v;
  if (h->db()->GetAggregatedIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &v)) m.block_cache_bytes = v;
  return m;
}

Status EventLog::checkpoint(const std::string& dir) const {
  auto h = handle();
  if (!h) return h.error();
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create((*h)->db(), &raw);
  if (!s.ok()) return io_error(s, "cannot start a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> cut(raw);
  // 0: flush every family first, so the checkpoint needs no WAL to be whole.
  s = cut->CreateCheckpoint(dir, 0);
  if (!s.ok()) return io_error(s, "cannot cut a checkpoint into " + dir);
  return ok_status();
}

Status EventLog::for_each_event(events::Seq from, const EventVisitor& visit) const {
  auto h = handle_.load();
  if (!h) return reopening();
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // a full pass would only push the live working set out
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(ro, h->family(Family::events)));
  for (it->Seek(keys::be64(from)); it->Valid(); it->Next()) {
    auto seq = keys::read_be64(it->key().ToStringView());
    if (!seq) return Error{Errc::data_loss, "an events key is not a sequence"};
    if (!visit(*seq, it->value().ToStringView())) break;
  }
  if (!it->status().ok()) return io_error(it->status(), "read failed");
  return ok_status();
}

Status EventLog::scan(Family family, const std::optional<std::string>& from, bool reverse,
                      const RowVisitor& visit) const {
  auto h = handle_.load();
  if (!h) return reopening();
  std::unique_ptr<rocksdb::Iterator> it(h->db()->NewIterator(rocksdb::ReadOptions(), h->family(family)));
  if (reverse) {
    from ? it->SeekForPrev(*from) : it->SeekToLast();
  } else {
    from ? it->Seek(*from) : it->SeekToFirst();
  }
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) break;
  }
  if (!it->status().ok()) return io_error(it->status(), "scan failed");
  return ok_status();
}

}  // namespace bitacora::storage
