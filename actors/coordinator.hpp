// Internal to the commerce coordinators (checkout_tx.cpp, end_order_tx.cpp, payment_tx.cpp):
// what a coordinator holds, and how it lets go.
//
// A coordinator gathers the states a planner (domain/planners.hpp) needs by holding their actors
// (Hold messages, actors/protocol.hpp), calls the planner, appends its plan as ONE batch — fenced
// by the versions of every stream it held exclusively — and then commits (the actors apply their
// events) or releases. Each is a small state machine kept alive by its own callbacks; every step
// is started by exactly one callback, so it never runs two steps at once. Holds are taken one
// after another in one global order — cart, order, coupon, products by sku — so two coordinators
// never wait on each other, and are always given back, on every path, in finish(); commits go
// out in the reverse order, so whatever a coordinator finds after taking the outer hold has
// already been told the inner commits. A coordinator never touches an actor's context: it sees
// slices (a product as its order sees it), not whole states.
//
// A coupon is always held shared: checkouts for one popular coupon must not queue behind each
// other's fsyncs. Its hard limit is kept where they meet instead — the batch carries the durable
// counter of its claimed uses (coupon_claims_counter: used + held) with max_uses as a
// storage::AppendRequest::counter_limits bound, and the writer refuses (Errc::exhausted) the
// batch that would pass it. Its per-shopper limit is decided on the slice, which is exact because
// every claim by a shopper is made under that shopper's cart, held exclusively.
#pragma once

#include <optional>

#include "actors/commerce.hpp"
#include "domain/planners.hpp"

namespace bitacora::actors::coordination {

struct HeldProduct {
  caf::actor actor;             // the holder's handle on it
  domain::ProductState slice;   // the product as the held order sees it
  std::uint64_t version = 0;
};

[[nodiscard]] OrderRef new_reference();
// Appends `extra`'s contents after `req`'s own (a webhook's record rides in an order's batch).
void merge(storage::AppendRequest& req, storage::AppendRequest extra);
// Moves the durable per-status order counters ("orders.<status>") from `before` to `after`.
void count_status(storage::AppendRequest& req, const domain::OrderState& before, const domain::OrderState& after);
// The durable counter of a coupon's claimed uses (used + held): "coupon.<CODE>.claimed".
[[nodiscard]] std::string coupon_claims_counter(const CouponCode& code);

struct Holds {
  explicit Holds(Commerce& c) : commerce(c) {}
  Commerce& commerce;
  const HoldId hold = next_hold_id();  // names every hold this coordinator takes
  caf::actor cart_actor;
  bool cart_held = false;
  domain::CartState cart;
  std::uint64_t cart_version = 0;
  caf::actor order_actor;
  bool order_held = false;
  domain::OrderState order;
  std::uint64_t order_version = 0;
  caf::actor coupon_actor;
  bool coupon_held = false;
  std::optional<domain::CouponState> coupon;  // the order's coupon, as the order and its shopper see it
  std::vector<Sku> skus;  // sorted
  HoldMode product_mode = HoldMode::exclusive;
  std::vector<HeldProduct> held;

  // Holds the cart of `user`; then `next`, or tx->finish(error) if its state is unreadable.
  template <class Tx>
  static void hold_cart(std::shared_ptr<Tx> tx, const UserId& user, std::function<void()> next) {
    tx->commerce.carts().hold(user.value(), Hold<CartTraits>{{}, 0, tx->hold, HoldMode::exclusive, {}, 0},
                              [tx, next = std::move(next)](Held<CartTraits>&& h, const caf::actor& from) {
                                if (h.error) return tx->finish(*h.error);
                                tx->cart_actor = from;
                                tx->cart_held = true;
                                tx->cart = std::move(h.slice.value);
                                tx->cart_version = h.version;
                                next();
                              });
  }

  // Holds the order actor of `ref`; then `next`, or tx->finish(error) if its state is unreadable.
  template <class Tx>
  static void hold_order(std::shared_ptr<Tx> tx, const OrderRef& ref, std::function<void()> next) {
    tx->commerce.orders().hold(ref.value(), Hold<OrderTraits>{{}, 0, tx->hold, HoldMode::exclusive, ref, 0},
                               [tx, next = std::move(next)](Held<OrderTraits>&& h, const caf::actor& from) {
                                 if (h.error) return tx->finish(*h.error);
                                 tx->order_actor = from;
                                 tx->order_held = true;
                                 tx->order = std::move(h.slice.value);
                                 tx->order_version = h.version;
                                 next();
                               });
  }

  // Holds the coupon `code` (shared) as `order` of `user` sees it; then `next`.
  template <class Tx>
  static void hold_coupon(std::shared_ptr<Tx> tx, const CouponCode& code, const OrderRef& order, const UserId& user,
                          std::function<void()> next) {
    tx->commerce.coupons().hold(code.value(), Hold<CouponTraits>{{}, 0, tx->hold, HoldMode::shared, order, 0, user},
                                [tx, next = std::move(next)](Held<CouponTraits>&& h, const caf::actor& from) {
                                  if (h.error) return tx->finish(*h.error);
                                  tx->coupon_actor = from;
                                  tx->coupon_held = true;
                                  tx->coupon = std::move(h.slice.value);
                                  next();
                                });
  }

  // Holds the products of `skus` one after another (in `product_mode`), each as `order` sees it;
  // then `next`.
  template <class Tx>
  static void hold_products(std::shared_ptr<Tx> tx, OrderRef order, std::function<void()> next) {
    if (tx->held.size() == tx->skus.size()) return next();
    const auto& sku = tx->skus[tx->held.size()];
    tx->commerce.products().hold(sku.value(), Hold<ProductTraits>{{}, 0, tx->hold, tx->product_mode, order, 0},
                                 [tx, order, next = std::move(next)](Held<ProductTraits>&& h, const caf::actor& from) mutable {
                                   if (h.error) return tx->finish(*h.error);
                                   tx->held.push_back(HeldProduct{from, std::move(h.slice.value), h.version});
                                   hold_products(tx, std::move(order), std::move(next));
                                 });
  }

  [[nodiscard]] std::vector<domain::ProductState> slices() const;
  [[nodiscard]] const domain::CouponState* coupon_slice() const { return coupon ? &*coupon : nullptr; }
  // Adds the order's, the products', the coupon's and the cart's events of a plan to `req`; the
  // fences of what is held exclusively (the cart, the order, and the products when held
  // exclusively); and the coupon's claims counter, bounded by its max_uses when a use is taken.
  void add_plan(storage::AppendRequest& req, const std::vector<domain::OrderEvent>& order_events,
                const std::vector<domain::ProductPlan>& products, const std::vector<domain::CouponEvent>& coupon_events,
                const std::vector<domain::CartEvent>& cart_events = {}) const;
  // The batch is durable (`outcome`): every actor held applies its events and is let go.
  void commit(std::vector<domain::OrderEvent> order_events, std::vector<domain::ProductPlan> products,
              std::vector<domain::CouponEvent> coupon_events, const storage::AppendOutcome& outcome,
              std::vector<domain::CartEvent> cart_events = {});
  // Lets go of whatever is still held, unchanged.
  void release();
};

}  // namespace bitacora::actors::coordination
