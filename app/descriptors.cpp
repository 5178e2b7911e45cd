#include "app/descriptors.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <string>

namespace bitacora::app {

Result<DescriptorBudget> plan_descriptors(std::uint64_t limit, std::size_t configured_connections) {
  // A quarter for table files (RocksDB opens them lazily and closes the least recently used past
  // this), at least 32 and at most 4096: beyond that a log's files stay open anyway.
  const std::uint64_t table_files = std::clamp<std::uint64_t>(limit / 4, 32, 4096);
  const std::uint64_t taken = table_files + kReservedDescriptors;
  const std::uint64_t room = limit > taken ? limit - taken : 0;
  constexpr std::uint64_t kMinConnections = 16;
  if (room < kMinConnections)
    return Error{Errc::invalid_argument,
                 "the open-files limit (ulimit -n) is " + std::to_string(limit) + "; bitacora needs at least " +
                     std::to_string(taken + kMinConnections) + " (" + std::to_string(kMinConnections) +
                     " connections, " + std::to_string(table_files) + " table files, " +
                     std::to_string(kReservedDescriptors) + " of its own)"};
  DescriptorBudget b;
  b.limit = limit;
  b.table_files = static_cast<int>(table_files);
  b.connections = static_cast<std::size_t>(std::min<std::uint64_t>(configured_connections, room));
  return b;
}

Result<DescriptorBudget> plan_descriptors(std::size_t configured_connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return Error{Errc::internal, "cannot read RLIMIT_NOFILE"};
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  // RLIM_INFINITY (or a huge hard limit) is planned as a large finite one: nothing above needs more.
  return plan_descriptors(std::min<std::uint64_t>(lim.rlim_cur, 1u << 20), configured_connections);
}

}  // namespace bitacora::app
