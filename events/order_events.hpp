// Facts about an order, stored on the stream `order/<reference>` (API.md §4).
// Payment facts (PaymentApproved, PaymentFailed, OrderNeedsAttention, …) join this file later as
// new structs; never change what an existing one means. Its JSON codec is the event's `data` in
// the envelope. Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/ids.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::events {

inline constexpr std::string_view kOrderStreamPrefix = "order/";
[[nodiscard]] std::string order_stream(const OrderRef& reference);

// Who cancelled an order.
enum class CancelledBy { owner, admin };
[[nodiscard]] std::string_view to_string(CancelledBy by) noexcept;
[[nodiscard]] bool parse(std::string_view text, CancelledBy& out) noexcept;

// One line of an order, priced when it was placed.
struct OrderLine {
  Sku sku;
  std::int64_t quantity = 0;
  std::int64_t price_in_cents = 0;  // per unit
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

// Checkout placed the order; its stock is reserved on the products' streams in the same batch.
struct OrderPlaced {
  static constexpr std::string_view kType = "OrderPlaced";
  OrderRef reference;
  UserId user;
  std::vector<OrderLine> lines;
  std::int64_t amount_in_cents = 0;  // Σ quantity × price_in_cents
  std::string currency;
  std::string gateway;  // "wompi", "mercadopago", "stripe"
  Micros expires_at = 0;
  std::string idempotency_key;  // empty when the checkout carried none
  friend bool operator==(const OrderPlaced&, const OrderPlaced&) = default;
};

// No payment arrived before `expires_at`; its reservations are released.
struct OrderExpired {
  static constexpr std::string_view kType = "OrderExpired";
  friend bool operator==(const OrderExpired&, const OrderExpired&) = default;
};

// The owner or an admin cancelled the order while it waited for payment.
struct OrderCancelled {
  static constexpr std::string_view kType = "OrderCancelled";
  CancelledBy by = CancelledBy::owner;
  friend bool operator==(const OrderCancelled&, const OrderCancelled&) = default;
};

[[nodiscard]] std::string to_json(const OrderPlaced& e);
[[nodiscard]] std::string to_json(const OrderExpired& e);
[[nodiscard]] std::string to_json(const OrderCancelled& e);
[[nodiscard]] Result<OrderPlaced> order_placed_from_json(std::string_view json);
[[nodiscard]] Result<OrderExpired> order_expired_from_json(std::string_view json);
[[nodiscard]] Result<OrderCancelled> order_cancelled_from_json(std::string_view json);

}  // namespace bitacora::events
