// StreamQueries: one stream's events, oldest first (API.md §5 GET /api/streams/{stream}/events),
// and its state as of a sequence number or a time (GET /api/streams/{stream}/state), folded from
// its events as `bitacora replay --last` does.
// Blocking (reads RocksDB): call from the blocking pool. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "snapshots/rebuild.hpp"
#include "storage/log.hpp"

namespace bitacora::actors {

struct StreamPage {
  std::vector<storage::StoredEvent> events;
  std::optional<std::uint64_t> next_from_version;  // set when more events follow
};

// A stream's state after its last event at or before a point in the log.
struct StreamStateAt {
  storage::StoredEvent last;  // the last event folded in
  std::string state_json;     // the state after it, as `replay` prints it
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

  // Folds `stream` from its first event through the last one with seq ≤ `max_seq` and time ≤
  // `max_at` (compared to the millisecond, the precision the API shows times with, so an event's
  // own "at" keeps it). nullopt when no event qualifies; Errc::data_loss when one does not fold.
  // Reads the stream's events up to that point: as long as the stream is, at worst.
  [[nodiscard]] Result<std::optional<StreamStateAt>> state_at(const std::string& stream, events::Seq max_seq,
                                                              Micros max_at) const;

  // The reservations a product holds now (order → units), folded from its stream.
  [[nodiscard]] Result<std::vector<std::pair<OrderRef, std::int64_t>>> reservations_of(const Sku& sku) const;

 private:
  // Folds `stream` through its last event within the limits; the state, and that event if any.
  [[nodiscard]] Result<std::optional<storage::StoredEvent>> fold(const std::string& stream, events::Seq max_seq,
                                                                 Micros max_at, snapshots::AnyState& state) const;

 public:

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
