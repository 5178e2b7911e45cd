// An operator resolves an order that needs attention (API.md §4 "Resolving an order"): hold the
// owner's cart (so a coupon use taken again is counted against the shopper exactly, as at
// checkout), the order, its coupon (shared) and its products (exclusively: marking paid may have
// to reserve again); plan once with domain::plan_resolve; append ONE batch with the order's,
// products' and coupon's events. See actors/coordinator.hpp.
#include "actors/coordinator.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

struct ResolveTx : Holds, std::enable_shared_from_this<ResolveTx> {
  OrderRef reference;
  domain::ResolveOrder command;
  std::function<void(Outcome<domain::OrderState>)> done;

  ResolveTx(Commerce& c, OrderRef r, domain::ResolveOrder cmd, std::function<void(Outcome<domain::OrderState>)> d)
      : Holds(c), reference(std::move(r)), command(std::move(cmd)), done(std::move(d)) {}

  // The owner's cart comes first in the hold order, so the order is read (not held) to learn it.
  void start() {
    commerce.get_order(reference, [tx = shared_from_this()](Outcome<domain::OrderState> r) {
      if (auto* s = std::get_if<domain::OrderState>(&r))
        return hold_cart(tx, s->user, [tx] { hold_order(tx, tx->reference, [tx] { tx->gather(); }); });
      if (auto* refused = std::get_if<domain::DomainError>(&r)) return tx->finish(std::move(*refused));
      tx->finish(std::get<Error>(std::move(r)));
    });
  }

  void gather() {
    // Refusals that need no stock (not needs_attention, unknown) are decided before holding any.
    const auto decided = domain::decide(order, domain::OrderCommand{command});
    if (const auto* refused = domain::refusal_of(decided)) return finish(*refused);
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    product_mode = HoldMode::exclusive;
    auto products = [tx = shared_from_this()] { hold_products(tx, tx->reference, [tx] { tx->plan(); }); };
    if (!order.coupon) return products();
    hold_coupon(shared_from_this(), *order.coupon, reference, order.user, products);
  }

  // Whether the order still holds reserved stock (it does when it needed attention while
  // pending, as with an amount mismatch): it then still counts as an active reservation.
  [[nodiscard]] bool holds_stock() const {
    return std::any_of(held.begin(), held.end(), [&](const HeldProduct& p) { return p.slice.reservations.contains(reference); });
  }

  void plan() {
    auto planned = domain::plan_resolve(order, slices(), coupon_slice(), command);
    if (auto* refused = std::get_if<domain::DomainError>(&planned)) return finish(std::move(*refused));
    auto plan = std::get<domain::ResolvePlan>(std::move(planned));
    storage::AppendRequest req;
    add_plan(req, plan.order_events, plan.products, plan.coupon_events);
    const bool held_stock = holds_stock();
    if (held_stock) {
      req.timer_deletes.push_back(expiry_timer_key(order));
      req.counter_deltas.emplace_back(kActiveReservations, -1);
    }
    OrderTraits::decorate(reference.value(), plan.after, req);
    count_status(req, order, plan.after);
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), plan = std::move(plan), held_stock](
                                                      Result<storage::AppendOutcome> r) mutable {
      if (!r && r.error().code == Errc::exhausted)
        return tx->finish(domain::coupon_invalid(domain::CouponRefusal::exhausted));
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(plan.order_events), std::move(plan.products), std::move(plan.coupon_events), *r);
      if (held_stock) tx->commerce.timer_deleted(expiry_timer_key(tx->order));
      tx->finish(std::move(plan.after));
    });
  }

  void finish(Outcome<domain::OrderState> outcome) {
    release();
    done(std::move(outcome));
  }
};

}  // namespace

void Commerce::resolve_order(const OrderRef& ref, domain::ResolveOrder command, std::function<void(Outcome<domain::OrderState>)> done) {
  std::make_shared<ResolveTx>(*this, ref, std::move(command), std::move(done))->start();
}

}  // namespace bitacora::actors
