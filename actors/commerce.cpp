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
}

std::string order_status_counter(domain::OrderStatus status) { return "orders." + std::string(domain::to_string(status)); }

Commerce::~Commerce() {
  stop();
  system_.await_all_actors_done();
}

std::size_t Commerce::actors_alive() const { return products_.size() + carts_.size() + orders_.size(); }

void Commerce::sweep_idle() {
  products_.sweep();
  carts_.sweep();
  orders_.sweep();
}

void Commerce::stop() {
  scheduler_.stop();  // it fires our handlers: it goes first
  sweeper_.stop();
  products_.stop_all();
  carts_.stop_all();
  orders_.stop_all();
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
  return ProductView{p.sku, p.name, p.price_in_cents, p.currency, p.on_hand, p.reserved, p.defined};
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

}  // namespace

void Commerce::put_product(const Sku& sku, domain::DefineProduct cmd, std::function<void(Outcome<ProductView>)> done) {
  products_.command(sku.value(), std::move(cmd), outcome_as<ProductTraits>(std::move(done), product_view));
}

void Commerce::adjust_stock(const Sku& sku, domain::AdjustStock cmd, std::function<void(Outcome<ProductView>)> done) {
  products_.command(sku.value(), std::move(cmd), outcome_as<ProductTraits>(std::move(done), product_view));
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

void Commerce::view_cart(const domain::CartState& cart, std::function<void(Outcome<CartView>)> done) {
  std::vector<Sku> skus;
  for (const auto& [sku, qty] : cart.lines) skus.push_back(sku);
  gather_products(*this, std::move(skus),
                  [cart, done = std::move(done)](std::map<Sku, ProductView> products, std::optional<Error> err) {
                    if (err) return done(*err);
                    done(CartView{cart, std::move(products)});
                  });
}

void Commerce::get_cart(const UserId& user, std::function<void(Outcome<CartView>)> done) {
  carts_.get(user.value(), [this, done = std::move(done)](Got<CartTraits>&& g, const caf::actor&) {
    if (g.error) return done(*g.error);
    view_cart(g.view.value, done);
  });
}

void Commerce::cart_command(const UserId& user, domain::CartCommand cmd, std::function<void(Outcome<CartView>)> done) {
  carts_.command(user.value(), std::move(cmd),
                 outcome_as<CartTraits>(std::move(done), [this](Snap<domain::CartState> cart, const auto& reply) {
                   view_cart(cart.value, reply);
                 }));
}

// The stock a cart command is checked against is what the products say now: advisory, since
// checkout reserves for real.
void Commerce::add_to_cart(const UserId& user, const Sku& sku, std::int64_t quantity,
                           std::function<void(Outcome<CartView>)> done) {
  gather_products(*this, {sku}, [this, user, sku, quantity, done = std::move(done)](auto products, auto err) mutable {
    if (err) return done(*err);
    const auto& p = products.at(sku);
    cart_command(user, domain::AddCartItem{sku, quantity, domain::StockInfo{p.defined, p.available()}}, std::move(done));
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

void Commerce::clear_cart(const UserId& user, std::function<void(Outcome<CartView>)> done) {
  cart_command(user, domain::ClearCart{"emptied"}, std::move(done));
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

}  // namespace bitacora::actors
