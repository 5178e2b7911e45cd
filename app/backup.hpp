// `bitacora backup` and `bitacora restore` (docs/design.md "Backup and restore").
//
// backup --data-dir D --to DIR: when a server runs on D, it is asked through D/control.sock for a
// checkpoint (control_socket.hpp), which is copied into DIR and then deleted; the server goes on
// serving throughout. When none runs (no process holds D's lock), D itself is copied, opened
// read-only so that nothing is written into it. Either way the copy is RocksDB's BackupEngine's: incremental and checksummed
// (storage/backup.hpp). backup --list --to DIR lists what DIR holds.
// restore --from DIR --to D [--backup-id N]: the newest backup (or N) into D, which must not exist
// or be empty; the restored log must end at the sequence and chain head the backup recorded.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace bitacora::app {

struct BackupFlags {
  std::string data_dir;  // required unless `list`
  std::string to;
  bool list = false;
};

struct RestoreFlags {
  std::string from;
  std::string to;
  std::optional<std::uint32_t> backup_id;
};

// Exit codes: 0 done; 1 it failed (the message says why); 2 D holds no bitacora database, or the
// flags do not make a command.
[[nodiscard]] int backup(const BackupFlags& flags, std::ostream& out);
// Exit codes: 0 restored and verified; 1 it failed; 2 the target is not empty.
[[nodiscard]] int restore(const RestoreFlags& flags, std::ostream& out);

}  // namespace bitacora::app
