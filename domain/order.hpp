// The order aggregate: one checkout's lines, amount and status (API.md §4, stream `order/<reference>`).
// decide(state, command) → the events to append, or a DomainError; apply(state, event) → state.
// Stock is not here: a coordinator reserves on the product streams (lines_of) in the same batch
// as OrderPlaced, and releases or confirms them when the order ends or is paid (stock_effect).
// Every member has an initializer, so designated initializers build these warning-free.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
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

// The last payment fact applied to an order, as the API's "payment" object shows it.
struct OrderPayment {
  std::string gateway{};
  std::string transaction_id{};
  std::string status{};  // the gateway's own word
  friend bool operator==(const OrderPayment&, const OrderPayment&) = default;
};

struct OrderState {
  OrderRef reference{};  // set by whoever creates the state (the actor, from its key), or by OrderPlaced
  UserId user{};
  std::vector<events::OrderLine> lines{};
  std::int64_t amount_in_cents = 0;  // subtotal − discount + delivery fee
  std::string currency{};
  std::string gateway{};
  std::int64_t discount_in_cents = 0;
  std::int64_t delivery_fee_in_cents = 0;
  std::optional<CouponCode> coupon{};      // whose use the order holds (pending), used (paid) or released
  std::optional<ZoneId> delivery_zone{};   // none: pickup
  std::int64_t delivery_distance_m = 0;
  Micros placed_at = 0;                    // 0: placed before it was recorded
  OrderStatus status = OrderStatus::pending_payment;  // meaningful once placed
  Micros expires_at = 0;
  std::string idempotency_key{};
  bool placed = false;
  std::optional<OrderPayment> payment{};  // none until a payment fact is applied
  // payment_key of every payment fact applied, so that a notification is acted on exactly once.
  std::set<std::string> applied_payments{};
  std::uint64_t version = 0;  // events applied: the stream's version

  // Σ quantity × price of its lines (saturating: an order is placed only when it fits).
  [[nodiscard]] std::int64_t subtotal_in_cents() const noexcept;
};

// One cart line priced from its product at checkout.
struct PricedLine {
  Sku sku{};
  std::int64_t quantity = 0;
  std::int64_t price_in_cents = 0;
  std::string currency{};
};

// Checkout. amount = Σ quantity × price − discount + delivery fee; the order's currency is the
// lines' one. No events when the order is already placed (a retry: the first placement stands).
// Refused: no lines (empty_cart); quantity ≤ 0 (invalid_quantity); mixed currencies, a negative
// price, a sku twice, an overflowing amount, a discount below 0 or above the subtotal, a fee below
// 0, an empty reference/user/gateway, or a reference other than the state's (invalid_argument).
struct PlaceOrder {
  OrderRef reference{};
  UserId user{};
  std::vector<PricedLine> lines{};
  std::string gateway{};
  Micros expires_at = 0;
  std::string idempotency_key{};
  std::int64_t discount_in_cents = 0;
  std::int64_t delivery_fee_in_cents = 0;
  std::optional<CouponCode> coupon{};
  std::optional<ZoneId> delivery_zone{};
  std::int64_t delivery_distance_m = 0;
  Micros placed_at = 0;
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
  std::string by{events::kCancelledByOwner};  // "owner", or the operator's name
  std::string note{};                         // the operator's note, if any
  std::optional<std::uint64_t> if_match{};    // If-Match: refused (version_conflict) unless at this version
};

// An operator resolves an order in needs_attention: OrderResolved. Refused: never placed
// (unknown_order); any other status (not_needs_attention); an empty operator name
// (invalid_argument). What it holds is taken or released by domain::plan_resolve.
struct ResolveOrder {
  events::Resolution action = events::Resolution::cancel;
  std::string by{};
  std::string note{};
  std::optional<std::uint64_t> if_match{};  // as CancelOrder's
};

// What a gateway's notification means for the order, parsed from its own word at the edge.
enum class PaymentOutcome { approved, failed, pending, refunded };
[[nodiscard]] std::string_view to_string(PaymentOutcome o) noexcept;  // "approved", …
[[nodiscard]] bool parse(std::string_view text, PaymentOutcome& out) noexcept;

