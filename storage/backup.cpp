#include "storage/backup.hpp"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <memory>

#include "storage/log.hpp"
#include "support/crypto.hpp"

namespace bitacora::storage {
namespace {

constexpr std::string_view kMetadataPrefix = "bitacora-backup 1 ";

Error backup_error(const rocksdb::Status& s, std::string_view what) {
  return Error{Errc::unavailable, std::string(what) + ": " + s.ToString()};
}

// "bitacora-backup 1 last_seq=<n> chain_head=<hex or ->": what a backup covers, kept by
// BackupEngine beside its files.
std::string metadata(events::Seq last_seq, const std::string& chain_head) {
  return std::string(kMetadataPrefix) + "last_seq=" + std::to_string(last_seq) +
         " chain_head=" + (chain_head.empty() ? "-" : chain_head);
}

bool read_metadata(std::string_view text, BackupInfo& info) {
  if (!text.starts_with(kMetadataPrefix)) return false;
  text.remove_prefix(kMetadataPrefix.size());
  constexpr std::string_view seq_key = "last_seq=", head_key = " chain_head=";
  if (!text.starts_with(seq_key)) return false;
  text.remove_prefix(seq_key.size());
  const auto head_at = text.find(head_key);
  if (head_at == std::string_view::npos) return false;
  const auto seq_text = text.substr(0, head_at);
  const auto [end, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), info.last_seq);
  if (ec != std::errc{} || end != seq_text.data() + seq_text.size()) return false;
  const auto head = text.substr(head_at + head_key.size());
  info.chain_head = head == "-" ? std::string() : std::string(head);
  return true;
}

BackupInfo from_engine(const rocksdb::BackupInfo& r) {
  BackupInfo info;
  info.id = r.backup_id;
  info.created_at = r.timestamp;
  info.bytes = r.size;
  info.files = r.number_files;
  read_metadata(r.app_metadata, info);
  return info;
}

// The newest sequence and the chain head stored beside it, read from an open log.
Result<BackupInfo> covered(const EventLog& log) {
  BackupInfo info;
  auto last = log.last_seq();
  if (!last) return last.error();
  info.last_seq = *last;
  auto head = log.get(Family::meta, std::string(kChainHeadKey));
  if (!head) return head.error();
  if (*head) info.chain_head = crypto::hex(**head);
  return info;
}

template <class Engine>
Result<std::unique_ptr<Engine>> open_engine(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  options.max_background_operations = 2;
  Engine* raw = nullptr;
  auto s = Engine::Open(rocksdb::Env::Default(), options, &raw);
  if (!s.ok()) return backup_error(s, "cannot open the backups in " + backup_dir);
  return std::unique_ptr<Engine>(raw);
}

}  // namespace

Result<bool> in_use(const std::string& db_dir) {
  const std::string lock = db_dir + "/LOCK";
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    return Error{Errc::unavailable, "cannot open " + lock + ": " + std::strerror(errno)};
  }
  struct flock probe {};
  probe.l_type = F_WRLCK;  // RocksDB holds a write lock on the whole file
  probe.l_whence = SEEK_SET;
  const int got = ::fcntl(fd, F_GETLK, &probe);
  const int error = errno;
  ::close(fd);
  if (got != 0) return Error{Errc::unavailable, "cannot ask about the lock on " + lock + ": " + std::strerror(error)};
  return probe.l_type != F_UNLCK;
}

