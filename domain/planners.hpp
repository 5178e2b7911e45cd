// Planners: the decisions that span several aggregates — checkout, a payment fact, the end of an
// order — as pure functions from the states involved to ONE plan of events for every stream (or a
// refusal). The coordinators in actors/ only gather those states (holding the aggregates), call a
// planner, append its plan as one batch and let go; everything that can be decided is decided
// here, once, and tested as tables (tests/domain/planners_test.cpp).
//
// Products appear as slices (domain::slice_for): each product as the planned order sees it, one
// per line of the order or cart, in sku order. Pure: no I/O, no threads, no clock.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/cart.hpp"
#include "domain/coupon.hpp"
#include "domain/delivery.hpp"
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
  Micros now = 0;
  Micros expires_at = 0;
  std::string idempotency_key{};
  std::optional<DeliveryChoice> delivery{};  // none: pickup
};

// What a checkout prices besides its products: the cart's coupon (its slice for this order and
// shopper) and the delivery zone, each when there is one.
struct CheckoutExtras {
  const CouponState* coupon = nullptr;      // set exactly when the cart has a coupon attached
  const DeliveryZoneState* zone = nullptr;  // set exactly when the request asks for delivery
};

struct CheckoutPlan {
  std::vector<OrderEvent> order_events{};    // OrderPlaced
  std::vector<ProductPlan> products{};       // a StockReserved each
  std::vector<CouponEvent> coupon_events{};  // CouponUseHeld, when the cart has a coupon
  OrderState after{};                        // the order once placed
};

// The money of a cart as checkout would charge it.
struct CheckoutQuote {
  std::int64_t subtotal_in_cents = 0;
  std::int64_t discount_in_cents = 0;
  std::int64_t delivery_fee_in_cents = 0;
  std::int64_t total_in_cents = 0;
  std::string currency{};
};

// check_coupon on priced lines: in their currency (the first line's that names one), for `user`
// at `now`. What a cart shows, attaching checks and checkout decides all ask this.
[[nodiscard]] std::variant<std::int64_t, CouponRefusal> check_coupon(const CouponState& coupon, const UserId& user,
                                                                     const std::vector<PricedLine>& lines, Micros now);

// Prices `lines` (in `currency`) with the coupon and delivery of `extras` for `user` at `now`, or
// refuses: coupon_invalid with its reason; delivery_unavailable with its reason.
[[nodiscard]] Planned<CheckoutQuote> quote_checkout(const std::vector<PricedLine>& lines, const UserId& user,
                                                    CheckoutExtras extras, const std::optional<DeliveryChoice>& delivery,
                                                    Micros now);

// Reserves every line of `cart` on its product (`products`: one slice per line), holds a use of
// its coupon and places the order priced by quote_checkout, or refuses: empty_cart;
// insufficient_stock with one shortage per line that cannot be had (an unknown sku has 0
// available); coupon_invalid; delivery_unavailable; any other refusal of a product or of the order.
[[nodiscard]] Planned<CheckoutPlan> plan_checkout(const CartState& cart, const OrderState& order,
                                                  const std::vector<ProductState>& products, CheckoutExtras extras,
                                                  const CheckoutRequest& request);

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
  std::vector<CouponEvent> coupon_events{};  // the order's use confirmed, released or taken again
  std::vector<CartEvent> cart_events{};  // the owner's cart emptied when the order becomes paid
  OrderState after{};
  std::string effect = "no_change";  // "paid", "payment_failed", "needs_attention", "refunded", "no_change"
  bool left_pending = false;         // the order stopped waiting for payment: its expiry timer goes
};

// Applies `payment` to `order` with its owner's `cart` and, as payment_stock_need said, the
// slices of its products and of its coupon (none for StockNeed::none; `coupon` is null when the
// order has none). For a retake every line is reserved and confirmed and the coupon's use taken
// again, or — when any cannot be — nothing is and the order needs attention.
[[nodiscard]] Planned<PaymentPlan> plan_payment(const OrderState& order, const CartState& cart,
                                                const std::vector<ProductState>& products, const CouponState* coupon,
                                                ApplyPayment payment);

// -- the end of an order (expiry or cancellation) ------------------------------------------------

struct EndOrderPlan {
  std::vector<OrderEvent> order_events{};    // OrderExpired or OrderCancelled; none when nothing ends
  std::vector<ProductPlan> products{};       // a ReservationReleased each, where the order held stock
  std::vector<CouponEvent> coupon_events{};  // CouponUseReleased, where the order held a use
  OrderState after{};
};

// Whether ending `order` by `command` releases stock (then its products' slices are needed).
[[nodiscard]] bool end_order_needs_stock(const OrderState& order, const OrderCommand& command);

[[nodiscard]] Planned<EndOrderPlan> plan_end_order(const OrderState& order, const OrderCommand& command,
                                                   events::ReleaseReason reason, const std::vector<ProductState>& products,
                                                   const CouponState* coupon);

// -- an operator's resolution of an order that needs attention ---------------------------------

struct ResolvePlan {
  std::vector<OrderEvent> order_events{};    // OrderResolved
  std::vector<ProductPlan> products{};       // per line: confirmed, reserved and confirmed, or released
  std::vector<CouponEvent> coupon_events{};  // the order's use confirmed, taken again, or released
  OrderState after{};
};

// Resolves `order` (needs_attention) with the slices of its products — held exclusively, since
// mark_paid may reserve — and of its coupon (null when it has none). mark_paid: each line the
// order still holds is confirmed, each it does not is reserved and confirmed; its coupon's use is
// confirmed, or taken again and confirmed; the order becomes paid. Refused as a whole when any
// line cannot be had (insufficient_stock with one shortage per line) or the coupon has no use
// left (coupon_invalid). cancel: whatever it holds is released (reason cancelled); the order
// becomes cancelled. The shopper's cart is left alone: a resolution may come long after it moved on.
[[nodiscard]] Planned<ResolvePlan> plan_resolve(const OrderState& order, const std::vector<ProductState>& products,
                                                const CouponState* coupon, const ResolveOrder& command);

}  // namespace bitacora::domain
