// The coordinators of actors/commerce.hpp: checkout, and the end of an order (expiry, cancel).
// Each is a small state machine kept alive by its own callbacks; every step is started by exactly
// one callback, so a coordinator never runs two steps at once. Holds are taken in the one global
// order (cart, order, products by sku) and always given back, on every path, in finish().
#include <openssl/rand.h>

#include "actors/commerce.hpp"
#include "actors/webhook_processor.hpp"
#include "support/log.hpp"

namespace bitacora::actors {
namespace {

spdlog::logger& log() { return module_logger("commerce"); }

OrderRef new_reference() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string ref = "ORD-";
  for (unsigned char b : bytes) ref += alphabet[b & 31];
  return OrderRef(ref);
}

struct HeldProduct {
  caf::actor actor;
  domain::ProductState state;
  std::vector<domain::ProductEvent> events;
};

// Holds products one after another in sku order; then `then` runs (with an error if one failed).
template <class Tx>
void hold_products(std::shared_ptr<Tx> tx, std::function<void(std::optional<Error>)> then) {
  if (tx->held.size() == tx->skus.size()) return then(std::nullopt);
  const Sku& sku = tx->skus[tx->held.size()];
  auto actor = tx->commerce.products().find(sku.value());
  hold<ProductTraits>(actor, [tx, actor, then = std::move(then)](const domain::ProductState& s, std::uint64_t,
                                                                 const std::optional<Error>& err) mutable {
    tx->held.push_back(HeldProduct{actor, s, {}});
    if (err) return then(err);
    hold_products(tx, std::move(then));
  });
}

template <class Tx>
void release_products(Tx& tx) {
  for (auto& h : tx.held) release_held<ProductTraits>(h.actor);
  tx.held.clear();
}

template <class Tx>
void commit_products(Tx& tx) {
  for (auto& h : tx.held) commit_held<ProductTraits>(h.actor, std::move(h.events));
  tx.held.clear();
}

void add_product_events(storage::AppendRequest& req, const std::vector<HeldProduct>& held) {
  for (const auto& h : held)
    for (const auto& e : h.events) req.events.push_back(ProductTraits::encode(h.state.sku.value(), e));
}

// What a coordinator holds: at most one order actor, then products in sku order.
struct Holds {
  explicit Holds(Commerce& c) : commerce(c) {}
  Commerce& commerce;
  caf::actor order_actor;
  bool order_held = false;
  domain::OrderState order;
  std::uint64_t order_version = 0;
  std::vector<Sku> skus;
  std::vector<HeldProduct> held;

  // Holds the order actor of `ref`; then `next` runs, or tx->finish(error) if its state is unreadable.
  template <class Tx>
  static void hold_order(std::shared_ptr<Tx> tx, const OrderRef& ref, std::function<void()> next) {
    tx->order_actor = tx->commerce.orders().find(ref.value());
    hold<OrderTraits>(tx->order_actor, [tx, next = std::move(next)](const domain::OrderState& s, std::uint64_t v,
                                                                     const std::optional<Error>& err) {
      tx->order_held = true;
      if (err) return tx->finish(*err);
      tx->order = s;
      tx->order_version = v;
      next();
    });
  }

  // The batch is durable: every held actor applies its events and is let go.
  void commit(std::vector<domain::OrderEvent> order_events) {
    if (order_held) commit_held<OrderTraits>(order_actor, std::move(order_events));
    order_held = false;
    commit_products(*this);
  }

  // Lets go of whatever is still held, unchanged.
  void release() {
    release_products(*this);
    if (order_held) release_held<OrderTraits>(order_actor);
    order_held = false;
  }
};

// -- checkout ---------------------------------------------------------------------------------

struct CheckoutTx : Holds, std::enable_shared_from_this<CheckoutTx> {
  UserId user;
  std::string gateway;
  std::optional<std::string> idempotency_key;
  std::function<void(Outcome<CheckoutResult>)> done;

  caf::actor cart;
  OrderRef reference;
  std::map<Sku, std::int64_t> lines;

  CheckoutTx(Commerce& c, UserId u, std::string g, std::optional<std::string> k, std::function<void(Outcome<CheckoutResult>)> d)
      : Holds(c), user(std::move(u)), gateway(std::move(g)), idempotency_key(std::move(k)), done(std::move(d)) {}

  [[nodiscard]] std::string dedupe_key() const { return "checkout:" + user.value() + ":" + *idempotency_key; }

