// Internal to `bitacora audit` (app/audit*.cpp): what one pass over the log gathers, and the
// cross-aggregate checks made once it is over.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "snapshots/rebuild.hpp"
#include "snapshots/snapshot.hpp"

namespace bitacora::app::audit_detail {

// An order's tallies from the log: its PaymentApproved events, and the ReservationConfirmed events
// products recorded for it.
struct OrderTally {
  int approvals = 0;
  std::vector<std::pair<Sku, int>> confirmed;  // sku → count
};

struct Stream {
  std::string name;
  snapshots::AnyState state;
  std::uint64_t version = 0;
  events::Seq last_seq = 0;  // 0: no event of it folded yet
  // Its stored snapshot, if any: found once, when the stream is first met, not at every event.
  const snapshots::Snapshot* snapshot = nullptr;
  // Kept beside the order rather than in tables of their own, so that counting costs no lookup
  // beyond the stream's; boxed, so that carts and webhooks carry 8 bytes for it, not 32.
  std::unique_ptr<OrderTally> tally;

  void count_approval();
  void count_confirmation(const Sku& sku);
  [[nodiscard]] int approvals() const noexcept { return tally ? tally->approvals : 0; }
  [[nodiscard]] int confirmations_of(const Sku& sku) const;
};

// Every stream met, found by name. Audit looks one up for nearly every event, over a table as
// large as the log has streams, so the index holds only each stream's hash and place (16 bytes a
// slot, four to a cache line); the streams themselves sit in fixed chunks, in the order they
// appeared, and never move. The index is open addressing with linear probing, so that where a
// hash lands is known without a lookup: audit prefetches the slot, then the stream, then its state,
// a few events before it folds them, and on a log of interleaved orders most events would
// otherwise start with three cache misses in a row.
class StreamTable {
 public:
  StreamTable() = default;
  StreamTable(const StreamTable&) = delete;
  StreamTable& operator=(const StreamTable&) = delete;

  [[nodiscard]] static std::uint64_t hash_of(std::string_view name) noexcept { return std::hash<std::string_view>{}(name); }

  void reserve(std::size_t streams);
  [[nodiscard]] Stream* find(std::string_view name) noexcept { return find(name, hash_of(name)); }
  [[nodiscard]] const Stream* find(std::string_view name) const noexcept { return const_cast<StreamTable*>(this)->find(name); }
  // The stream named `name` (whose hash_of is `hash`), added with snapshots::initial_state(name)
  // if it is new.
  Stream& get(std::string_view name, std::uint64_t hash);
  Stream& get(std::string_view name) { return get(name, hash_of(name)); }

  // Hints for a lookup to come; none changes the table or need be right.
  void prefetch_slot(std::uint64_t hash) const noexcept;
  // The first stream whose hash is `hash` (its name unchecked), having asked for its lines; null
  // if none. prefetch_slot(hash) some time before keeps this from waiting on memory.
  [[nodiscard]] const Stream* prefetch_stream(std::uint64_t hash) const noexcept;

  // In the order the streams appeared.
  template <class F>
  void for_each(F&& visit) const {
    for (std::size_t i = 0; i < size_; ++i) visit(at(i));
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t place = 0;  // the stream's index + 1; 0: empty
  };
  static constexpr std::size_t kChunk = 4096;

  [[nodiscard]] Stream* find(std::string_view name, std::uint64_t hash) noexcept;
  [[nodiscard]] const Stream& at(std::size_t i) const noexcept { return chunks_[i / kChunk][i % kChunk]; }
  [[nodiscard]] Stream& at(std::size_t i) noexcept { return chunks_[i / kChunk][i % kChunk]; }
  void rehash(std::size_t slots);
  void place(Slot s) noexcept;  // into the first empty slot from its hash on (one is free)

  std::vector<std::unique_ptr<Stream[]>> chunks_;
  std::size_t size_ = 0;
  std::vector<Slot> slots_;  // a power of two of them, at most 3/4 full
};

struct Findings {
  StreamTable streams;
  std::set<std::pair<std::string, std::string>> timers;  // (kind, target)
  std::vector<std::string> violations;
  std::uint64_t snapshots_checked = 0;

  void violation(std::string text) { violations.push_back(std::move(text)); }
};

// The checks over the whole rebuilt state (reservations, payments, timers).
void check_cross_aggregate(Findings& f);

}  // namespace bitacora::app::audit_detail
