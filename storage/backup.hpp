// Online backup and restore of a bitacora log (docs/design.md "Backup and restore").
//
// A backup is made from a database no one else writes: a checkpoint the running server cut for
// it (EventLog::checkpoint: hard links to its immutable table files, taken at one consistent
// point), or the data directory of a stopped server. RocksDB's BackupEngine copies it into the
// backup directory: table files are shared between backups by checksum and size, so a backup
// after more writes copies only what is new, and every file is checksummed on copy and again on
// restore. Each backup records, as its metadata, the last sequence and the hash-chain head it
// covers; a restore reads them back from the restored log and fails if they differ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/envelope.hpp"
#include "support/result.hpp"

namespace bitacora::storage {

struct BackupInfo {
  std::uint32_t id = 0;
  std::int64_t created_at = 0;  // Unix seconds
  std::uint64_t bytes = 0;      // the backup's files, shared ones included
  std::uint32_t files = 0;
  events::Seq last_seq = 0;     // the newest event it holds (0: an empty log)
  std::string chain_head;       // SHA-256 (hex) of that event's stored bytes; empty for an empty log
};

// How the database to back up is opened: a checkpoint cut for this backup is private (opened for
// writing, flushed first); a stopped server's data dir is opened read-only, so nothing is written
// into it (a backup run as root must not leave root's files where the service's user works).
enum class Source { checkpoint, stopped_data_dir };

// Backs up the log in `db_dir` into `backup_dir` (created if missing). Errc::not_found when
// db_dir holds no bitacora database.
[[nodiscard]] Result<BackupInfo> create_backup(const std::string& db_dir, Source source, const std::string& backup_dir);

// Whether a process holds the database's lock (RocksDB's LOCK file, fcntl): a server runs on it.
// Asks without taking it.
[[nodiscard]] Result<bool> in_use(const std::string& db_dir);

// The backups in `backup_dir`, oldest first. Errc::not_found when it holds none.
[[nodiscard]] Result<std::vector<BackupInfo>> list_backups(const std::string& backup_dir);

// Restores backup `id` (the newest when absent) into `to`, which must not exist or be empty,
// then opens the restored log and checks it ends at the sequence and chain head recorded.
[[nodiscard]] Result<BackupInfo> restore_backup(const std::string& backup_dir, std::optional<std::uint32_t> id,
                                                const std::string& to);

}  // namespace bitacora::storage