  void start() {
    cart = commerce.carts().find(user.value());
    // Runs inside the cart actor: the cart is held for the whole checkout, so one shopper's
    // checkouts (and their Idempotency-Keys) are decided one at a time.
    caf::anon_send(cart, AggregateMsg<CartTraits>{[tx = shared_from_this()](AggregateContext<CartTraits>& c) {
      c.busy = true;
      tx->with_cart(c);
    }});
  }

  void with_cart(const AggregateContext<CartTraits>& c) {
    if (c.load_error) return finish(*c.load_error);
    if (idempotency_key) {
      auto found = commerce.deps().log.find_dedupe(dedupe_key());
      if (!found) return finish(found.error());
      if (found->has_value()) return replay(**found);
    }
    if (c.state.lines.empty()) return finish(domain::refusal(domain::DomainErrc::empty_cart, "the cart is empty"));
    lines = c.state.lines;
    for (const auto& [sku, qty] : lines) skus.push_back(sku);
    reference = new_reference();
    hold_order(shared_from_this(), reference, [tx = shared_from_this()] {
      hold_products(tx, [tx](std::optional<Error> e) { e ? tx->finish(*e) : tx->decide(); });
    });
  }

  void decide() {
    std::vector<domain::StockShortage> shortages;
    std::vector<domain::PricedLine> priced;
    for (auto& h : held) {
      const std::int64_t qty = lines.at(h.state.sku);
      auto d = domain::decide(h.state, domain::ProductCommand{domain::ReserveStock{reference, qty}});
      if (auto* refused = domain::refusal_of(d)) {
        if (refused->code != domain::DomainErrc::insufficient_stock && refused->code != domain::DomainErrc::unknown_sku)
          return finish(*refused);
        shortages.push_back({h.state.sku, qty, h.state.defined ? h.state.available() : 0});
        continue;
      }
      h.events = *domain::events_of(d);
      priced.push_back({h.state.sku, qty, h.state.price_in_cents, h.state.currency});
    }
    if (!shortages.empty()) return finish(domain::insufficient_stock(std::move(shortages)));

    const Micros expires_at =
        commerce.deps().clock.now_us() + static_cast<Micros>(commerce.options().reservation_ttl_seconds) * 1'000'000;
    auto d = domain::decide(order, domain::OrderCommand{domain::PlaceOrder{reference, user, std::move(priced), gateway,
                                                                           expires_at, idempotency_key.value_or("")}});
    if (auto* refused = domain::refusal_of(d)) return finish(*refused);
    auto order_events = *domain::events_of(d);
    auto after = order;
    for (const auto& e : order_events) OrderTraits::apply(after, e);

    storage::AppendRequest req;
    for (const auto& e : order_events) req.events.push_back(OrderTraits::encode(reference.value(), e));  // first: see replay()
    req.expected_version = order_version;
    add_product_events(req, held);
    if (idempotency_key) req.dedupe_key = dedupe_key();
    req.timer_puts.emplace_back(expiry_timer_key(after), reference.value());
    OrderTraits::decorate(reference.value(), after, req);
    req.counter_deltas.emplace_back(kActiveReservations, 1);

    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), after, order_events = std::move(order_events)](
                                                       Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      if (r->duplicate) return tx->replay(r->first_seq);
      tx->commit(std::move(order_events));
      tx->commerce.timer_scheduled(expiry_timer_key(after), after.expires_at, after.reference);
      tx->finish(CheckoutResult{after, false});
    });
  }

  // An earlier checkout with this Idempotency-Key placed an order (its batch began with
  // OrderPlaced at `seq`): answer with that order as it is now.
  void replay(events::Seq seq) {
    auto stored = commerce.deps().log.read(seq);
    if (!stored) return finish(stored.error());
    if (!stored->has_value()) return finish(Error{Errc::data_loss, "idempotency key names missing seq " + std::to_string(seq)});
    auto ev = domain::decode_order_event((*stored)->envelope.type, (*stored)->envelope.data);
    auto* placed = ev ? std::get_if<events::OrderPlaced>(&*ev) : nullptr;
    if (!placed) return finish(Error{Errc::data_loss, "idempotency key does not name an OrderPlaced event"});
    get<OrderTraits>(commerce.orders().find(placed->reference.value()),
                     [tx = shared_from_this()](const domain::OrderState& s, std::uint64_t, const std::optional<Error>& err) {
                       if (err) return tx->finish(*err);
                       tx->finish(CheckoutResult{s, true});
                     });
  }

  void finish(Outcome<CheckoutResult> outcome) {
    release();
    release_held<CartTraits>(cart);
    done(std::move(outcome));
  }
};

