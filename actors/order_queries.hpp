// OrderQueries: the admin list of orders (API.md §4 GET /api/orders?status=&from=&to=), read from
// the `orders` index (and, for a time range, the `checkouts` index) that every order change
// rewrites in its own batch. Rows are the API's order JSON.
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

  // Orders placed in [from, to) (the `checkouts` index), newest first, with `status` if given. The
  // cursor is "<placed_at_us>.<reference>" of the next to list. Errc::invalid_argument for a
  // cursor this server did not give.
  [[nodiscard]] Result<OrderPage> list_placed(std::optional<domain::OrderStatus> status, Micros from, Micros to,
                                              std::size_t limit, const std::optional<std::string>& cursor) const;

  // One order's row (the API's order JSON), or nullopt.
  [[nodiscard]] Result<std::optional<std::string>> row(const OrderRef& ref) const;

  static constexpr std::size_t kScanBudget = 20'000;  // rows examined per request

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
