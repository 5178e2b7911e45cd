// Typed refusals from the aggregates' decide functions, and Decision<E>: the events a command
// produced (possibly none: nothing to do, e.g. an idempotent retry), or why it was refused.
// The HTTP layer chooses status codes from DomainErrc (API.md §3, §4); the other fields carry what
// its error bodies need and are zero/empty when the code does not use them. Refusals are not
// retryable as they are: the same command against the same state is refused again.
// Pure values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/ids.hpp"

namespace bitacora::domain {

// 128-bit intermediates for money × quantity arithmetic that must not overflow (GCC's __int128).
__extension__ typedef __int128 Wide;

enum class DomainErrc {
  invalid_argument,      // a malformed command: bad currency, negative price, empty name, duplicate line
  invalid_quantity,      // zero delta, a negative result, an overflow; `sku` when a line is at fault
  unknown_sku,           // `sku` names no defined product
  unknown_order,         // the order was never placed
  insufficient_stock,    // `sku`, `requested`, `available`; at checkout `shortages`, one per line
  stock_below_reserved,  // on-hand would be `on_hand`, under the `reserved` units (or under 0)
  version_conflict,      // If-Match named another version; `current_version` is the stream's
  empty_cart,            // checkout with no lines
  already_paid,          // cancel of a paid order
  not_pending,           // cancel of an order that is no longer waiting for payment (expired, …)
  coupon_invalid,        // the coupon cannot apply; `reason` says why (domain/coupon.hpp)
  delivery_unavailable,  // the delivery asked for cannot be made; `reason` says why (domain/delivery.hpp)
  not_needs_attention,   // resolving an order that does not need attention
};

// The API's snake_case error code: "insufficient_stock", …
[[nodiscard]] std::string_view to_string(DomainErrc code) noexcept;

struct StockShortage {
  Sku sku{};
  std::int64_t requested = 0;
  std::int64_t available = 0;
};

struct DomainError {
  DomainErrc code = DomainErrc::invalid_argument;
  std::string message{};  // for people; never parsed
  Sku sku{};
  std::int64_t requested = 0;
  std::int64_t available = 0;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::uint64_t current_version = 0;
  std::vector<StockShortage> shortages{};
  std::string reason{};  // coupon_invalid, delivery_unavailable: the API's reason word
  std::string field{};   // invalid_argument: the command's member at fault, when one is
};

template <class Event>
using Decision = std::variant<std::vector<Event>, DomainError>;

template <class Event>
[[nodiscard]] const DomainError* refusal_of(const Decision<Event>& d) noexcept {
  return std::get_if<DomainError>(&d);
}
template <class Event>
[[nodiscard]] const std::vector<Event>* events_of(const Decision<Event>& d) noexcept {
  return std::get_if<std::vector<Event>>(&d);
}

// Builders, so that every refusal of a kind carries the same fields and wording.
[[nodiscard]] DomainError refusal(DomainErrc code, std::string message);
[[nodiscard]] DomainError invalid_quantity(const Sku& sku, std::string message);
[[nodiscard]] DomainError unknown_sku(const Sku& sku);
[[nodiscard]] DomainError invalid_field(std::string field, std::string message);
[[nodiscard]] DomainError insufficient_stock(const Sku& sku, std::int64_t requested, std::int64_t available);
// Checkout: every line that could not be reserved; `sku`/`requested`/`available` echo the first.
[[nodiscard]] DomainError insufficient_stock(std::vector<StockShortage> shortages);

}  // namespace bitacora::domain
