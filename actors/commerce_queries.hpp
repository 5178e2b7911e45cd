// CommerceQueries: what the admin reads of commerce besides single orders — the delivery zones
// (API.md §4 GET /api/delivery/zones), read from their streams' latest events, and checkout
// statistics (GET /api/stats/checkouts), from the `checkouts` index every order change rewrites;
// the skus of the catalog (GET /api/products), from the stream index; and the durable timers
// (GET /api/scheduler), from the `timers` family.
// Blocking (reads RocksDB): call from the blocking pool. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/delivery.hpp"
#include "domain/order.hpp"
#include "storage/log.hpp"

namespace bitacora::actors {

// Orders placed in [from, to), by their status now.
struct CheckoutStats {
  std::int64_t created = 0;
  std::map<std::string, std::int64_t> by_status;  // every status, 0 when none
  // Of the orders paid now, by currency: what they charged, their discounts, their delivery fees;
  // and by coupon code, how many used one.
  std::map<std::string, std::int64_t> revenue_in_cents, discount_in_cents, delivery_fees_in_cents;
  std::map<std::string, std::int64_t> coupon_uses;
};

class CommerceQueries {
 public:
  explicit CommerceQueries(const storage::EventLog& log) : log_(log) {}

  static constexpr std::size_t kMaxZones = 1000;  // a listing shows at most this many, by zone id

  // Every defined zone, by zone id (at most kMaxZones).
  [[nodiscard]] Result<std::vector<domain::DeliveryZoneState>> zones() const;

  static constexpr std::int64_t kMaxStatsOrders = 2'000'000;  // orders one statistics request may add up
  // Errc::invalid_argument when [from, to) holds more than kMaxStatsOrders orders.
  [[nodiscard]] Result<CheckoutStats> checkout_stats(Micros from, Micros to) const;

  // Defined or not, the skus that have a product stream, in sku order, after `after` (exclusive);
  // `more` when others follow. One seek per sku: a product's events are never scanned.
  struct SkuPage {
    std::vector<Sku> skus;
    bool more = false;
  };
  [[nodiscard]] Result<SkuPage> product_skus(std::size_t limit, const std::optional<std::string>& after) const;

  // The durable timers (API.md §5 GET /api/scheduler): how many of each kind, and the next due.
  struct TimerRow {
    std::string kind;
    std::string target;
    Micros due = 0;
  };
  struct TimerSummary {
    std::map<std::string, std::int64_t> counts;  // by kind
    std::vector<TimerRow> next;                  // soonest first
    bool counts_capped = false;                  // more than kMaxTimersCounted rows: counts are of the first
  };
  static constexpr std::size_t kMaxTimersCounted = 1'000'000;
  [[nodiscard]] Result<TimerSummary> timers(std::size_t next_limit) const;

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
