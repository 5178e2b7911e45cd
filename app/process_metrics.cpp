#include "app/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bitacora::app {
namespace {

// Fields 14 and 15 of /proc/self/stat (utime, stime), in seconds; -1 when unreadable. The command
// name (field 2) may hold spaces and parentheses, so fields are counted after its closing ')'.
double cpu_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Field `index` (0: size, 1: resident) of /proc/self/statm, in bytes; -1 when unreadable.
double statm_bytes(int index) {
  std::ifstream in("/proc/self/statm");
  unsigned long long pages[2] = {0, 0};
  if (!(in >> pages[0] >> pages[1])) return -1;
  return static_cast<double>(pages[index]) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++n;
  return ec ? -1 : n - 1;  // the iterator's own descriptor is not the process's
}

double max_fds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

// Defined for this file only (app/CMakeLists.txt), so a new commit recompiles nothing else.
const char* build_version() { return BITACORA_VERSION; }
const char* build_commit() { return BITACORA_COMMIT; }

void register_process_metrics(metrics::Registry& metrics) {
  metrics.counter_of("process_cpu_seconds_total", "User and system CPU time spent, in seconds", cpu_seconds);
  metrics.gauge("process_resident_memory_bytes", "Resident memory size, in bytes", [] { return statm_bytes(1); });
  metrics.gauge("process_virtual_memory_bytes", "Virtual memory size, in bytes", [] { return statm_bytes(0); });
  metrics.gauge("process_open_fds", "Open file descriptors", open_fds);
  metrics.gauge("process_max_fds", "The open-files limit (soft)", max_fds);
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  metrics.gauge("process_start_time_seconds", "When the server started, in seconds since the epoch",
                [started] { return started; });
  metrics.gauge("bitacora_build_info", "Always 1; the labels say which build this is", [] { return 1.0; },
                std::string("version=\"") + metrics::label_value(build_version()) + "\",commit=\"" +
                    metrics::label_value(build_commit()) + "\"");
}

}  // namespace bitacora::app
