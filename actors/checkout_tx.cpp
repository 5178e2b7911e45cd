// Checkout (API.md §4): hold the shopper's cart, a new order and every product of the cart; plan
// with domain::plan_checkout (all lines reserved or none); append ONE batch (OrderPlaced first,
// the reservations, the expiry timer row, the order's index row, the reservation counter).
// See actors/coordinator.hpp.
#include "actors/coordinator.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

struct CheckoutTx : Holds, std::enable_shared_from_this<CheckoutTx> {
  UserId user;
  std::string gateway;
  std::optional<std::string> idempotency_key;
  std::function<void(Outcome<CheckoutResult>)> done;

  CheckoutTx(Commerce& c, UserId u, std::string g, std::optional<std::string> k, std::function<void(Outcome<CheckoutResult>)> d)
      : Holds(c), user(std::move(u)), gateway(std::move(g)), idempotency_key(std::move(k)), done(std::move(d)) {}

  [[nodiscard]] std::string dedupe_key() const { return "checkout:" + user.value() + ":" + *idempotency_key; }

  // The cart is held for the whole checkout, so one shopper's checkouts (and their
  // Idempotency-Keys) are decided one at a time.
  void start() {
    hold_cart(shared_from_this(), user, [tx = shared_from_this()] { tx->with_cart(); });
  }

  void with_cart() {
    if (idempotency_key) {
      auto found = commerce.deps().log.find_dedupe(dedupe_key());
      if (!found) return finish(found.error());
      if (found->has_value()) return replay(**found);
    }
    if (cart.lines.empty()) return finish(domain::refusal(domain::DomainErrc::empty_cart, "the cart is empty"));
    for (const auto& [sku, qty] : cart.lines) skus.push_back(sku);
    auto ref = new_reference();
    hold_order(shared_from_this(), ref, [tx = shared_from_this(), ref] {
      hold_products(tx, ref, [tx] { tx->decide(); });
    });
  }

  void decide() {
    const Micros expires_at =
        commerce.deps().clock.now_us() + static_cast<Micros>(commerce.options().reservation_ttl_seconds) * 1'000'000;
    auto planned = domain::plan_checkout(cart, order, slices(),
                                         {order.reference, gateway, expires_at, idempotency_key.value_or("")});
    if (auto* refused = std::get_if<domain::DomainError>(&planned)) return finish(std::move(*refused));
    auto plan = std::get<domain::CheckoutPlan>(std::move(planned));

    storage::AppendRequest req;
    add_plan(req, plan.order_events, plan.products);  // OrderPlaced first: see replay()
    if (idempotency_key) req.dedupe_key = dedupe_key();
    req.timer_puts.emplace_back(expiry_timer_key(plan.after), plan.after.reference.value());
    OrderTraits::decorate(plan.after.reference.value(), plan.after, req);
    req.counter_deltas.emplace_back(kActiveReservations, 1);
    count_status(req, order, plan.after);

    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), plan = std::move(plan)](
                                                       Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      if (r->duplicate) return tx->replay(r->first_seq);
      tx->commit(std::move(plan.order_events), std::move(plan.products), *r);
      tx->commerce.timer_scheduled(expiry_timer_key(plan.after), plan.after.expires_at, plan.after.reference);
      tx->finish(CheckoutResult{std::move(plan.after), false});
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
    commerce.get_order(placed->reference, [tx = shared_from_this()](Outcome<domain::OrderState> r) {
      if (auto* s = std::get_if<domain::OrderState>(&r)) return tx->finish(CheckoutResult{std::move(*s), true});
      if (auto* refused = std::get_if<domain::DomainError>(&r)) return tx->finish(std::move(*refused));
      tx->finish(std::get<Error>(std::move(r)));
    });
  }

  void finish(Outcome<CheckoutResult> outcome) {
    release();
    done(std::move(outcome));
  }
};

}  // namespace

void Commerce::checkout(const UserId& user, std::string gateway, std::optional<std::string> idempotency_key,
                        std::function<void(Outcome<CheckoutResult>)> done) {
  std::make_shared<CheckoutTx>(*this, user, std::move(gateway), std::move(idempotency_key), std::move(done))->start();
}

}  // namespace bitacora::actors
