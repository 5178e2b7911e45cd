#include "actors/order_queries.hpp"

#include <simdjson.h>

namespace bitacora::actors {

Result<OrderPage> OrderQueries::list(std::optional<domain::OrderStatus> status, std::size_t limit,
                                     const std::optional<std::string>& cursor) const {
  OrderPage page;
  simdjson::dom::parser parser;
  std::size_t scanned = 0;
  std::optional<Error> bad;
  auto s = log_.scan(storage::Family::orders, cursor, false, [&](std::string_view key, std::string_view row) {
    if (page.items.size() == limit || ++scanned > kScanBudget) {
      page.next_cursor = std::string(key);
      return false;
    }
    if (status) {
      std::string_view text;
      domain::OrderStatus row_status;
      if (parser.parse(row.data(), row.size())["status"].get(text) || !domain::parse(text, row_status)) {
        bad = Error{Errc::data_loss, "order row " + std::string(key) + " does not decode"};
        return false;
      }
      if (row_status != *status) return true;
    }
    page.items.emplace_back(row);
    return true;
  });
  if (!s) return s.error();
  if (bad) return *bad;
  return page;
}

}  // namespace bitacora::actors
