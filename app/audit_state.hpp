// Internal to `bitacora audit` (app/audit*.cpp): what one pass over the log gathers, and the
// cross-aggregate checks made once it is over.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/envelope.hpp"
#include "snapshots/rebuild.hpp"

namespace bitacora::app::audit_detail {

struct Stream {
  snapshots::AnyState state;
  std::uint64_t version = 0;
  events::Seq last_seq = 0;
};

struct Findings {
  std::unordered_map<std::string, Stream> streams;
  std::map<std::pair<std::string, std::string>, int> confirmations;  // (order, sku) → ReservationConfirmed count
  std::unordered_map<std::string, int> approvals;                    // order → PaymentApproved count
  std::set<std::pair<std::string, std::string>> timers;              // (kind, target)
  std::vector<std::string> violations;
  std::uint64_t snapshots_checked = 0;

  void violation(std::string text) { violations.push_back(std::move(text)); }
};

// The checks over the whole rebuilt state (reservations, payments, timers).
void check_cross_aggregate(Findings& f);

}  // namespace bitacora::app::audit_detail
