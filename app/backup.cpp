#include "app/backup.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "app/control_socket.hpp"
#include "storage/backup.hpp"
#include "support/log.hpp"
#include "support/time.hpp"

namespace bitacora::app {
namespace {

// How long a checkpoint may take: it flushes every family first (seconds on a busy log).
constexpr int kCheckpointTimeoutMs = 10 * 60 * 1000;

int fail(const char* command, const std::string& message, int code = 1) {
  std::fprintf(stderr, "bitacora %s: %s\n", command, message.c_str());
  return code;
}

std::string size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024 * 1024) std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

// What the server on data_dir answered through its control socket: a checkpoint's directory, an
// error, or that no server listens there (`none`).
struct Checkpoint {
  enum { none, cut, refused } outcome = none;
  std::string text;  // the directory, or the server's error
};

Result<Checkpoint> ask_for_checkpoint(const std::string& data_dir) {
  const std::string path = data_dir + "/" + std::string(kControlSocketName);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Checkpoint{};  // no server can listen on it either
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{Errc::unavailable, std::string("socket: ") + std::strerror(errno)};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED) return Checkpoint{};  // none, or a stale socket of a killed one
    return Error{Errc::unavailable, "cannot reach the server through " + path + ": " + std::strerror(errno)};
  }
  constexpr std::string_view request = "checkpoint\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return Error{Errc::unavailable, "cannot ask the server for a checkpoint: " + std::string(std::strerror(errno))};
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kCheckpointTimeoutMs);
  while (reply.find('\n') == std::string::npos && reply.size() < 4096) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0)
      return Error{Errc::unavailable, "the server did not cut a checkpoint within 10 minutes"};
    char chunk[512];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{Errc::unavailable, "the server closed its control socket without an answer"};
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  reply = reply.substr(0, reply.find('\n'));
  if (reply.starts_with("ok ")) return Checkpoint{Checkpoint::cut, reply.substr(3)};
  return Checkpoint{Checkpoint::refused, reply.starts_with("error ") ? reply.substr(6) : reply};
}

void print_backup(std::ostream& out, const storage::BackupInfo& b) {
  out << "backup " << b.id << ": events up to seq " << b.last_seq << ", chain head "
      << (b.chain_head.empty() ? "-" : b.chain_head) << '\n';
}

int list(const BackupFlags& flags, std::ostream& out) {
  auto backups = storage::list_backups(flags.to);
  if (!backups) return fail("backup", backups.error().message);
  char line[160];
  std::snprintf(line, sizeof line, "%-4s %-24s %-10s %-6s %-10s %s\n", "ID", "CREATED", "LAST SEQ", "FILES", "SIZE",
                "CHAIN HEAD");
  out << line;
  for (const auto& b : *backups) {
    std::snprintf(line, sizeof line, "%-4u %-24s %-10llu %-6u %-10s %s\n", b.id,
                  format_rfc3339(static_cast<Micros>(b.created_at) * 1'000'000).c_str(),
                  static_cast<unsigned long long>(b.last_seq), b.files, size_text(b.bytes).c_str(),
                  b.chain_head.empty() ? "-" : b.chain_head.c_str());
    out << line;
  }
  return 0;
}

}  // namespace

int backup(const BackupFlags& flags, std::ostream& out) {
  // RocksDB's notes on a private checkpoint ("File Deletions Disabled, but already disabled") are
  // not the operator's business; its errors are, and reach the message anyway.
  module_logger("rocksdb").set_level(spdlog::level::err);
  if (flags.list) return list(flags, out);
  if (flags.data_dir.empty()) return fail("backup", "--data-dir is required (or --list to list the backups in --to)", 2);
  if (!std::filesystem::exists(flags.data_dir + "/CURRENT"))
    return fail("backup", flags.data_dir + " holds no bitacora database", 2);
  const auto started = std::chrono::steady_clock::now();

  auto checkpoint = ask_for_checkpoint(flags.data_dir);
  if (!checkpoint) return fail("backup", checkpoint.error().message);
  if (checkpoint->outcome == Checkpoint::refused)
    return fail("backup", "the server on " + flags.data_dir + " could not cut a checkpoint: " + checkpoint->text);
  const bool online = checkpoint->outcome == Checkpoint::cut;
  if (!online) {
    // No server answered. One may still hold the directory (its socket path too long, or it is
    // starting): then copying its files as they change would fail or tear; refuse instead.
    auto busy = storage::in_use(flags.data_dir);
    if (!busy) return fail("backup", busy.error().message);
    if (*busy)
      return fail("backup", flags.data_dir + " is in use by a server that does not answer on its control socket (" +
                                std::string(kControlSocketName) + "); stop it, or let it open that socket, and try again");
  }
  auto made = storage::create_backup(online ? checkpoint->text : flags.data_dir,
                                     online ? storage::Source::checkpoint : storage::Source::stopped_data_dir, flags.to);
  if (online) {
    std::error_code ec;
    std::filesystem::remove_all(checkpoint->text, ec);
    if (ec) std::fprintf(stderr, "bitacora backup: cannot delete the checkpoint %s: %s\n", checkpoint->text.c_str(), ec.message().c_str());
  }
  if (!made) return fail("backup", made.error().message);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_backup(out, *made);
  char line[200];
  std::snprintf(line, sizeof line, "%u files, %s in %s, taken in %.2f s from %s\n", made->files, size_text(made->bytes).c_str(),
                flags.to.c_str(), seconds, online ? "a checkpoint of the running server" : "the stopped server's data dir");
  out << line;
  return 0;
}

int restore(const RestoreFlags& flags, std::ostream& out) {
  auto restored = storage::restore_backup(flags.from, flags.backup_id, flags.to);
  if (!restored) return fail("restore", restored.error().message, restored.error().code == Errc::conflict ? 2 : 1);
  out << "restored ";
  print_backup(out, *restored);
  out << "into " << flags.to << "; the restored log ends at that seq and chain head\n";
  return 0;
}

}  // namespace bitacora::app
