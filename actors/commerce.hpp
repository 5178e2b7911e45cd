// Commerce: the catalog, carts, checkout and orders (API.md §3, §4) on top of one actor per
// product, cart and order. The HTTP layer calls these and gets its answer through the callback,
// which may run on any thread (post it; don't work there).
//
// Checkout and the end of an order change several aggregates at once. A coordinator holds the
// actors involved — always in the order cart, then order, then products by sku — decides with
// the pure aggregates, appends ONE batch (events of every stream, the expiry timer row, the index
// row, counters), and only then lets each actor apply its events. So all lines are reserved
// together or none is, and a crash at any point leaves the log with all of it or none of it.
#pragma once

#include <caf/all.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "actors/deps.hpp"
#include "actors/passivation.hpp"
#include "actors/registry.hpp"
#include "actors/scheduler.hpp"
#include "actors/traits.hpp"
#include "domain/planners.hpp"

namespace bitacora::actors {

struct CommerceOptions {
  int reservation_ttl_seconds = 900;
  RegistryOptions aggregates;  // snapshots and passivation of the product, cart and order actors
  // When set, the product actors live on another node and this is its product router
  // (Registry::serve, published with CAF's middleman): the groundwork for spreading partitions.
  caf::actor products_home;
};

template <class T>
using Outcome = std::variant<T, domain::DomainError, Error>;

// The coupon attached to a cart, as the cart shows it: its discount on the cart now, or why it
// would not apply (checkout decides again, for real).
struct CartCoupon {
  CouponCode code;
  std::int64_t discount_in_cents = 0;
  std::optional<domain::CouponRefusal> refusal;
};

// A cart with what the API shows beside it: each line's product (price, currency), its coupon.
struct CartView {
  domain::CartState cart;
  std::map<Sku, ProductView> products;
  std::optional<CartCoupon> coupon;  // set exactly when the cart has one attached
};

// What a checkout asks for besides the cart.
struct CheckoutOptions {
  std::string gateway;
  std::optional<std::string> idempotency_key;
  std::optional<domain::DeliveryChoice> delivery;  // none: pickup
};

struct CheckoutResult {
  domain::OrderState order;
  bool replayed = false;  // an earlier checkout with the same Idempotency-Key
};

inline constexpr const char* kReservationExpiry = "reservation_expiry";  // timer kind
inline constexpr const char* kActiveReservations = "reservations.active";  // counter: orders holding stock
// The durable counter of orders in `status`: "orders.paid", … (kept by the coordinators' batches).
[[nodiscard]] std::string order_status_counter(domain::OrderStatus status);
// The durable counter of checkouts that reached `outcome` ("created", or the status an order
// moved to: "paid", "expired", …), ever: "checkouts.<outcome>". bitacora_checkouts_total.
[[nodiscard]] std::string checkout_outcome_counter(std::string_view outcome);

class Commerce {
 public:
  // `scheduler` is told of every expiry timer row the coordinators make durable or delete; it
  // fires them through expiry_handler(), which its owner gives it when it starts.
  Commerce(caf::actor_system& system, ActorDeps& deps, Scheduler& scheduler, CommerceOptions options);

  [[nodiscard]] TimerHandler expiry_handler();

  // `if_match` (here and on the cart's commands): only if the stream is at that version, else a
  // version_conflict refusal carrying the current one.
  using IfMatch = std::optional<std::uint64_t>;
  void put_product(const Sku& sku, domain::DefineProduct cmd, std::function<void(Outcome<ProductView>)> done,
                   IfMatch if_match = std::nullopt);
  void adjust_stock(const Sku& sku, domain::AdjustStock cmd, std::function<void(Outcome<ProductView>)> done,
                    IfMatch if_match = std::nullopt);
  // A product that was never defined is an unknown_sku refusal.
  void get_product(const Sku& sku, std::function<void(Outcome<ProductView>)> done);

  void get_cart(const UserId& user, std::function<void(Outcome<CartView>)> done);
  void add_to_cart(const UserId& user, const Sku& sku, std::int64_t quantity, std::function<void(Outcome<CartView>)> done,
                   IfMatch if_match = std::nullopt);
  void set_cart(const UserId& user, std::map<Sku, std::int64_t> lines, std::optional<std::uint64_t> if_match,
                std::function<void(Outcome<CartView>)> done);
  void clear_cart(const UserId& user, std::function<void(Outcome<CartView>)> done, IfMatch if_match = std::nullopt);
  // Attaches `code` when it applies to the cart now (else coupon_invalid with its reason).
  void attach_coupon(const UserId& user, const CouponCode& code, std::function<void(Outcome<CartView>)> done,
                     IfMatch if_match = std::nullopt);
  void remove_coupon(const UserId& user, std::function<void(Outcome<CartView>)> done, IfMatch if_match = std::nullopt);
  // What checking out the cart now would charge, appending and reserving nothing.
  void quote(const UserId& user, std::optional<domain::DeliveryChoice> delivery,
             std::function<void(Outcome<domain::CheckoutQuote>)> done);