Result<BackupInfo> create_backup(const std::string& db_dir, Source source, const std::string& backup_dir) {
  LogOptions options;
  options.dir = db_dir;
  if (!std::filesystem::exists(db_dir + "/CURRENT")) return Error{Errc::not_found, db_dir + " holds no bitacora database"};
  const bool private_copy = source == Source::checkpoint;
  auto log = EventLog::open(options, private_copy ? OpenMode::read_write : OpenMode::read_only);
  if (!log) return log.error();
  auto info = covered(**log);
  if (!info) return info.error();

  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  if (ec) return Error{Errc::unavailable, "cannot create " + backup_dir + ": " + ec.message()};
  auto engine = open_engine<rocksdb::BackupEngine>(backup_dir);
  if (!engine) return engine.error();
  auto h = (*log)->handle();
  if (!h) return h.error();
  rocksdb::CreateBackupOptions create;
  // A read-only database cannot flush: its WAL files are copied, and replayed on restore.
  create.flush_before_backup = private_copy;
  rocksdb::BackupID id = 0;
  auto s = (*engine)->CreateNewBackupWithMetadata(create, (*h)->db(), metadata(info->last_seq, info->chain_head), &id);
  if (!s.ok()) return backup_error(s, "cannot back up into " + backup_dir);
  rocksdb::BackupInfo made;
  auto got = (*engine)->GetBackupInfo(id, &made);
  if (!got.ok()) return backup_error(got, "cannot read back backup " + std::to_string(id));
  auto result = from_engine(made);
  result.last_seq = info->last_seq;
  result.chain_head = info->chain_head;
  return result;
}

Result<std::vector<BackupInfo>> list_backups(const std::string& backup_dir) {
  if (!std::filesystem::is_directory(backup_dir + "/meta")) return Error{Errc::not_found, backup_dir + " holds no backups"};
  auto engine = open_engine<rocksdb::BackupEngineReadOnly>(backup_dir);
  if (!engine) return engine.error();
  std::vector<rocksdb::BackupInfo> raw;
  (*engine)->GetBackupInfo(&raw);
  if (raw.empty()) return Error{Errc::not_found, backup_dir + " holds no backups"};
  std::vector<BackupInfo> out;
  out.reserve(raw.size());
  for (const auto& r : raw) out.push_back(from_engine(r));
  return out;
}

Result<BackupInfo> restore_backup(const std::string& backup_dir, std::optional<std::uint32_t> id, const std::string& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec) && !std::filesystem::is_empty(to, ec))
    return Error{Errc::conflict, to + " exists and is not empty; restore into a new directory"};
  auto backups = list_backups(backup_dir);
  if (!backups) return backups.error();
  const BackupInfo* chosen = &backups->back();
  if (id) {
    chosen = nullptr;
    for (const auto& b : *backups)
      if (b.id == *id) chosen = &b;
    if (!chosen) return Error{Errc::not_found, "no backup " + std::to_string(*id) + " in " + backup_dir};
  }
  auto engine = open_engine<rocksdb::BackupEngineReadOnly>(backup_dir);
  if (!engine) return engine.error();
  const bool existed = std::filesystem::exists(to, ec);
  std::filesystem::create_directories(to, ec);
  if (ec) return Error{Errc::unavailable, "cannot create " + to + ": " + ec.message()};
  // A failed restore takes back what it wrote, so the directory can be restored into again.
  const auto undo = [&](Error e) -> Error {
    // The engine first: its copying threads may still be writing when a restore fails, and
    // closing it waits for them.
    engine->reset();
    std::error_code ignored;
    if (!existed) {
      std::filesystem::remove_all(to, ignored);
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(to, ignored)) std::filesystem::remove_all(entry.path(), ignored);
    }
    e.message += "; nothing is left in " + to;
    return e;
  };
  // Checksums are verified as each file is copied back.
  auto s = (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->id, to, to);
  if (!s.ok()) return undo(backup_error(s, "cannot restore backup " + std::to_string(chosen->id) + " into " + to));

  Result<BackupInfo> restored = Error{Errc::internal, "not read"};
  {
    LogOptions options;
    options.dir = to;
    auto log = EventLog::open(options, OpenMode::read_only);
    if (!log) return undo(log.error());
    restored = covered(**log);
  }  // closed before an undo deletes its files
  if (!restored) return undo(restored.error());
  if (restored->last_seq != chosen->last_seq || restored->chain_head != chosen->chain_head)
    return undo(Error{Errc::data_loss, "the restored log ends at seq " + std::to_string(restored->last_seq) + " (chain head " +
                                           restored->chain_head + "), but backup " + std::to_string(chosen->id) +
                                           " recorded seq " + std::to_string(chosen->last_seq) + " (chain head " +
                                           chosen->chain_head + ")"});
  return *chosen;
}

}  // namespace bitacora::storage