// -- the end of an order: expiry or cancellation ------------------------------------------------

struct EndOrderTx : Holds, std::enable_shared_from_this<EndOrderTx> {
  OrderRef reference;
  domain::OrderCommand command;
  events::ReleaseReason reason;
  bool from_timer;
  std::function<void(Outcome<domain::OrderState>)> done;
  std::vector<domain::OrderEvent> order_events;

  EndOrderTx(Commerce& c, OrderRef r, domain::OrderCommand cmd, events::ReleaseReason why, bool timer,
             std::function<void(Outcome<domain::OrderState>)> d)
      : Holds(c), reference(std::move(r)), command(std::move(cmd)), reason(why), from_timer(timer), done(std::move(d)) {}

  void start() {
    hold_order(shared_from_this(), reference, [tx = shared_from_this()] { tx->decide_order(); });
  }

  void decide_order() {
    auto d = domain::decide(order, command);
    if (auto* refused = domain::refusal_of(d)) return finish(*refused);
    order_events = *domain::events_of(d);
    if (order_events.empty()) {
      if (!from_timer) return finish(order);  // e.g. cancelling a cancelled order
      if (order.placed && order.status == domain::OrderStatus::pending_payment)
        return finish(Error{Errc::unavailable, "reservation of " + reference.value() + " is not due yet"});  // retried
      // Paid or ended another way: the timer has nothing left to do but go.
      storage::AppendRequest req;
      req.timer_deletes.push_back(expiry_timer_key(order));
      return append(std::move(req), order);
    }
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    hold_products(shared_from_this(), [tx = shared_from_this()](std::optional<Error> e) { e ? tx->finish(*e) : tx->release_stock(); });
  }

  void release_stock() {
    for (auto& h : held) {
      auto d = domain::decide(h.state, domain::ProductCommand{domain::ReleaseReservation{reference, reason}});
      if (auto* refused = domain::refusal_of(d)) return finish(*refused);
      h.events = *domain::events_of(d);
    }
    auto after = order;
    for (const auto& e : order_events) OrderTraits::apply(after, e);
    storage::AppendRequest req;
    for (const auto& e : order_events) req.events.push_back(OrderTraits::encode(reference.value(), e));
    req.expected_version = order_version;
    add_product_events(req, held);
    req.timer_deletes.push_back(expiry_timer_key(order));
    OrderTraits::decorate(reference.value(), after, req);
    req.counter_deltas.emplace_back(kActiveReservations, -1);
    append(std::move(req), after);
  }

  void append(storage::AppendRequest req, domain::OrderState after) {
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), after](Result<storage::AppendOutcome> r) {
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(tx->order_events));
      if (!tx->from_timer) tx->commerce.timer_deleted(expiry_timer_key(tx->order));
      if (tx->from_timer && after.status == domain::OrderStatus::expired && tx->order.status != after.status)
        tx->commerce.deps().metrics.counter("bitacora_reservations_expired_total", "Reservations released by expiry").inc();
      tx->finish(after);
    });
  }

  void finish(Outcome<domain::OrderState> outcome) {
    release();
    done(std::move(outcome));
  }
};

// -- a payment reaches an order ---------------------------------------------------------------

// Appends `extra`'s contents after `req`'s own (the webhook's record rides in the order's batch).
void merge(storage::AppendRequest& req, storage::AppendRequest extra) {
  for (auto& e : extra.events) req.events.push_back(std::move(e));
  for (auto& p : extra.index_puts) req.index_puts.push_back(std::move(p));
  for (auto& c : extra.counter_deltas) req.counter_deltas.push_back(std::move(c));
  for (auto& t : extra.timer_puts) req.timer_puts.push_back(std::move(t));
  for (auto& t : extra.timer_deletes) req.timer_deletes.push_back(std::move(t));
}

std::string effect_of(const std::vector<domain::OrderEvent>& evs) {
  if (evs.empty()) return "no_change";
  return std::visit(
      [](const auto& e) -> std::string {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::PaymentApproved>) return "paid";
        else if constexpr (std::is_same_v<E, events::PaymentFailed>) return "payment_failed";
        else if constexpr (std::is_same_v<E, events::OrderNeedsAttention>) return "needs_attention";
        else if constexpr (std::is_same_v<E, events::OrderRefunded>) return "refunded";
        else return "no_change";
      },
      evs.front());
}

