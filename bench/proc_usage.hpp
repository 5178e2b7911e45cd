// What a process has cost the machine so far, read from /proc, for the benchmarks' per-request
// CPU and context-switch figures. Linux only.
//
// CPU is utime + stime of /proc/<pid>/stat: the whole process, threads that already exited
// included, in clock ticks (sysconf(_SC_CLK_TCK), 100 per second here, so 10 ms resolution).
// Context switches are voluntary_ctxt_switches and nonvoluntary_ctxt_switches of each
// /proc/<pid>/task/<tid>/status, kept per thread: a delta counts the threads alive at its end,
// and a thread that exited in between is only counted in `exited_threads` (its switches are lost).
// Any thread may call these; they only read files.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>

namespace bitacora::bench {

struct ThreadSwitches {
  std::uint64_t voluntary = 0;
  std::uint64_t involuntary = 0;
};

struct ProcessUsage {
  std::uint64_t user_ticks = 0;
  std::uint64_t system_ticks = 0;
  std::map<pid_t, ThreadSwitches> threads;  // by tid
};

// Throws std::runtime_error if /proc/<pid>/stat cannot be read (the process is gone).
[[nodiscard]] ProcessUsage read_usage(pid_t pid);

// `later` minus `earlier`, for one process.
struct UsageDelta {
  double user_us = 0;
  double system_us = 0;
  std::uint64_t voluntary = 0;
  std::uint64_t involuntary = 0;
  std::size_t threads = 0;         // alive at the end
  std::size_t exited_threads = 0;  // alive at the start and gone at the end
  [[nodiscard]] double cpu_us() const { return user_us + system_us; }
  [[nodiscard]] std::uint64_t switches() const { return voluntary + involuntary; }
};

[[nodiscard]] UsageDelta operator-(const ProcessUsage& later, const ProcessUsage& earlier);

// The whole machine's CPU time so far, from the first line of /proc/stat, in microseconds: busy
// (user, nice, system, irq, softirq, steal) and all (busy plus idle and iowait). With a process's
// own figures over the same window, what the rest of the machine took meanwhile — on a machine
// shared with other work, how much of it the benchmark had.
struct MachineCpu {
  double busy_us = 0;
  double all_us = 0;
};
[[nodiscard]] MachineCpu read_machine_cpu();
[[nodiscard]] inline MachineCpu operator-(const MachineCpu& later, const MachineCpu& earlier) {
  return {later.busy_us - earlier.busy_us, later.all_us - earlier.all_us};
}

}  // namespace bitacora::bench
