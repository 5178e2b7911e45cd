// Planners: the decisions that span several aggregates — checkout, a payment fact, the end of an
// order — as pure functions from the states involved to ONE plan of events for every stream (or a
// refusal). The coordinators in actors/ only gather those states (holding the aggregates), call a
// planner, append its plan as one batch and let go; everything that can be decided is decided
// here, once, and tested as tables (tests/domain/planners_test.cpp).
//
// Products appear as slices (domain::slice_for): each product as the planned order sees it, one
// per line of the order or cart, in sku order. Pure: no I/O, no threads, no clock.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "domain/cart.hpp"
#include "domain/errors.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"

namespace bitacora::domain {

// One product's part of a plan.
struct ProductPlan {
  Sku sku{};
  std::vector<ProductEvent> events{};
};

template <class Plan>
using Planned = std::variant<Plan, DomainError>;

// -- checkout ------------------------------------------------------------------------------------

struct CheckoutRequest {
  OrderRef reference{};  // new, never placed
  std::string gateway{};
  Micros expires_at = 0;
  std::string idempotency_key{};
};

struct CheckoutPlan {
  std::vector<OrderEvent> order_events{};  // OrderPlaced
  std::vector<ProductPlan> products{};     // a StockReserved each
  OrderState after{};                      // the order once placed
};

// Reserves every line of `cart` on its product (`products`: one slice per line) and places the
// order, or refuses: empty_cart; insufficient_stock with one shortage per line that cannot be had
// (an unknown sku has 0 available); any other refusal of a product or of the order as it is.
[[nodiscard]] Planned<CheckoutPlan> plan_checkout(const CartState& cart, const OrderState& order,
                                                  const std::vector<ProductState>& products, const CheckoutRequest& request);

// -- payment facts -------------------------------------------------------------------------------

enum class StockNeed {
  none,     // the fact moves no stock: no product is involved
  own,      // confirm or release the order's own reservations: products held shared
  retake,   // an approval after the order ended: reserve every line again, products held exclusively
};

// What a payment fact needs of the order's products, decided before they are gathered.
[[nodiscard]] StockNeed payment_stock_need(const OrderState& order, const ApplyPayment& payment);

struct PaymentPlan {
  std::vector<OrderEvent> order_events{};
  std::vector<ProductPlan> products{};
  std::vector<CartEvent> cart_events{};  // the owner's cart emptied when the order becomes paid
  OrderState after{};
  std::string effect = "no_change";  // "paid", "payment_failed", "needs_attention", "refunded", "no_change"
  bool left_pending = false;         // the order stopped waiting for payment: its expiry timer goes
};

// Applies `payment` to `order` with its owner's `cart` and, as payment_stock_need said, the
// slices of its products (none for StockNeed::none). For a retake every line is reserved and
// confirmed, or — when any cannot be — none is and the order needs attention.
[[nodiscard]] Planned<PaymentPlan> plan_payment(const OrderState& order, const CartState& cart,
                                                const std::vector<ProductState>& products, ApplyPayment payment);

// -- the end of an order (expiry or cancellation) ------------------------------------------------

struct EndOrderPlan {
  std::vector<OrderEvent> order_events{};  // OrderExpired or OrderCancelled; none when nothing ends
  std::vector<ProductPlan> products{};     // a ReservationReleased each, where the order held stock
  OrderState after{};
};

// Whether ending `order` by `command` releases stock (then its products' slices are needed).
[[nodiscard]] bool end_order_needs_stock(const OrderState& order, const OrderCommand& command);

[[nodiscard]] Planned<EndOrderPlan> plan_end_order(const OrderState& order, const OrderCommand& command,
                                                   events::ReleaseReason reason, const std::vector<ProductState>& products);

}  // namespace bitacora::domain
