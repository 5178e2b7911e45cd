// ServerProcess: the real `bitacora serve` binary, started on a free port with a config written
// into a temporary directory, for black-box tests. Its stderr goes to a file kept for diagnosis.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bitacora::testing {

class ServerProcess {
 public:
  // `config_toml` is written to `work_dir`/bitacora.toml; it should set storage.dir and
  // server.listen = "127.0.0.1:0". `env` entries are "NAME=value" additions.
  ServerProcess(std::string work_dir, std::string config_toml, std::vector<std::string> env = {});
  ~ServerProcess();  // SIGKILLs a server still running

  // The next start() runs the server with this open-files limit (soft and hard), through
  // util-linux's prlimit; 0: the test process's own.
  void set_open_files_limit(unsigned limit) { open_files_limit_ = limit; }

  // Starts the binary and waits (polling, with a deadline) until /health answers.
  void start(std::chrono::seconds deadline = std::chrono::seconds(30));
  void kill_hard();                 // SIGKILL and reap
  int terminate();                  // SIGTERM, wait for exit; returns the exit status
  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string log_tail(std::size_t bytes = 4000) const;
  [[nodiscard]] std::uintmax_t log_bytes() const;  // the size of its log so far

 private:
  std::string work_dir_;
  std::string config_path_;
  std::string port_file_;
  std::string log_path_;
  std::vector<std::string> env_;
  unsigned open_files_limit_ = 0;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// A process's resident memory (VmRSS), in KiB; -1 if it cannot be read.
[[nodiscard]] long resident_kib(pid_t pid);
// The CPU time (user + system) a process has used so far, in seconds; -1 if it cannot be read.
[[nodiscard]] double cpu_seconds(pid_t pid);

// The TOML used by most black-box tests: every gateway configured with test secrets.
[[nodiscard]] std::string test_config(const std::string& data_dir, const std::string& extra = {});

// Test secrets matching test_config().
namespace secrets {
inline constexpr const char* admin_token = "test-admin-token";
inline constexpr const char* wompi_events = "test_events_blackbox";
inline constexpr const char* mercadopago = "mp_blackbox_secret";
inline constexpr const char* stripe = "whsec_blackbox_stripe";
inline constexpr const char* standard_source = "acme";
inline constexpr const char* standard = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
}  // namespace secrets

// Polls `condition` until it holds or `deadline` passes; returns whether it held.
template <class F>
bool eventually(F condition, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    struct timespec ts{0, 10'000'000};
    nanosleep(&ts, nullptr);  // a poll interval, not a wait for the work itself
  }
  return condition();
}

}  // namespace bitacora::testing
