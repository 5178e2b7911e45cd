// Checkout (API.md §4): hold the shopper's cart, a new order and every product of the cart; reserve
// all lines or none; append ONE batch (OrderPlaced first, the reservations, the expiry timer row,
// the order's index row, the reservation counter). See actors/coordinator.hpp.
#include "actors/coordinator.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

struct CheckoutTx : Holds, std::enable_shared_from_this<CheckoutTx> {
  UserId user;
  std::string gateway;
  std::optional<std::string> idempotency_key;
  std::function<void(Outcome<CheckoutResult>)> done;

  caf::actor cart;
  OrderRef reference;
  std::map<Sku, std::int64_t> lines;
  std::vector<domain::StockShortage> shortages;

  CheckoutTx(Commerce& c, UserId u, std::string g, std::optional<std::string> k, std::function<void(Outcome<CheckoutResult>)> d)
      : Holds(c), user(std::move(u)), gateway(std::move(g)), idempotency_key(std::move(k)), done(std::move(d)) {}

  [[nodiscard]] std::string dedupe_key() const { return "checkout:" + user.value() + ":" + *idempotency_key; }

  void start() {
    // Runs inside the cart actor: the cart is held for the whole checkout, so one shopper's
    // checkouts (and their Idempotency-Keys) are decided one at a time.
    commerce.carts().send(user.value(), AggregateMsg<CartTraits>{[tx = shared_from_this()](AggregateContext<CartTraits>& c) {
      c.busy = true;
      tx->cart = c.self;
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
      hold_products(tx, [tx](const domain::ProductState& s, HeldProduct& h) { return tx->plan_reservation(s, h); },
                    [tx] { tx->decide(); });
    });
  }

  // In the product actor: reserve this line, or note why it cannot be had.
  std::optional<domain::DomainError> plan_reservation(const domain::ProductState& s, HeldProduct& h) {
    const std::int64_t qty = lines.at(s.sku);
    auto d = domain::decide(s, domain::ProductCommand{domain::ReserveStock{reference, qty}});
    if (auto* refused = domain::refusal_of(d)) {
      if (refused->code != domain::DomainErrc::insufficient_stock && refused->code != domain::DomainErrc::unknown_sku)
        return *refused;
      shortages.push_back({s.sku, qty, s.defined ? s.available() : 0});
      return std::nullopt;
    }
    h.events = *domain::events_of(d);
    return std::nullopt;
  }

  void decide() {
    if (planning_refusal) return finish(*planning_refusal);
    if (!shortages.empty()) return finish(domain::insufficient_stock(std::move(shortages)));
    std::vector<domain::PricedLine> priced;
    for (const auto& h : held) priced.push_back({h.view.sku, lines.at(h.view.sku), h.view.price_in_cents, h.view.currency});

    const Micros expires_at =
        commerce.deps().clock.now_us() + static_cast<Micros>(commerce.options().reservation_ttl_seconds) * 1'000'000;
    auto d = domain::decide(order, domain::OrderCommand{domain::PlaceOrder{reference, user, std::move(priced), gateway,
                                                                           expires_at, idempotency_key.value_or("")}});
    if (auto* r = domain::refusal_of(d)) return finish(*r);
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
    count_status(req, order, after);

    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), after, order_events = std::move(order_events)](
                                                       Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      if (r->duplicate) return tx->replay(r->first_seq);
      tx->commit(std::move(order_events), *r);
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
    get<OrderTraits>(commerce.orders(), placed->reference.value(),
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

}  // namespace

void Commerce::checkout(const UserId& user, std::string gateway, std::optional<std::string> idempotency_key,
                        std::function<void(Outcome<CheckoutResult>)> done) {
  std::make_shared<CheckoutTx>(*this, user, std::move(gateway), std::move(idempotency_key), std::move(done))->start();
}

}  // namespace bitacora::actors