  // Coupons and delivery zones (admin). An undefined coupon is coupon_invalid/unknown; an
  // undefined zone, delivery_unavailable/unknown_zone.
  void put_coupon(const CouponCode& code, domain::DefineCoupon cmd, std::function<void(Outcome<CouponView>)> done);
  void get_coupon(const CouponCode& code, std::function<void(Outcome<CouponView>)> done);
  void put_zone(const ZoneId& zone, domain::DefineDeliveryZone cmd,
                std::function<void(Outcome<domain::DeliveryZoneState>)> done);
  void get_zone(const ZoneId& zone, std::function<void(Outcome<domain::DeliveryZoneState>)> done);

  void checkout(const UserId& user, CheckoutOptions options, std::function<void(Outcome<CheckoutResult>)> done);
  // An order that was never placed is an unknown_order refusal.
  void get_order(const OrderRef& ref, std::function<void(Outcome<domain::OrderState>)> done);
  // By its owner or an operator (domain::CancelOrder::by).
  void cancel_order(const OrderRef& ref, domain::CancelOrder command, std::function<void(Outcome<domain::OrderState>)> done);
  // An operator resolves an order in needs_attention (domain::plan_resolve): marked paid (its
  // stock and coupon use taken and confirmed) or cancelled (whatever it holds released).
  void resolve_order(const OrderRef& ref, domain::ResolveOrder command, std::function<void(Outcome<domain::OrderState>)> done);

  // A payment fact reached the order (API.md §4 "Payment effects"): holds the owner's cart, the
  // order and, where stock moves, its products; appends ONE batch with their events and what
  // `record(effect)` returns (the webhook's own event, index row and timer change). `done` gets
  // the effect: "paid", "payment_failed", "needs_attention", "refunded" or "no_change"; an order
  // never placed is an unknown_order refusal (and nothing is appended).
  void apply_payment(const struct PaymentNotice& notice, std::function<storage::AppendRequest(const std::string& effect)> record,
                     std::function<void(Outcome<std::string>)> done);

  [[nodiscard]] std::size_t actors_alive() const;
  void sweep_idle();  // asks idle actors to leave memory (called by the sweeper)
  [[nodiscard]] std::int64_t active_reservations() const { return deps_.writer.counter(kActiveReservations); }
  void stop();  // asks the scheduler, the sweeper and every aggregate actor to exit
  // Destroying it stops it and waits until no actor is left running, so none outlives the
  // registries its messages go through.
  ~Commerce();

  // Internals shared with the coordinators (actors/coordinator.hpp).
  Registry<ProductTraits>& products() { return products_; }
  Registry<CartTraits>& carts() { return carts_; }
  Registry<OrderTraits>& orders() { return orders_; }
  Registry<CouponTraits>& coupons() { return coupons_; }
  ActorDeps& deps() { return deps_; }
  [[nodiscard]] const CommerceOptions& options() const { return options_; }
  void timer_scheduled(std::string key, Micros due, const OrderRef& ref);
  void timer_deleted(std::string key);

 private:
  void cart_command(const UserId& user, domain::CartCommand cmd, std::function<void(Outcome<CartView>)> done,
                    IfMatch if_match = std::nullopt);
  void view_cart(const domain::CartState& cart, std::function<void(Outcome<CartView>)> done);
  // The coupon as one shopper sees it (their own uses counted): held shared for a moment.
  void coupon_for(const CouponCode& code, const UserId& user, std::function<void(Outcome<domain::CouponState>)> done);
  // The cart's lines priced from their products now.
  void priced_cart(const UserId& user,
                   std::function<void(Outcome<std::pair<domain::CartState, std::vector<domain::PricedLine>>>)> done);

  caf::actor_system& system_;
  ActorDeps& deps_;
  CommerceOptions options_;
  Registry<ProductTraits> products_;
  Registry<CartTraits> carts_;
  Registry<OrderTraits> orders_;
  Registry<CouponTraits> coupons_;
  Registry<DeliveryTraits> zones_;
  Scheduler& scheduler_;
  Sweeper sweeper_;  // last: it calls into the registries
};

// The states of several products, asked for at once; `done` runs once, when all have answered.
void gather_products(Commerce& commerce, std::vector<Sku> skus,
                     std::function<void(std::map<Sku, ProductView>, std::optional<Error>)> done);

// The expiry timer of an order (storage::keys::timer), derived from its deadline and reference.
[[nodiscard]] std::string expiry_timer_key(const domain::OrderState& order);

}  // namespace bitacora::actors
