#include "bench/proc_usage.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace bitacora::bench {

namespace {

double tick_us() {
  static const double us = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
  return us;
}

// Fields after the command name (which may hold spaces and parentheses) start past its last ')';
// utime and stime are the 14th and 15th fields of the line.
void read_stat(pid_t pid, ProcessUsage& u) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("cannot read " + path);
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) u.user_ticks = std::stoull(field);
    if (i == 15) u.system_ticks = std::stoull(field);
  }
}

// A thread that exits while it is read is skipped: it is gone either way.
void read_switches(const std::filesystem::path& status, ThreadSwitches& s) {
  std::ifstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("voluntary_ctxt_switches:")) s.voluntary = std::stoull(line.substr(24));
    else if (line.starts_with("nonvoluntary_ctxt_switches:")) s.involuntary = std::stoull(line.substr(27));
  }
}

}  // namespace

ProcessUsage read_usage(pid_t pid) {
  ProcessUsage u;
  read_stat(pid, u);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    ThreadSwitches s;
    read_switches(task.path() / "status", s);
    u.threads[static_cast<pid_t>(std::stol(task.path().filename().string()))] = s;
  }
  return u;
}

UsageDelta operator-(const ProcessUsage& later, const ProcessUsage& earlier) {
  const double us_per_tick = tick_us();
  UsageDelta d;
  d.user_us = static_cast<double>(later.user_ticks - earlier.user_ticks) * us_per_tick;
  d.system_us = static_cast<double>(later.system_ticks - earlier.system_ticks) * us_per_tick;
  d.threads = later.threads.size();
  for (const auto& [tid, now] : later.threads) {
    ThreadSwitches then;
    if (auto it = earlier.threads.find(tid); it != earlier.threads.end()) then = it->second;
    d.voluntary += now.voluntary - then.voluntary;
    d.involuntary += now.involuntary - then.involuntary;
  }
  for (const auto& [tid, then] : earlier.threads)
    if (!later.threads.contains(tid)) ++d.exited_threads;
  return d;
}

MachineCpu read_machine_cpu() {
  const double us_per_tick = tick_us();
  std::ifstream in("/proc/stat");
  std::string cpu;
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu")
    throw std::runtime_error("cannot read /proc/stat");
  const std::uint64_t busy = user + nice + system + irq + softirq + steal;
  return {static_cast<double>(busy) * us_per_tick, static_cast<double>(busy + idle + iowait) * us_per_tick};
}

}  // namespace bitacora::bench