// "gateway|transaction_id|outcome": one payment fact's identity in OrderState::applied_payments.
// Gateway names are fixed words without '|', so two facts never share a key.
[[nodiscard]] std::string payment_key(std::string_view gateway, std::string_view transaction_id,
                                      PaymentOutcome outcome);

// A processed webhook's payment for this order (API.md §4 "Payment effects"). Refused: never
// placed (unknown_order); an empty gateway or transaction id (invalid_argument). No events when
// this (gateway, transaction, outcome) was already applied, or for `pending`. Otherwise:
// - approved, order pending_payment: PaymentApproved when amount and currency (compared
//   case-insensitively) are the order's, else OrderNeedsAttention{amount_mismatch};
//   order paid, needs_attention or refunded: no events (already decided);
//   order expired, cancelled or payment_failed: OrderNeedsAttention{amount_mismatch} on a
//   mismatch, else OrderNeedsAttention{stock_unavailable} unless `stock_available`, else
//   OrderNeedsAttention{coupon_exhausted} unless `coupon_available`, else PaymentApproved.
// - failed: PaymentFailed when pending_payment; otherwise no events (a late failure never moves
//   an order back).
// - refunded: OrderRefunded when paid; otherwise no events.
struct ApplyPayment {
  std::string gateway{};
  std::string transaction_id{};
  PaymentOutcome outcome = PaymentOutcome::pending;
  std::string status{};  // the gateway's own word, carried into the event
  std::int64_t amount_in_cents = 0;
  std::string currency{};
  // Only read for an approval of an ended order: the coordinator tried to reserve every line
  // again (on the product actors) and all of them succeeded. Default false.
  bool stock_available = false;
  // Likewise: its coupon's use could be taken again (true for an order without a coupon).
  bool coupon_available = true;
};

using OrderCommand = std::variant<PlaceOrder, ExpireOrder, CancelOrder, ApplyPayment, ResolveOrder>;
using OrderEvent = std::variant<events::OrderPlaced, events::OrderExpired, events::OrderCancelled,
                                events::PaymentApproved, events::PaymentFailed, events::OrderNeedsAttention,
                                events::OrderRefunded, events::OrderResolved>;

[[nodiscard]] Decision<OrderEvent> decide(const OrderState& state, const OrderCommand& command);
// The event is taken by value so that std::apply, which ADL finds through std::variant, never
// wins overload resolution against this for a non-const event.
[[nodiscard]] OrderState apply(OrderState state, OrderEvent event);
// The same, changing `state` in place: for loops that fold many events into one state (audit,
// replay), where `s = apply(std::move(s), e)` would move the whole state three times an event.
void apply_in_place(OrderState& state, OrderEvent event);

// What the order holds on each product, for the coordinator that reserves, releases or confirms.
[[nodiscard]] std::vector<std::pair<Sku, std::int64_t>> lines_of(const OrderState& order);

// What appending `event` to the order in state `before` asks of its lines' stock (lines_of), so
// the coordinator appends the product events in the same batch. OrderPlaced is `none` (checkout
// reserves itself); OrderNeedsAttention is `none` (API.md: stock untouched; a mismatch keeps its
// reservations held for a person to resolve); OrderRefunded is `none` (a refund does not restock);
// OrderResolved is `none` here: what a needs_attention order holds varies, and plan_resolve
// takes or releases it line by line.
enum class StockEffect {
  none,
  confirm,              // PaymentApproved of a pending order: confirm the reservations it holds
  reserve_and_confirm,  // PaymentApproved of an expired, cancelled or failed order: reserve again, confirm
  release,              // PaymentFailed, OrderExpired or OrderCancelled of a pending order: release
                        // the reservations it holds
};
[[nodiscard]] StockEffect stock_effect(const OrderState& before, const OrderEvent& event);

// The stored form: envelope type and JSON data, and back (unknown type or bad JSON: data_loss).
[[nodiscard]] std::string_view type_of(const OrderEvent& event);
[[nodiscard]] std::string to_json(const OrderEvent& event);
[[nodiscard]] Result<OrderEvent> decode_order_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
