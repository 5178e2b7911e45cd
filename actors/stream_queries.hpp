// StreamQueries: one stream's events, oldest first (API.md §5 GET /api/streams/{stream}/events).
// Blocking (reads RocksDB): call from the blocking pool. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "storage/log.hpp"

namespace bitacora::actors {

struct StreamPage {
  std::vector<storage::StoredEvent> events;
  std::optional<std::uint64_t> next_from_version;  // set when more events follow
};

class StreamQueries {
 public:
  explicit StreamQueries(const storage::EventLog& log) : log_(log) {}

  [[nodiscard]] Result<StreamPage> read(const std::string& stream, std::uint64_t from_version, std::size_t limit) const {
    auto evs = log_.read_stream(stream, from_version, limit + 1);
    if (!evs) return evs.error();
    StreamPage page;
    if (evs->size() > limit) {
      page.next_from_version = evs->back().envelope.stream_version;
      evs->pop_back();
    }
    page.events = std::move(*evs);
    return page;
  }

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
