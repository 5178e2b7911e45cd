#include "app/audit_state.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

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

void StreamTable::reserve(std::size_t streams) {
  std::size_t slots = 16;
  while (slots / 4 * 3 < streams) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

void StreamTable::rehash(std::size_t slots) {
  const auto old = std::exchange(slots_, std::vector<Slot>(slots));
  for (const Slot& s : old)
    if (s.place != 0) place(s);
}

void StreamTable::place(Slot s) noexcept {
  const std::size_t mask = slots_.size() - 1;
  auto i = s.hash & mask;
  while (slots_[i].place != 0) i = (i + 1) & mask;
  slots_[i] = s;
}

Stream* StreamTable::find(std::string_view name, std::uint64_t hash) noexcept {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (auto i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.place == 0) return nullptr;
    if (s.hash == hash && at(s.place - 1).name == name) return &at(s.place - 1);
  }
}

Stream& StreamTable::get(std::string_view name, std::uint64_t hash) {
  if (auto* s = find(name, hash)) return *s;
  if (size_ + 1 >= std::numeric_limits<std::uint32_t>::max()) throw std::length_error("more streams than audit can index");
  if ((size_ + 1) * 4 > slots_.size() * 3) rehash(std::max<std::size_t>(16, slots_.size() * 2));
  if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Stream[]>(kChunk));
  Stream& s = at(size_);
  s.name.assign(name);
  s.state = snapshots::initial_state(name);
  place(Slot{hash, static_cast<std::uint32_t>(++size_)});
  return s;
}

void StreamTable::prefetch_slot(std::uint64_t hash) const noexcept {
  if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
}

const Stream* StreamTable::prefetch_stream(std::uint64_t hash) const noexcept {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (auto i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.place == 0) return nullptr;
    if (s.hash != hash) continue;
    const Stream* stream = &at(s.place - 1);
    const auto* bytes = reinterpret_cast<const char*>(stream);
    for (std::size_t line = 0; line < sizeof(Stream) + 64; line += 64) __builtin_prefetch(bytes + line);
    return stream;
  }
}

}  // namespace bitacora::app::audit_detail