struct PaymentTx : Holds, std::enable_shared_from_this<PaymentTx> {
  PaymentNotice notice;
  std::function<storage::AppendRequest(const std::string&)> record;
  std::function<void(Outcome<std::string>)> done;
  caf::actor cart;
  bool cart_held = false;
  domain::CartState cart_state;
  std::uint64_t cart_version = 0;
  domain::StockEffect effect = domain::StockEffect::none;

  PaymentTx(Commerce& c, PaymentNotice n, std::function<storage::AppendRequest(const std::string&)> r,
            std::function<void(Outcome<std::string>)> d)
      : Holds(c), notice(std::move(n)), record(std::move(r)), done(std::move(d)) {}

  // The owner's cart comes first in the hold order, so the order is read (not held) to learn it.
  void start() {
    get<OrderTraits>(commerce.orders().find(notice.order.value()),
                     [tx = shared_from_this()](const domain::OrderState& s, std::uint64_t, const std::optional<Error>& err) {
                       if (err) return tx->finish(*err);
                       if (!s.placed)
                         return tx->finish(domain::refusal(domain::DomainErrc::unknown_order, "no order " + s.reference.value()));
                       tx->hold_cart(s.user);
                     });
  }

  void hold_cart(const UserId& user) {
    cart = commerce.carts().find(user.value());
    hold<CartTraits>(cart, [tx = shared_from_this()](const domain::CartState& s, std::uint64_t v, const std::optional<Error>& err) {
      tx->cart_held = true;
      if (err) return tx->finish(*err);
      tx->cart_state = s;
      tx->cart_version = v;
      hold_order(tx, tx->notice.order, [tx] { tx->decide(); });
    });
  }

  domain::ApplyPayment command(bool stock_available) const {
    return domain::ApplyPayment{notice.gateway, notice.transaction_id, notice.outcome, notice.status,
                                notice.amount_in_cents, notice.currency, stock_available};
  }

  // First without stock: that says whether stock moves at all, and how.
  void decide() {
    auto d = domain::decide(order, domain::OrderCommand{command(false)});
    if (auto* refused = domain::refusal_of(d)) return finish(*refused);
    const auto& evs = *domain::events_of(d);
    bool may_reserve = notice.outcome == domain::PaymentOutcome::approved &&
                       (order.status == domain::OrderStatus::expired || order.status == domain::OrderStatus::cancelled ||
                        order.status == domain::OrderStatus::payment_failed);
    bool moves_stock = may_reserve || (!evs.empty() && domain::stock_effect(order, evs.front()) != domain::StockEffect::none);
    if (!moves_stock) return append_with({}, evs);
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    hold_products(shared_from_this(), [tx = shared_from_this()](std::optional<Error> e) { e ? tx->finish(*e) : tx->decide_with_stock(); });
  }

  void decide_with_stock() {
    // Re-reserving after an expiry or cancellation: every line must be available again.
    bool available = true;
    for (const auto& h : held) {
      auto d = domain::decide(h.state, domain::ProductCommand{domain::ReserveStock{notice.order, quantity(h.state.sku)}});
      if (domain::refusal_of(d) || domain::events_of(d)->empty()) available = false;
    }
    auto d = domain::decide(order, domain::OrderCommand{command(available)});
    if (auto* refused = domain::refusal_of(d)) return finish(*refused);
    auto evs = *domain::events_of(d);
    effect = evs.empty() ? domain::StockEffect::none : domain::stock_effect(order, evs.front());
    for (auto& h : held) {
      auto state = h.state;
      if (effect == domain::StockEffect::reserve_and_confirm) {
        auto r = domain::decide(state, domain::ProductCommand{domain::ReserveStock{notice.order, quantity(h.state.sku)}});
        if (auto* refused = domain::refusal_of(r)) return finish(*refused);
        for (const auto& e : *domain::events_of(r)) {
          h.events.push_back(e);
          state = domain::apply(std::move(state), e);
        }
      }
      domain::ProductCommand cmd = domain::ConfirmReservation{notice.order};
      if (effect == domain::StockEffect::release) cmd = domain::ReleaseReservation{notice.order, events::ReleaseReason::payment_failed};
      if (effect == domain::StockEffect::none) continue;
      auto r = domain::decide(state, cmd);
      if (auto* refused = domain::refusal_of(r)) return finish(*refused);
      for (const auto& e : *domain::events_of(r)) h.events.push_back(e);
    }
    append_with(std::move(evs), {});
  }

