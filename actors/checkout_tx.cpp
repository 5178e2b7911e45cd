// Checkout (API.md §4): hold the shopper's cart, a new order, the cart's coupon (shared) and every
// product of the cart, read the delivery zone asked for; plan with domain::plan_checkout (all
// lines reserved and the coupon's use held, or nothing); append ONE batch (OrderPlaced first, the
// reservations, the coupon's use with its bounded claims counter, the expiry timer row, the
// order's index row, the counters). See actors/coordinator.hpp.
#include "actors/coordinator.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

struct CheckoutTx : Holds, std::enable_shared_from_this<CheckoutTx> {
  UserId user;
  std::string gateway;
  std::optional<std::string> idempotency_key;
  std::optional<domain::DeliveryChoice> delivery;
  std::optional<domain::DeliveryZoneState> zone;  // the zone asked for, when it is defined
  std::function<void(Outcome<CheckoutResult>)> done;

  CheckoutTx(Commerce& c, UserId u, CheckoutOptions o, std::function<void(Outcome<CheckoutResult>)> d)
      : Holds(c),
        user(std::move(u)),
        gateway(std::move(o.gateway)),
        idempotency_key(std::move(o.idempotency_key)),
        delivery(std::move(o.delivery)),
        done(std::move(d)) {}

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
    if (!delivery) return hold_all();
    // A zone's prices are read, not held: a checkout racing its redefinition is priced by either.
    commerce.get_zone(delivery->zone, [tx = shared_from_this()](Outcome<domain::DeliveryZoneState> z) {
      if (auto* e = std::get_if<Error>(&z)) return tx->finish(std::move(*e));
      if (auto* state = std::get_if<domain::DeliveryZoneState>(&z)) tx->zone = std::move(*state);
      tx->hold_all();  // an unknown zone is refused by the planner
    });
  }

  void hold_all() {
    for (const auto& [sku, qty] : cart.lines) skus.push_back(sku);
    auto ref = new_reference();
    hold_order(shared_from_this(), ref, [tx = shared_from_this(), ref] {
      auto products = [tx, ref] { hold_products(tx, ref, [tx] { tx->decide(); }); };
      if (!tx->cart.coupon) return products();
      hold_coupon(tx, *tx->cart.coupon, ref, tx->user, products);
    });
  }

  void decide() {
    const Micros now = commerce.deps().clock.now_us();
    const Micros expires_at = now + static_cast<Micros>(commerce.options().reservation_ttl_seconds) * 1'000'000;
    domain::CheckoutExtras extras{coupon_slice(), zone ? &*zone : nullptr};
    auto planned = domain::plan_checkout(cart, order, slices(), extras,
                                         {order.reference, gateway, now, expires_at, idempotency_key.value_or(""), delivery});
    if (auto* refused = std::get_if<domain::DomainError>(&planned)) return finish(std::move(*refused));
    auto plan = std::get<domain::CheckoutPlan>(std::move(planned));

    storage::AppendRequest req;
    add_plan(req, plan.order_events, plan.products, plan.coupon_events);  // OrderPlaced first: see replay()
    if (idempotency_key) req.dedupe_key = dedupe_key();
    req.timer_puts.emplace_back(expiry_timer_key(plan.after), plan.after.reference.value());
    OrderTraits::decorate(plan.after.reference.value(), plan.after, req);
    req.counter_deltas.emplace_back(kActiveReservations, 1);
    count_status(req, order, plan.after);

    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), plan = std::move(plan)](
                                                       Result<storage::AppendOutcome> r) mutable {
      // The coupon's last uses went to checkouts that reached the log first.
      if (!r && r.error().code == Errc::exhausted) return tx->finish(domain::coupon_invalid(domain::CouponRefusal::exhausted));
      if (!r) return tx->finish(r.error());
      if (r->duplicate) return tx->replay(r->first_seq);
      tx->commit(std::move(plan.order_events), std::move(plan.products), std::move(plan.coupon_events), *r);
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

void Commerce::checkout(const UserId& user, CheckoutOptions options, std::function<void(Outcome<CheckoutResult>)> done) {
  std::make_shared<CheckoutTx>(*this, user, std::move(options), std::move(done))->start();
}

}  // namespace bitacora::actors
