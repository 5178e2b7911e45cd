#include "app/audit_state.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace bitacora::app::audit_detail {

namespace {

// An order has a line or two: a scan beats any map.
template <class Confirmed>
auto find_sku(Confirmed& confirmed, const Sku& sku) {
  return std::find_if(confirmed.begin(), confirmed.end(), [&](const auto& c) { return c.first == sku; });
}

}  // namespace

void Stream::count_approval() {
  if (!tally) tally = std::make_unique<OrderTally>();
  ++tally->approvals;
}

void Stream::count_confirmation(const Sku& sku) {
  if (!tally) tally = std::make_unique<OrderTally>();
  auto& confirmed = tally->confirmed;
  if (auto it = find_sku(confirmed, sku); it != confirmed.end()) ++it->second;
  else confirmed.emplace_back(sku, 1);
}

int Stream::confirmations_of(const Sku& sku) const {
  if (!tally) return 0;
  auto it = find_sku(tally->confirmed, sku);
  return it == tally->confirmed.end() ? 0 : it->second;
}

StreamTable::StreamTable() : slots_(0, SlotHash{}, SlotEq{this}) {}

Stream* StreamTable::find(std::string_view name) noexcept {
  auto it = slots_.find(Probe{name, hash_of(name)});
  return it == slots_.end() ? nullptr : &at(it->index);
}

const Stream* StreamTable::find(std::string_view name) const noexcept {
  auto it = slots_.find(Probe{name, hash_of(name)});
  return it == slots_.end() ? nullptr : &at(it->index);
}

Stream& StreamTable::get(std::string_view name) {
  const auto hash = hash_of(name);
  if (auto it = slots_.find(Probe{name, hash}); it != slots_.end()) return at(it->index);
  if (size_ == std::numeric_limits<std::uint32_t>::max()) throw std::length_error("more streams than audit can index");
  if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Stream[]>(kChunk));
  Stream& s = at(size_);
  s.name.assign(name);
  s.state = snapshots::initial_state(name);
  slots_.insert(Slot{hash, static_cast<std::uint32_t>(size_)});
  ++size_;
  return s;
}

}  // namespace bitacora::app::audit_detail
