#include "tests/chaos/ledger.hpp"

#include <algorithm>

namespace bitacora::chaos {

namespace {
constexpr std::size_t kRecentOrders = 64;  // "recent": likely still pending_payment
}

void Ledger::product_defined(const std::string& sku, std::int64_t stock) {
  std::lock_guard lock(mu_);
  initial_stock_[sku] = stock;
}

void Ledger::stock_changed(const std::string& reason, StockChange change) {
  std::lock_guard lock(mu_);
  stock_changes_[reason] = std::move(change);
}

std::map<std::string, std::int64_t> Ledger::initial_stock() const {
  std::lock_guard lock(mu_);
  return initial_stock_;
}

std::map<std::string, StockChange> Ledger::stock_changes() const {
  std::lock_guard lock(mu_);
  return stock_changes_;
}

void Ledger::order_placed(const Order& order) {
  std::lock_guard lock(mu_);
  if (order_index_.emplace(order.reference, orders_.size()).second) orders_.push_back(order);
}

std::vector<Order> Ledger::orders() const {
  std::lock_guard lock(mu_);
  return orders_;
}

std::optional<Order> Ledger::some_order(Rng& rng, bool recent) const {
  std::lock_guard lock(mu_);
  if (orders_.empty()) return std::nullopt;
  const auto n = static_cast<std::int64_t>(orders_.size());
  const auto first = recent ? std::max<std::int64_t>(0, n - static_cast<std::int64_t>(kRecentOrders)) : 0;
  return orders_[static_cast<std::size_t>(uniform(rng, first, n - 1))];
}

void Ledger::checkout_key_used(const std::string& user, const std::string& key) {
  std::lock_guard lock(mu_);
  keys_used_[user].push_back(key);
}

std::optional<std::string> Ledger::some_checkout_key(Rng& rng, const std::string& user) const {
  std::lock_guard lock(mu_);
  auto it = keys_used_.find(user);
  if (it == keys_used_.end() || it->second.empty()) return std::nullopt;
  return pick(rng, it->second);
}

std::optional<std::string> Ledger::checkout_answered(const std::string& user, const std::string& key, const std::string& reference) {
  std::lock_guard lock(mu_);
  auto [it, first] = checkout_keys_.emplace(std::pair(user, key), reference);
  if (first || it->second == reference) return std::nullopt;
  return it->second;
}

std::string Ledger::mercadopago_payment_id(const std::string& reference) {
  std::lock_guard lock(mu_);
  const auto next = std::int64_t{7'000'000'000} + static_cast<std::int64_t>(mercadopago_payments_.size());
  return mercadopago_payments_.emplace(reference, std::to_string(next)).first->second;
}

void Ledger::sent(const Notification& n) {
  std::lock_guard lock(mu_);
  if (sent_keys_.insert(n.key).second) sent_.push_back(n);
}

std::optional<std::string> Ledger::acknowledged(const Notification& n, const std::string& key, const std::string& event_id) {
  std::lock_guard lock(mu_);
  unanswered_.erase(n.key);
  auto [it, first] = acknowledged_.emplace(key, event_id);
  if (first || it->second == event_id) return std::nullopt;
  return it->second;
}

void Ledger::unanswered(const Notification& n) {
  std::lock_guard lock(mu_);
  if (!acknowledged_.contains(n.key)) unanswered_.emplace(n.key, n);
}

std::vector<Notification> Ledger::take_unanswered() {
  std::lock_guard lock(mu_);
  std::vector<Notification> out;
  for (auto& [key, n] : unanswered_) out.push_back(std::move(n));
  unanswered_.clear();
  return out;
}

std::optional<Notification> Ledger::some_sent(Rng& rng) const {
  std::lock_guard lock(mu_);
  if (sent_.empty()) return std::nullopt;
  return pick(rng, sent_);
}

std::map<std::string, std::string> Ledger::acknowledged_webhooks() const {
  std::lock_guard lock(mu_);
  return acknowledged_;
}

void Ledger::server_started(Micros spawned, Micros ready) {
  std::lock_guard lock(mu_);
  incarnations_.push_back({spawned, ready, 0});
}

void Ledger::server_killed(Micros at) {
  std::lock_guard lock(mu_);
  if (!incarnations_.empty()) incarnations_.back().killed = at;
}

std::vector<Incarnation> Ledger::incarnations() const {
  std::lock_guard lock(mu_);
  return incarnations_;
}

}  // namespace bitacora::chaos
