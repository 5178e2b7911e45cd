// Internal to `bitacora audit` (app/audit*.cpp): what one pass over the log gathers, and the
// cross-aggregate checks made once it is over.
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "snapshots/rebuild.hpp"

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
  events::Seq last_seq = 0;
  // Kept beside the order rather than in tables of their own, so that counting costs no lookup
  // beyond the stream's; boxed, so that carts and webhooks carry 8 bytes for it, not 32.
  std::unique_ptr<OrderTally> tally;

  void count_approval();
  void count_confirmation(const Sku& sku);
  [[nodiscard]] int approvals() const noexcept { return tally ? tally->approvals : 0; }
  [[nodiscard]] int confirmations_of(const Sku& sku) const;
};

// Every stream met, found by name. Audit looks one up for nearly every event, over a table as
// large as the log has streams, so the table holds only each stream's hash and index (16 bytes a
// slot); the streams themselves sit in fixed chunks, in the order they appeared, and never move.
// With the streams in the slots instead (144 bytes each), finding one missed the cache twice and
// growing the table copied every state: a fifth of audit's time on a log of orders.
class StreamTable {
 public:
  StreamTable();
  StreamTable(const StreamTable&) = delete;  // the table's equality reads the chunks through `this`
  StreamTable& operator=(const StreamTable&) = delete;

  void reserve(std::size_t streams) { slots_.reserve(streams); }
  [[nodiscard]] Stream* find(std::string_view name) noexcept;
  [[nodiscard]] const Stream* find(std::string_view name) const noexcept;
  // The stream named `name`, added with snapshots::initial_state(name) if it is new.
  Stream& get(std::string_view name);

  // In the order the streams appeared.
  template <class F>
  void for_each(F&& visit) const {
    for (std::size_t i = 0; i < size_; ++i) visit(at(i));
  }

 private:
  struct Slot {
    std::uint64_t hash;
    std::uint32_t index;
  };
  struct Probe {
    std::string_view name;
    std::uint64_t hash;
  };
  struct SlotHash {
    using is_transparent = void;
    std::size_t operator()(const Slot& s) const noexcept { return s.hash; }
    std::size_t operator()(const Probe& p) const noexcept { return p.hash; }
  };
  struct SlotEq {
    using is_transparent = void;
    const StreamTable* table;
    bool operator()(const Slot& a, const Slot& b) const noexcept { return a.index == b.index; }
    bool operator()(const Probe& p, const Slot& s) const noexcept { return table->at(s.index).name == p.name; }
    bool operator()(const Slot& s, const Probe& p) const noexcept { return (*this)(p, s); }
  };
  static constexpr std::size_t kChunk = 4096;

  [[nodiscard]] const Stream& at(std::size_t i) const noexcept { return chunks_[i / kChunk][i % kChunk]; }
  [[nodiscard]] Stream& at(std::size_t i) noexcept { return chunks_[i / kChunk][i % kChunk]; }
  static std::uint64_t hash_of(std::string_view name) noexcept { return std::hash<std::string_view>{}(name); }

  std::vector<std::unique_ptr<Stream[]>> chunks_;
  std::size_t size_ = 0;
  boost::unordered_flat_set<Slot, SlotHash, SlotEq> slots_;
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