  std::int64_t quantity(const Sku& sku) const {
    for (const auto& [s, q] : domain::lines_of(order))
      if (s == sku) return q;
    return 0;
  }

  // `evs` from decide_with_stock, or `plain` when no product was needed.
  void append_with(std::vector<domain::OrderEvent> evs, const std::vector<domain::OrderEvent>& plain) {
    if (evs.empty()) evs = plain;
    auto after = order;
    for (const auto& e : evs) OrderTraits::apply(after, e);
    storage::AppendRequest req;
    for (const auto& e : evs) req.events.push_back(OrderTraits::encode(notice.order.value(), e));
    if (!evs.empty()) req.expected_version = order_version;  // it guards the first event's stream
    add_product_events(req, held);
    std::vector<domain::CartEvent> cart_events;
    const bool paid = after.status == domain::OrderStatus::paid && order.status != domain::OrderStatus::paid;
    if (paid) {
      auto c = domain::decide(cart_state, domain::CartCommand{domain::ClearCart{"order_paid"}});
      if (auto* e = domain::events_of(c)) cart_events = *e;
      for (const auto& e : cart_events) req.events.push_back(CartTraits::encode(cart_state.user.value(), e));
    }
    const bool left_pending = order.status == domain::OrderStatus::pending_payment && after.status != order.status &&
                              after.status != domain::OrderStatus::needs_attention;
    if (left_pending) {
      req.timer_deletes.push_back(expiry_timer_key(order));  // nothing is left for the expiry to do
      req.counter_deltas.emplace_back(kActiveReservations, -1);
    }
    if (!evs.empty()) OrderTraits::decorate(notice.order.value(), after, req);
    const std::string effect_word = effect_of(evs);
    merge(req, record(effect_word));
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), evs = std::move(evs), cart_events = std::move(cart_events),
                                                   left_pending, effect_word](Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(evs));
      if (tx->cart_held) commit_held<CartTraits>(tx->cart, std::move(cart_events));
      tx->cart_held = false;
      if (left_pending) tx->commerce.timer_deleted(expiry_timer_key(tx->order));
      tx->finish(effect_word);
    });
  }

  void finish(Outcome<std::string> outcome) {
    release();
    if (cart_held) release_held<CartTraits>(cart);
    cart_held = false;
    done(std::move(outcome));
  }
};

}  // namespace

void Commerce::checkout(const UserId& user, std::string gateway, std::optional<std::string> idempotency_key,
                        std::function<void(Outcome<CheckoutResult>)> done) {
  std::make_shared<CheckoutTx>(*this, user, std::move(gateway), std::move(idempotency_key), std::move(done))->start();
}

void Commerce::cancel_order(const OrderRef& ref, events::CancelledBy by, std::function<void(Outcome<domain::OrderState>)> done) {
  std::make_shared<EndOrderTx>(*this, ref, domain::OrderCommand{domain::CancelOrder{by}}, events::ReleaseReason::cancelled,
                               false, std::move(done))
      ->start();
}

void Commerce::apply_payment(const PaymentNotice& notice, std::function<storage::AppendRequest(const std::string&)> record,
                             std::function<void(Outcome<std::string>)> done) {
  std::make_shared<PaymentTx>(*this, notice, std::move(record), std::move(done))->start();
}

TimerHandler Commerce::expiry_handler() {
  return [this](const TimerFire& timer, std::function<void(bool)> fired) {
    auto now = deps_.clock.now_us();
    std::make_shared<EndOrderTx>(*this, OrderRef(timer.target), domain::OrderCommand{domain::ExpireOrder{now}},
                                 events::ReleaseReason::expired, true,
                                 [fired = std::move(fired), ref = timer.target](Outcome<domain::OrderState> r) {
                                   if (auto* e = std::get_if<Error>(&r)) {
                                     if (e->code != Errc::unavailable || e->message.find("not due") == std::string::npos)
                                       log().warn("expiring {} failed, will retry: {}", ref, e->message);
                                     return fired(false);
                                   }
                                   fired(true);
                                 })
        ->start();
  };
}

}  // namespace bitacora::actors
