// The order aggregate: one checkout's lines, amount and status (API.md §4, stream `order/<reference>`).
// decide(state, command) → the events to append, or a DomainError; apply(state, event) → state.
// Stock is not here: a coordinator reserves on the product streams (lines_of) in the same batch
// as OrderPlaced, and releases or confirms them when the order ends.
// Every member has an initializer, so designated initializers build these warning-free.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/errors.hpp"
#include "events/ids.hpp"
#include "events/order_events.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::domain {

enum class OrderStatus { pending_payment, paid, payment_failed, expired, cancelled, needs_attention, refunded };
[[nodiscard]] std::string_view to_string(OrderStatus s) noexcept;  // the API's name: "pending_payment"
[[nodiscard]] bool parse(std::string_view text, OrderStatus& out) noexcept;

struct OrderState {
  OrderRef reference{};  // set by whoever creates the state (the actor, from its key), or by OrderPlaced
  UserId user{};
  std::vector<events::OrderLine> lines{};
  std::int64_t amount_in_cents = 0;
  std::string currency{};
  std::string gateway{};
  OrderStatus status = OrderStatus::pending_payment;  // meaningful once placed
  Micros expires_at = 0;
  std::string idempotency_key{};
  bool placed = false;
  std::uint64_t version = 0;  // events applied: the stream's version
};

// One cart line priced from its product at checkout.
struct PricedLine {
  Sku sku{};
  std::int64_t quantity = 0;
  std::int64_t price_in_cents = 0;
  std::string currency{};
};

// Checkout. amount = Σ quantity × price; the order's currency is the lines' one. No events when
// the order is already placed (a retry: the first placement stands). Refused: no lines
// (empty_cart); quantity ≤ 0 (invalid_quantity); mixed currencies, a negative price, a sku twice,
// an overflowing amount, an empty reference/user/gateway, or a reference other than the state's
// (invalid_argument).
struct PlaceOrder {
  OrderRef reference{};
  UserId user{};
  std::vector<PricedLine> lines{};
  std::string gateway{};
  Micros expires_at = 0;
  std::string idempotency_key{};
};

// The reservation timer fired: OrderExpired when still pending_payment and now ≥ expires_at;
// otherwise (paid, early, already ended, never placed) no events.
struct ExpireOrder {
  Micros now = 0;
};

// OrderCancelled while pending_payment; no events when already cancelled. Refused: never placed
// (unknown_order); paid or needs_attention (already_paid); expired, payment_failed, refunded
// (not_pending).
struct CancelOrder {
  events::CancelledBy by = events::CancelledBy::owner;
};

using OrderCommand = std::variant<PlaceOrder, ExpireOrder, CancelOrder>;
using OrderEvent = std::variant<events::OrderPlaced, events::OrderExpired, events::OrderCancelled>;

[[nodiscard]] Decision<OrderEvent> decide(const OrderState& state, const OrderCommand& command);
// The event is taken by value so that std::apply, which ADL finds through std::variant, never
// wins overload resolution against this for a non-const event.
[[nodiscard]] OrderState apply(OrderState state, OrderEvent event);

// What the order holds on each product, for the coordinator that reserves, releases or confirms.
[[nodiscard]] std::vector<std::pair<Sku, std::int64_t>> lines_of(const OrderState& order);

// The stored form: envelope type and JSON data, and back (unknown type or bad JSON: data_loss).
[[nodiscard]] std::string_view type_of(const OrderEvent& event);
[[nodiscard]] std::string to_json(const OrderEvent& event);
[[nodiscard]] Result<OrderEvent> decode_order_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
