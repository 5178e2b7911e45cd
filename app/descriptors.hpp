// The process's file descriptors, shared out once at start by `serve`: the soft RLIMIT_NOFILE is
// raised to the hard limit, then room is kept for RocksDB's table files and the process's own
// (log files, epoll, timers, the gateway client's sockets), and the rest goes to connections. So
// connections can never take the descriptors the log needs, and a full server refuses or evicts
// connections (http/server.hpp) instead of failing its own files.
#pragma once

#include <cstddef>
#include <cstdint>

#include "support/result.hpp"

namespace bitacora::app {

struct DescriptorBudget {
  std::uint64_t limit = 0;        // RLIMIT_NOFILE after raising it
  int table_files = 0;            // for storage::LogOptions::max_open_files
  std::size_t connections = 0;    // max_connections, at most what was configured
};

// Descriptors kept for everything but connections and table files.
inline constexpr std::uint64_t kReservedDescriptors = 64;

// Raises the soft limit (a failure to raise is not an error: the current one is shared out), then
// plans. Errc::invalid_argument when the limit leaves fewer than 16 connections.
[[nodiscard]] Result<DescriptorBudget> plan_descriptors(std::size_t configured_connections);

// The plan for a given limit, without touching the process (for tests).
[[nodiscard]] Result<DescriptorBudget> plan_descriptors(std::uint64_t limit, std::size_t configured_connections);

}  // namespace bitacora::app
