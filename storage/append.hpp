// What one caller asks the log writer to make durable, and what it is told back.
// An AppendRequest is applied all-or-nothing, inside the writer's group-commit batch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "support/result.hpp"

namespace bitacora::storage {

struct NewEvent {
  std::string stream;
  std::string type;
  std::string data;  // the event's JSON
};

// Secondary tables kept in step with the log, in the same batch (rebuildable from the log).
enum class Index : std::uint8_t {
  webhooks,  // seq of a webhook's first event → its summary row (list of API.md §2)
  orders,    // order reference → its current view (admin list of API.md §4)
  checkouts, // placed_at (µs, big-endian) + reference → the order's outcome and money (statistics)
  idempotency,  // a caller's Idempotency-Key → the answer it got (http/idempotency.hpp); not rebuildable
};

struct IndexPut {
  Index index;
  std::optional<std::string> key;  // nullopt: the append's own first sequence, big-endian
  std::string value;
};

struct AppendRequest {
  std::vector<NewEvent> events;
  // When set and already stored (or earlier in the same batch), nothing is appended and the
  // outcome is `duplicate` with the original's first sequence.
  std::optional<std::string> dedupe_key;
  // When set, the first event's stream must currently be at this version (0: a new stream),
  // else Errc::conflict.
  std::optional<std::uint64_t> expected_version;
  // Every stream named here must currently be at its version, else Errc::conflict: how a
  // coordinator fences the aggregates it held, so that a hold broken by its lease (see
  // actors/aggregate_actor.hpp) can never let a decision made on a stale state be appended.
  std::vector<std::pair<std::string, std::uint64_t>> expected_versions;
  // The first event's stream is named after the dedupe key (webhook/<key>), so it exists exactly
  // when the key does: once the key is found new, the stream is known to be new and is not looked up.
  bool stream_named_by_dedupe_key = false;
  std::vector<IndexPut> index_puts;
  std::vector<std::pair<Index, std::string>> index_deletes;  // rows removed in the same batch
  // Named counters kept in `meta`, moved by these deltas in the same batch (e.g. webhooks pending).
  std::vector<std::pair<std::string, std::int64_t>> counter_deltas;
  // Counters this request may not carry past a maximum: when its deltas would leave one above
  // its max, nothing of the request is appended and the answer is Errc::exhausted. Decided where
  // concurrent requests meet, in batch order, so N checkouts racing for a coupon's last K uses
  // get exactly K successes, whatever the actors in between believed.
  std::vector<std::pair<std::string, std::int64_t>> counter_limits;
  // Durable timers (DESIGN.md "Time") scheduled or removed together with these events, so a crash
  // leaves either the event and its timer change or neither. Keys from keys::timer().
  std::vector<std::pair<std::string, std::string>> timer_puts;  // key → what to deliver
  std::vector<std::string> timer_deletes;
  // Snapshot rows (stream id → snapshots::encode_snapshot bytes) written in the same batch. A
  // request may carry only these: then it appends no event.
  std::vector<std::pair<std::string, std::string>> snapshot_puts;
};

struct AppendOutcome {
  bool duplicate = false;
  events::Seq first_seq = 0;  // of this append, or of the original when duplicate
  events::Seq last_seq = 0;
  std::uint64_t last_version = 0;  // of the first event's stream after the append
  // Every stream this append wrote to, with its version after it (in the order first written).
  std::vector<std::pair<std::string, std::uint64_t>> stream_heads;
  [[nodiscard]] std::uint64_t head_of(const std::string& stream) const {
    for (const auto& [s, v] : stream_heads)
      if (s == stream) return v;
    return 0;
  }
};

using AppendCallback = std::function<void(Result<AppendOutcome>)>;

// A rejected webhook kept for inspection in the bounded `quarantine` family.
struct QuarantineRequest {
  std::string record;  // encoded by the caller
};

}  // namespace bitacora::storage
