#include "actors/order_queries.hpp"

#include <simdjson.h>

#include <charconv>

#include "storage/keys.hpp"

namespace bitacora::actors {
namespace {

// Whether `row` (an order's JSON) has `status`; nullopt when it does not decode.
std::optional<bool> has_status(simdjson::dom::parser& parser, std::string_view row, domain::OrderStatus status) {
  std::string_view text;
  domain::OrderStatus row_status;
  if (parser.parse(row.data(), row.size())["status"].get(text) || !domain::parse(text, row_status)) return std::nullopt;
  return row_status == status;
}

}  // namespace

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
      auto wanted = has_status(parser, row, *status);
      if (!wanted) {
        bad = Error{Errc::data_loss, "order row " + std::string(key) + " does not decode"};
        return false;
      }
      if (!*wanted) return true;
    }
    page.items.emplace_back(row);
    return true;
  });
  if (!s) return s.error();
  if (bad) return *bad;
  return page;
}

Result<OrderPage> OrderQueries::list_placed(std::optional<domain::OrderStatus> status, Micros from, Micros to,
                                            std::size_t limit, const std::optional<std::string>& cursor) const {
  // Checkouts keys are be64(placed_at) then the reference; scanning backwards from just below `to`.
  std::string start = storage::keys::be64(static_cast<std::uint64_t>(std::max<Micros>(to, 1) - 1)) + '\xff';
  if (cursor) {
    const auto dot = cursor->find('.');
    std::uint64_t at = 0;
    if (dot == std::string::npos || std::from_chars(cursor->data(), cursor->data() + dot, at).ptr != cursor->data() + dot ||
        dot + 1 >= cursor->size())
      return Error{Errc::invalid_argument, "cursor is not one this server returned"};
    start = storage::keys::be64(at) + cursor->substr(dot + 1);
  }
  const std::string low = storage::keys::be64(static_cast<std::uint64_t>(std::max<Micros>(from, 0)));
  OrderPage page;
  simdjson::dom::parser parser;
  std::size_t scanned = 0;
  // Keys are read a chunk at a time (a visitor may not read the log), then their order rows.
  constexpr std::size_t kChunk = 256;
  bool skip_start = false;  // a later chunk starts at the key the previous one ended on
  for (;;) {
    std::vector<std::string> keys;
    auto s = log_.scan(storage::Family::checkouts, start, true, [&](std::string_view key, std::string_view) {
      if (skip_start && key == start) return true;
      if (key.size() <= 8 || key.substr(0, 8) < low) return false;
      keys.emplace_back(key);
      return keys.size() < kChunk;
    });
    if (!s) return s.error();
    for (const auto& key : keys) {
      if (page.items.size() == limit || ++scanned > kScanBudget) {
        page.next_cursor = std::to_string(storage::keys::read_be64(key.substr(0, 8)).value_or(0)) + "." + key.substr(8);
        return page;
      }
      const std::string ref = key.substr(8);
      auto r = log_.get(storage::Family::orders, ref);
      if (!r) return r.error();
      if (!r->has_value()) continue;  // a checkouts row without its order row: nothing to show
      if (status) {
        auto wanted = has_status(parser, **r, *status);
        if (!wanted) return Error{Errc::data_loss, "order row " + ref + " does not decode"};
        if (!*wanted) continue;
      }
      page.items.push_back(std::move(**r));
    }
    if (keys.size() < kChunk) return page;
    start = keys.back();
    skip_start = true;
  }
}

Result<std::optional<std::string>> OrderQueries::row(const OrderRef& ref) const {
  return log_.get(storage::Family::orders, ref.value());
}

}  // namespace bitacora::actors
