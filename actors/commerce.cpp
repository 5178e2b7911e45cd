#include "actors/commerce.hpp"

#include <mutex>

#include "storage/keys.hpp"

namespace bitacora::actors {

Commerce::Commerce(caf::actor_system& system, ActorDeps& deps, Scheduler& scheduler, CommerceOptions options)
    : system_(system),
      deps_(deps),
      options_(options),
      products_(system, deps, options.aggregates, options.products_home),
      carts_(system, deps, options.aggregates),
      orders_(system, deps, options.aggregates),
      coupons_(system, deps, options.aggregates),
      zones_(system, deps, options.aggregates),
      scheduler_(scheduler),
      sweeper_(system, sweep_interval(std::chrono::microseconds(options.aggregates.idle)), [this] { sweep_idle(); }) {
  deps.metrics.gauge("bitacora_actors_alive", "Aggregate actors awake", [this] { return static_cast<double>(actors_alive()); });
  deps.metrics.gauge("bitacora_reservations_active", "Orders holding reserved stock",
                     [this] { return static_cast<double>(deps_.writer.counter(kActiveReservations)); });
  using domain::OrderStatus;
  for (auto status : {OrderStatus::pending_payment, OrderStatus::paid, OrderStatus::payment_failed, OrderStatus::expired,
                      OrderStatus::cancelled, OrderStatus::needs_attention, OrderStatus::refunded}) {
    deps.metrics.gauge("bitacora_orders", "Orders by status",
                       [this, name = order_status_counter(status)] { return static_cast<double>(deps_.writer.counter(name)); },
                       "status=\"" + std::string(domain::to_string(status)) + "\"");
  }
  for (std::string_view outcome : {"created", "paid", "payment_failed", "expired", "cancelled", "needs_attention", "refunded"}) {
    deps.metrics.counter_of("bitacora_checkouts_total", "Checkouts by what became of them (created, then each status reached)",
                            [this, name = checkout_outcome_counter(outcome)] { return static_cast<double>(deps_.writer.counter(name)); },
                            "outcome=\"" + std::string(outcome) + "\"");
  }
}

std::string order_status_counter(domain::OrderStatus status) { return "orders." + std::string(domain::to_string(status)); }
std::string checkout_outcome_counter(std::string_view outcome) { return "checkouts." + std::string(outcome); }

Commerce::~Commerce() {
  stop();
  system_.await_all_actors_done();
}

std::size_t Commerce::actors_alive() const {
  return products_.size() + carts_.size() + orders_.size() + coupons_.size() + zones_.size();
}

void Commerce::sweep_idle() {
  products_.sweep();
  carts_.sweep();
  orders_.sweep();
  coupons_.sweep();
  zones_.sweep();
}

void Commerce::stop() {
  scheduler_.stop();  // it fires our handlers: it goes first
  sweeper_.stop();
  products_.stop_all();
  carts_.stop_all();
  orders_.stop_all();
  coupons_.stop_all();
  zones_.stop_all();
}

std::string expiry_timer_key(const domain::OrderState& order) {
  return storage::keys::timer(static_cast<std::uint64_t>(order.expires_at), kReservationExpiry, order.reference.value());
}

void Commerce::timer_scheduled(std::string key, Micros due, const OrderRef& ref) {
  scheduler_.schedule(std::move(key), due, kReservationExpiry, ref.value(), ref.value());
}

void Commerce::timer_deleted(std::string key) {
  scheduler_.forget(std::move(key));
}

// -- products ---------------------------------------------------------------------------------

ProductView view_of(const domain::ProductState& p) {
  return ProductView{p.sku, p.name, p.price_in_cents, p.currency, p.on_hand, p.reserved, p.defined, p.version};
}

namespace {

// A command's outcome with the state turned into what the API shows (`as(view)`).
template <class K, class T, class As>
std::function<void(Decided<K>&&, const caf::actor&)> outcome_as(std::function<void(Outcome<T>)> done, As as) {
  return [done = std::move(done), as](Decided<K>&& d, const caf::actor&) {
    if (auto* view = std::get_if<typename K::View>(&d.outcome)) return as(std::move(*view), done);
    if (auto* refused = std::get_if<domain::DomainError>(&d.outcome)) return done(std::move(*refused));
    done(std::get<Error>(std::move(d.outcome)));
  };
}

void product_view(ProductView v, const std::function<void(Outcome<ProductView>)>& done) { done(std::move(v)); }

// An outcome that is not a value (a refusal or an error) passed on as another kind's.
template <class T, class U>
void forward_failure(Outcome<T>& outcome, const std::function<void(Outcome<U>)>& done) {
  if (auto* refused = std::get_if<domain::DomainError>(&outcome)) return done(std::move(*refused));
  done(std::get<Error>(std::move(outcome)));
}

}  // namespace

void Commerce::put_product(const Sku& sku, domain::DefineProduct cmd, std::function<void(Outcome<ProductView>)> done,
                           IfMatch if_match) {
  products_.command(sku.value(), std::move(cmd), outcome_as<ProductTraits>(std::move(done), product_view), if_match);
}

void Commerce::adjust_stock(const Sku& sku, domain::AdjustStock cmd, std::function<void(Outcome<ProductView>)> done,
                            IfMatch if_match) {
  products_.command(sku.value(), std::move(cmd), outcome_as<ProductTraits>(std::move(done), product_view), if_match);
}

void Commerce::get_product(const Sku& sku, std::function<void(Outcome<ProductView>)> done) {
  products_.get(sku.value(), [done = std::move(done)](Got<ProductTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    if (!g.view.defined) return done(domain::unknown_sku(g.view.sku));
    done(std::move(g.view));
  });
}

void gather_products(Commerce& commerce, std::vector<Sku> skus,
                     std::function<void(std::map<Sku, ProductView>, std::optional<Error>)> done) {
  struct Gather {
    std::mutex mu;
    std::size_t left;
    std::map<Sku, ProductView> states;
    std::optional<Error> error;
    std::function<void(std::map<Sku, ProductView>, std::optional<Error>)> done;
  };
  if (skus.empty()) return done({}, std::nullopt);
  auto g = std::make_shared<Gather>();
  g->left = skus.size();
  g->done = std::move(done);
  for (const auto& sku : skus) {
    commerce.products().get(sku.value(), [g](Got<ProductTraits>&& got, const caf::actor&) {
      std::unique_lock lock(g->mu);
      if (got.error && !g->error) g->error = got.error;
      auto key = got.view.sku;
      g->states[key] = std::move(got.view);
      if (--g->left > 0) return;
      lock.unlock();
      g->done(std::move(g->states), std::move(g->error));
    });
  }
}

// -- carts ------------------------------------------------------------------------------------

namespace {

std::vector<domain::PricedLine> priced_lines(const domain::CartState& cart, const std::map<Sku, ProductView>& products) {
  std::vector<domain::PricedLine> lines;
  for (const auto& [sku, qty] : cart.lines) {
    auto it = products.find(sku);
    if (it == products.end()) lines.push_back({sku, qty, 0, ""});
    else lines.push_back({sku, qty, it->second.price_in_cents, it->second.currency});
  }
  return lines;
}

// A coupon's counts and terms, without who holds its uses: enough to show a cart its discount.
domain::CouponState state_of(const CouponView& v) {
  domain::CouponState s;
  s.code = v.code;
  s.defined = v.defined;
  s.terms = v.terms;
  s.used = v.used;
  s.held = v.held;
  return s;
}

}  // namespace

CouponView view_of(const domain::CouponState& c) { return CouponView{c.code, c.defined, c.terms, c.used, c.held}; }

void Commerce::view_cart(const domain::CartState& cart, std::function<void(Outcome<CartView>)> done) {
  std::vector<Sku> skus;
  for (const auto& [sku, qty] : cart.lines) skus.push_back(sku);
  gather_products(*this, std::move(skus),
                  [this, cart, done = std::move(done)](std::map<Sku, ProductView> products, std::optional<Error> err) {
                    if (err) return done(*err);
                    if (!cart.coupon) return done(CartView{cart, std::move(products), std::nullopt});
                    coupons_.get(cart.coupon->value(), [this, cart, products = std::move(products), done](
                                                           Got<CouponTraits>&& g, const caf::actor&) mutable {
                      if (g.error) return done(*g.error);
                      auto checked =
                          domain::check_coupon(state_of(g.view), cart.user, priced_lines(cart, products), deps_.clock.now_us());
                      CartCoupon coupon{*cart.coupon, 0, std::nullopt};
                      if (auto* why = std::get_if<domain::CouponRefusal>(&checked)) coupon.refusal = *why;
                      else coupon.discount_in_cents = std::get<std::int64_t>(checked);
                      done(CartView{cart, std::move(products), std::move(coupon)});
                    });
                  });
}

void Commerce::get_cart(const UserId& user, std::function<void(Outcome<CartView>)> done) {
  carts_.get(user.value(), [this, done = std::move(done)](Got<CartTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    view_cart(g.view.value, done);
  });
}

void Commerce::cart_command(const UserId& user, domain::CartCommand cmd, std::function<void(Outcome<CartView>)> done,
                            IfMatch if_match) {
  carts_.command(user.value(), std::move(cmd),
                 outcome_as<CartTraits>(std::move(done), [this](Snap<domain::CartState> cart, const auto& reply) {
                   view_cart(cart.value, reply);
                 }),
                 if_match);
}

// The stock a cart command is checked against is what the products say now: advisory, since
// checkout reserves for real.
void Commerce::add_to_cart(const UserId& user, const Sku& sku, std::int64_t quantity,
                           std::function<void(Outcome<CartView>)> done, IfMatch if_match) {
  gather_products(*this, {sku}, [this, user, sku, quantity, if_match, done = std::move(done)](auto products, auto err) mutable {
    if (err) return done(*err);
    const auto& p = products.at(sku);
    cart_command(user, domain::AddCartItem{sku, quantity, domain::StockInfo{p.defined, p.available()}}, std::move(done),
                 if_match);
  });
}

void Commerce::set_cart(const UserId& user, std::map<Sku, std::int64_t> lines, std::optional<std::uint64_t> if_match,
                        std::function<void(Outcome<CartView>)> done) {
  std::vector<Sku> skus;
  for (const auto& [sku, qty] : lines) skus.push_back(sku);
  gather_products(*this, std::move(skus),
                  [this, user, lines = std::move(lines), if_match, done = std::move(done)](auto products, auto err) mutable {
                    if (err) return done(*err);
                    domain::SetCartQuantities cmd{std::move(lines), if_match, {}};
                    for (const auto& [sku, p] : products) cmd.stock[sku] = domain::StockInfo{p.defined, p.available()};
                    cart_command(user, std::move(cmd), std::move(done));
                  });
}

void Commerce::clear_cart(const UserId& user, std::function<void(Outcome<CartView>)> done, IfMatch if_match) {
  cart_command(user, domain::ClearCart{"emptied"}, std::move(done), if_match);
}

// -- orders -----------------------------------------------------------------------------------

void Commerce::get_order(const OrderRef& ref, std::function<void(Outcome<domain::OrderState>)> done) {
  orders_.get(ref.value(), [done = std::move(done)](Got<OrderTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    auto& s = g.view.value;
    if (!s.placed) return done(domain::refusal(domain::DomainErrc::unknown_order, "no order " + s.reference.value()));
    done(std::move(s));
  });
}

// -- coupons, delivery and quotes --------------------------------------------------------------

void Commerce::put_coupon(const CouponCode& code, domain::DefineCoupon cmd, std::function<void(Outcome<CouponView>)> done) {
  coupons_.command(code.value(), std::move(cmd), outcome_as<CouponTraits>(std::move(done), [](CouponView v, const auto& reply) {
                     reply(std::move(v));
                   }));
}

void Commerce::get_coupon(const CouponCode& code, std::function<void(Outcome<CouponView>)> done) {
  coupons_.get(code.value(), [done = std::move(done)](Got<CouponTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    if (!g.view.defined) return done(domain::coupon_invalid(domain::CouponRefusal::unknown));
    done(std::move(g.view));
  });
}

void Commerce::put_zone(const ZoneId& zone, domain::DefineDeliveryZone cmd,
                        std::function<void(Outcome<domain::DeliveryZoneState>)> done) {
  zones_.command(zone.value(), std::move(cmd),
                 outcome_as<DeliveryTraits>(std::move(done), [](Snap<domain::DeliveryZoneState> z, const auto& reply) {
                   reply(std::move(z.value));
                 }));
}

void Commerce::get_zone(const ZoneId& zone, std::function<void(Outcome<domain::DeliveryZoneState>)> done) {
  zones_.get(zone.value(), [done = std::move(done)](Got<DeliveryTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    if (!g.view.value.defined) return done(domain::delivery_unavailable(domain::DeliveryRefusal::unknown_zone));
    done(std::move(g.view.value));
  });
}

void Commerce::coupon_for(const CouponCode& code, const UserId& user, std::function<void(Outcome<domain::CouponState>)> done) {
  const HoldId id = next_hold_id();
  coupons_.hold(code.value(), Hold<CouponTraits>{{}, 0, id, HoldMode::shared, OrderRef{}, 0, user},
                [id, done = std::move(done)](Held<CouponTraits>&& h, const caf::actor& from) {
                  if (h.error) return done(*h.error);
                  Registry<CouponTraits>::release(from, id);
                  done(std::move(h.slice.value));
                });
}

void Commerce::priced_cart(const UserId& user,
                           std::function<void(Outcome<std::pair<domain::CartState, std::vector<domain::PricedLine>>>)> done) {
  carts_.get(user.value(), [this, done = std::move(done)](Got<CartTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    std::vector<Sku> skus;
    for (const auto& [sku, qty] : g.view.value.lines) skus.push_back(sku);
    gather_products(*this, std::move(skus), [cart = std::move(g.view.value), done](auto products, auto err) mutable {
      if (err) return done(*err);
      auto lines = priced_lines(cart, products);
      done(std::pair{std::move(cart), std::move(lines)});
    });
  });
}

void Commerce::attach_coupon(const UserId& user, const CouponCode& code, std::function<void(Outcome<CartView>)> done,
                             IfMatch if_match) {
  priced_cart(user, [this, user, code, if_match, done = std::move(done)](auto priced) mutable {
    auto* cart = std::get_if<std::pair<domain::CartState, std::vector<domain::PricedLine>>>(&priced);
    if (!cart) return forward_failure(priced, done);
    coupon_for(code, user, [this, user, code, if_match, lines = std::move(cart->second), done](Outcome<domain::CouponState> c) mutable {
      auto* coupon = std::get_if<domain::CouponState>(&c);
      if (!coupon) return forward_failure(c, done);
      auto checked = domain::check_coupon(*coupon, user, lines, deps_.clock.now_us());
      if (auto* why = std::get_if<domain::CouponRefusal>(&checked)) return done(domain::coupon_invalid(*why));
      cart_command(user, domain::AttachCoupon{code}, std::move(done), if_match);
    });
  });
}

void Commerce::remove_coupon(const UserId& user, std::function<void(Outcome<CartView>)> done, IfMatch if_match) {
  cart_command(user, domain::RemoveCoupon{}, std::move(done), if_match);
}

void Commerce::quote(const UserId& user, std::optional<domain::DeliveryChoice> delivery,
                     std::function<void(Outcome<domain::CheckoutQuote>)> done) {
  struct Quote {
    domain::CartState cart;
    std::vector<domain::PricedLine> lines;
    std::optional<domain::CouponState> coupon;
    std::optional<domain::DeliveryZoneState> zone;
  };
  auto q = std::make_shared<Quote>();
  // Each step gathers one thing, then the next; the last prices.
  auto price = [this, q, user, delivery, done] {
    domain::CheckoutExtras extras{q->coupon ? &*q->coupon : nullptr, q->zone ? &*q->zone : nullptr};
    auto quoted = domain::quote_checkout(q->lines, user, extras, delivery, deps_.clock.now_us());
    if (auto* refused = std::get_if<domain::DomainError>(&quoted)) return done(std::move(*refused));
    done(std::get<domain::CheckoutQuote>(std::move(quoted)));
  };
  auto with_zone = [this, q, delivery, done, price] {
    if (!delivery) return price();
    zones_.get(delivery->zone.value(), [q, done, price](Got<DeliveryTraits>&& g, const caf::actor&) {
      if (g.error) return done(*g.error);
      if (g.view.value.defined) q->zone = std::move(g.view.value);
      price();
    });
  };
  priced_cart(user, [this, q, user, done, with_zone](auto priced) mutable {
    auto* cart = std::get_if<std::pair<domain::CartState, std::vector<domain::PricedLine>>>(&priced);
    if (!cart) return forward_failure(priced, done);
    if (cart->first.lines.empty()) return done(domain::refusal(domain::DomainErrc::empty_cart, "the cart is empty"));
    q->cart = std::move(cart->first);
    q->lines = std::move(cart->second);
    if (!q->cart.coupon) return with_zone();
    coupon_for(*q->cart.coupon, user, [q, done, with_zone](Outcome<domain::CouponState> c) {
      auto* coupon = std::get_if<domain::CouponState>(&c);
      if (!coupon) return forward_failure(c, done);
      q->coupon = std::move(*coupon);
      with_zone();
    });
  });
}

}  // namespace bitacora::actors
