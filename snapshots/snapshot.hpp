// A snapshot row (the `snapshots` family, keyed by stream id): an aggregate's state as of one
// version of its stream, so that waking the aggregate folds only the tail after it.
//
// Stored form, format 1: u8 format | u64 version (LE) | 32 bytes SHA-256 of the state | state
// (the aggregate's state_json, snapshots/state_codec.hpp). A row that fails any check — format,
// length, digest — does not decode, and its reader falls back to a full replay: a snapshot is
// never trusted over the log.
//
// When to take one (SnapshotPolicy): once `every_events` events have been applied since the last
// snapshot AND at least as many as the state's weight (its reservations or lines), so that a big
// state is not rewritten more often than its own size is worth. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/result.hpp"

namespace bitacora::snapshots {

inline constexpr std::uint8_t kSnapshotFormat = 1;
// An idle actor that leaves memory snapshots first when at least this many events were applied
// since its last snapshot; a shorter tail is as cheap to fold again as a snapshot is to read.
inline constexpr std::uint64_t kRetireMinTail = 8;

struct Snapshot {
  std::uint64_t version = 0;  // the stream version the state covers
  std::string state;          // state_json of the aggregate
};

[[nodiscard]] std::string encode_snapshot(const Snapshot& s);
// Errc::data_loss when the row is not a whole, unaltered snapshot of a known format.
[[nodiscard]] Result<Snapshot> decode_snapshot(std::string_view bytes);

struct SnapshotPolicy {
  std::uint64_t every_events = 100;  // [snapshots] every_events; 0 turns snapshots off

  [[nodiscard]] bool due(std::uint64_t version, std::uint64_t snapshot_version, std::size_t weight) const noexcept {
    if (every_events == 0 || version <= snapshot_version) return false;
    const auto tail = version - snapshot_version;
    return tail >= every_events && tail >= weight;
  }
};

}  // namespace bitacora::snapshots
