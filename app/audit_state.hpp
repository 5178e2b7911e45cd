// Internal to `bitacora audit` (app/audit*.cpp): what one pass over the log gathers, and the
// cross-aggregate checks made once it is over.
#pragma once

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "snapshots/rebuild.hpp"

namespace bitacora::app::audit_detail {

struct Stream {
  snapshots::AnyState state;
  std::uint64_t version = 0;
  events::Seq last_seq = 0;
};

// Lets the stream table be searched by a string_view into the stored bytes, without a copy.
struct StreamNameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// The tables are open-addressing (Boost's flat maps): audit looks one up for nearly every event,
// and std::unordered_map's node chasing (without a cached hash) was a fifth of its time.
struct Findings {
  boost::unordered_flat_map<std::string, Stream, StreamNameHash, std::equal_to<>> streams;
  // (order, sku) → ReservationConfirmed count
  boost::unordered_flat_map<std::pair<std::string, std::string>, int, boost::hash<std::pair<std::string, std::string>>>
      confirmations;
  boost::unordered_flat_map<std::string, int, StreamNameHash, std::equal_to<>> approvals;  // order → PaymentApproved count
  std::set<std::pair<std::string, std::string>> timers;              // (kind, target)
  std::vector<std::string> violations;
  std::uint64_t snapshots_checked = 0;

  void violation(std::string text) { violations.push_back(std::move(text)); }
};

// The checks over the whole rebuilt state (reservations, payments, timers).
void check_cross_aggregate(Findings& f);

}  // namespace bitacora::app::audit_detail
