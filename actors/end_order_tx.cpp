// The end of an order by expiry (its durable timer fired) or cancellation (API.md §4): hold the
// order and (shared) its coupon and products, plan with domain::plan_end_order, and append ONE
// batch — OrderExpired or OrderCancelled, each product's ReservationReleased, the coupon's
// CouponUseReleased, the removal of the expiry timer row, the index row, the counters. See
// actors/coordinator.hpp.
#include "actors/coordinator.hpp"
#include "support/log.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

spdlog::logger& log() { return module_logger("commerce"); }

struct EndOrderTx : Holds, std::enable_shared_from_this<EndOrderTx> {
  OrderRef reference;
  domain::OrderCommand command;
  events::ReleaseReason reason;
  bool from_timer;
  std::function<void(Outcome<domain::OrderState>)> done;

  EndOrderTx(Commerce& c, OrderRef r, domain::OrderCommand cmd, events::ReleaseReason why, bool timer,
             std::function<void(Outcome<domain::OrderState>)> d)
      : Holds(c), reference(std::move(r)), command(std::move(cmd)), reason(why), from_timer(timer), done(std::move(d)) {}

  void start() {
    hold_order(shared_from_this(), reference, [tx = shared_from_this()] { tx->gather_stock(); });
  }

  void gather_stock() {
    if (!domain::end_order_needs_stock(order, command)) return plan();
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    product_mode = HoldMode::shared;  // releasing this order's own reservations
    auto products = [tx = shared_from_this()] { hold_products(tx, tx->reference, [tx] { tx->plan(); }); };
    if (!order.coupon) return products();
    hold_coupon(shared_from_this(), *order.coupon, reference, order.user, products);
  }

  void plan() {
    auto planned = domain::plan_end_order(order, command, reason, slices(), coupon_slice());
    if (auto* refused = std::get_if<domain::DomainError>(&planned)) return finish(std::move(*refused));
    auto plan = std::get<domain::EndOrderPlan>(std::move(planned));
    storage::AppendRequest req;
    if (plan.order_events.empty()) {
      if (!from_timer) return finish(order);  // e.g. cancelling a cancelled order
      if (order.placed && order.status == domain::OrderStatus::pending_payment)
        return finish(Error{Errc::unavailable, "reservation of " + reference.value() + " is not due yet"});  // retried
      // Paid or ended another way: the timer has nothing left to do but go.
      req.timer_deletes.push_back(expiry_timer_key(order));
      return append(std::move(req), std::move(plan));
    }
    add_plan(req, plan.order_events, plan.products, plan.coupon_events);
    req.timer_deletes.push_back(expiry_timer_key(order));
    OrderTraits::decorate(reference.value(), plan.after, req);
    req.counter_deltas.emplace_back(kActiveReservations, -1);
    count_status(req, order, plan.after);
    append(std::move(req), std::move(plan));
  }

  void append(storage::AppendRequest req, domain::EndOrderPlan plan) {
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), plan = std::move(plan)](Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(plan.order_events), std::move(plan.products), std::move(plan.coupon_events), *r);
      if (!tx->from_timer) tx->commerce.timer_deleted(expiry_timer_key(tx->order));
      if (tx->from_timer && plan.after.status == domain::OrderStatus::expired && tx->order.status != plan.after.status)
        tx->commerce.deps().metrics.counter("bitacora_reservations_expired_total", "Reservations released by expiry").inc();
      tx->finish(std::move(plan.after));
    });
  }

  void finish(Outcome<domain::OrderState> outcome) {
    release();
    done(std::move(outcome));
  }
};

}  // namespace

void Commerce::cancel_order(const OrderRef& ref, domain::CancelOrder command, std::function<void(Outcome<domain::OrderState>)> done) {
  std::make_shared<EndOrderTx>(*this, ref, domain::OrderCommand{std::move(command)}, events::ReleaseReason::cancelled,
                               false, std::move(done))
      ->start();
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
