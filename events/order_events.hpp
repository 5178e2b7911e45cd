// Facts about an order, stored on the stream `order/<reference>` (API.md §4): its placement, its
// end without payment, and the payment facts the gateways reported. New facts join as new structs;
// never change what an existing one means. Its JSON codec is the event's `data` in the envelope.
// Every payment fact carries the gateway's own `status` word ("APPROVED", "approved",
// "payment_intent.succeeded", …) as reported, for people and the API's "payment" object; the
// domain never branches on it. Pure value code; thread-safe.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "events/ids.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::events {

inline constexpr std::string_view kOrderStreamPrefix = "order/";
[[nodiscard]] std::string order_stream(const OrderRef& reference);

// Who cancelled an order: its owner, or an operator by name (records older than named
// operators say "admin", which is the admin token's operator).
inline constexpr std::string_view kCancelledByOwner = "owner";

// One line of an order, priced when it was placed.
struct OrderLine {
  Sku sku;
  std::int64_t quantity = 0;
  std::int64_t price_in_cents = 0;  // per unit
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

// A line's members, listed once for every JSON form that holds lines — OrderPlaced's and the
// order state's (snapshots/state_codec.cpp) — in the `fields` idiom of events/json_fields.hpp.
template <class IO, class Line>
  requires std::same_as<std::remove_const_t<Line>, OrderLine>
void fields(IO& io, Line& line) {
  io("sku", line.sku);
  io("quantity", line.quantity);
  io("price_in_cents", line.price_in_cents);
}

// Checkout placed the order; its stock is reserved on the products' streams (and its coupon's use
// held) in the same batch. Orders placed before coupons and delivery existed lack the members
// from discount_in_cents on, and read as no discount, pickup and an unknown placement time.
struct OrderPlaced {
  static constexpr std::string_view kType = "OrderPlaced";
  OrderRef reference;
  UserId user;
  std::vector<OrderLine> lines;
  std::int64_t amount_in_cents = 0;  // subtotal (Σ quantity × price_in_cents) − discount + delivery fee
  std::string currency;
  std::string gateway;  // "wompi", "mercadopago", "stripe"
  Micros expires_at = 0;
  std::string idempotency_key;  // empty when the checkout carried none
  std::int64_t discount_in_cents = 0;
  std::int64_t delivery_fee_in_cents = 0;
  std::optional<CouponCode> coupon{};     // the coupon whose use the order holds
  std::optional<ZoneId> delivery_zone{};  // none: pickup
  std::int64_t delivery_distance_m = 0;
  Micros placed_at = 0;                   // 0: placed before it was recorded
  friend bool operator==(const OrderPlaced&, const OrderPlaced&) = default;
};

// No payment arrived before `expires_at`; its reservations are released.
struct OrderExpired {
  static constexpr std::string_view kType = "OrderExpired";
  friend bool operator==(const OrderExpired&, const OrderExpired&) = default;
};

// The owner or an operator cancelled the order while it waited for payment.
struct OrderCancelled {
  static constexpr std::string_view kType = "OrderCancelled";
  std::string by{kCancelledByOwner};  // "owner", or the operator's name
  std::string note{};                 // the operator's note, if any
  friend bool operator==(const OrderCancelled&, const OrderCancelled&) = default;
};

// Why an order needs a person: the gateway approved a payment the order could not simply take.
enum class AttentionReason {
  amount_mismatch,    // the approved amount or currency is not the order's
  stock_unavailable,  // approved after the order ended, and its lines could not be reserved again
  coupon_exhausted,   // approved after the order ended, and its coupon had no use left to take again
};
[[nodiscard]] std::string_view to_string(AttentionReason reason) noexcept;
[[nodiscard]] bool parse(std::string_view text, AttentionReason& out) noexcept;

// The gateway approved the order's amount in its currency; the order is paid and its stock confirmed.
struct PaymentApproved {
  static constexpr std::string_view kType = "PaymentApproved";
  std::string gateway;
  std::string transaction_id;
  std::string status;                // the gateway's own word, e.g. "APPROVED"
  std::int64_t amount_in_cents = 0;  // as the gateway reported it
  std::string currency;              // as the gateway reported it
  friend bool operator==(const PaymentApproved&, const PaymentApproved&) = default;
};

// The gateway declined, rejected, voided or cancelled the payment of a pending order; its
// reservations are released.
struct PaymentFailed {
  static constexpr std::string_view kType = "PaymentFailed";
  std::string gateway;
  std::string transaction_id;
  std::string status;
  friend bool operator==(const PaymentFailed&, const PaymentFailed&) = default;
};

// The gateway approved a payment the order could not take as it is (see AttentionReason): money
// was taken, so the order is neither paid nor failed, and waits for a person.
struct OrderNeedsAttention {
  static constexpr std::string_view kType = "OrderNeedsAttention";
  AttentionReason reason = AttentionReason::amount_mismatch;
  std::string gateway;
  std::string transaction_id;
  std::string status;
  std::int64_t amount_in_cents = 0;  // as the gateway reported it
  std::string currency;              // as the gateway reported it
  friend bool operator==(const OrderNeedsAttention&, const OrderNeedsAttention&) = default;
};

// The gateway refunded the payment of a paid order.
struct OrderRefunded {
  static constexpr std::string_view kType = "OrderRefunded";
  std::string gateway;
  std::string transaction_id;
  std::string status;
  friend bool operator==(const OrderRefunded&, const OrderRefunded&) = default;
};

// How an operator resolved an order that needed attention.
enum class Resolution {
  mark_paid,  // the payment stands: the order's stock (and coupon use) is taken and confirmed; paid
  cancel,     // the payment is refunded at the gateway: whatever the order holds is released; cancelled
};
[[nodiscard]] std::string_view to_string(Resolution r) noexcept;
[[nodiscard]] bool parse(std::string_view text, Resolution& out) noexcept;

// An operator resolved an order in needs_attention (POST /api/orders/{reference}/resolve); the
// products' and the coupon's events of the same batch take or release what it holds.
struct OrderResolved {
  static constexpr std::string_view kType = "OrderResolved";
  Resolution action = Resolution::cancel;
  std::string by;    // the operator's name
  std::string note;  // their note; may be empty
  friend bool operator==(const OrderResolved&, const OrderResolved&) = default;
};

[[nodiscard]] std::string to_json(const OrderPlaced& e);
[[nodiscard]] std::string to_json(const OrderExpired& e);
[[nodiscard]] std::string to_json(const OrderCancelled& e);
[[nodiscard]] Result<OrderPlaced> order_placed_from_json(std::string_view json);
[[nodiscard]] Result<OrderExpired> order_expired_from_json(std::string_view json);
[[nodiscard]] Result<OrderCancelled> order_cancelled_from_json(std::string_view json);
[[nodiscard]] std::string to_json(const PaymentApproved& e);
[[nodiscard]] std::string to_json(const PaymentFailed& e);
[[nodiscard]] std::string to_json(const OrderNeedsAttention& e);
[[nodiscard]] std::string to_json(const OrderRefunded& e);
[[nodiscard]] Result<PaymentApproved> payment_approved_from_json(std::string_view json);
[[nodiscard]] Result<PaymentFailed> payment_failed_from_json(std::string_view json);
[[nodiscard]] Result<OrderNeedsAttention> order_needs_attention_from_json(std::string_view json);
[[nodiscard]] Result<OrderRefunded> order_refunded_from_json(std::string_view json);
[[nodiscard]] std::string to_json(const OrderResolved& e);
[[nodiscard]] Result<OrderResolved> order_resolved_from_json(std::string_view json);

}  // namespace bitacora::events
