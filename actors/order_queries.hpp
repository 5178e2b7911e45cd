// OrderQueries: the admin list of orders (API.md §4 GET /api/orders?status=), read from the
// `orders` index that every order change rewrites in its own batch. Rows are the API's order JSON.
// Blocking (reads RocksDB): call from the blocking pool. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/order.hpp"
#include "storage/log.hpp"

namespace bitacora::actors {

struct OrderPage {
  std::vector<std::string> items;          // each an order's JSON, by reference
  std::optional<std::string> next_cursor;  // the reference to continue from
};

class OrderQueries {
 public:
  explicit OrderQueries(const storage::EventLog& log) : log_(log) {}

  [[nodiscard]] Result<OrderPage> list(std::optional<domain::OrderStatus> status, std::size_t limit,
                                       const std::optional<std::string>& cursor) const;

  static constexpr std::size_t kScanBudget = 20'000;  // rows examined per request

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
