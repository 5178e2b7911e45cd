// A payment fact reaches an order (API.md §4 "Payment effects"): hold the owner's cart and the
// order, then — as domain::payment_stock_need says — its coupon (shared) and its products (shared
// to confirm or release its own reservations, exclusively to take the stock again after the order
// ended); plan once with domain::plan_payment; append ONE batch with the order's, products',
// coupon's and cart's events plus the webhook's own record (its event, index row, timer change).
// When a late approval's retaken coupon use is refused by the writer (the coupon was exhausted by
// checkouts in between), it plans again knowing so: the order then needs attention. See
// actors/coordinator.hpp.
#include "actors/coordinator.hpp"
#include "actors/webhook_processor.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

struct PaymentTx : Holds, std::enable_shared_from_this<PaymentTx> {
  PaymentNotice notice;
  std::function<storage::AppendRequest(const std::string&)> record;
  std::function<void(Outcome<std::string>)> done;

  PaymentTx(Commerce& c, PaymentNotice n, std::function<storage::AppendRequest(const std::string&)> r,
            std::function<void(Outcome<std::string>)> d)
      : Holds(c), notice(std::move(n)), record(std::move(r)), done(std::move(d)) {}

  [[nodiscard]] domain::ApplyPayment payment() const {
    return domain::ApplyPayment{notice.gateway, notice.transaction_id, notice.outcome, notice.status,
                                notice.amount_in_cents, notice.currency, false};
  }

  // The owner's cart comes first in the hold order, so the order is read (not held) to learn it.
  void start() {
    commerce.get_order(notice.order, [tx = shared_from_this()](Outcome<domain::OrderState> r) {
      if (auto* s = std::get_if<domain::OrderState>(&r))
        return hold_cart(tx, s->user, [tx] { hold_order(tx, tx->notice.order, [tx] { tx->gather_stock(); }); });
      if (auto* refused = std::get_if<domain::DomainError>(&r)) return tx->finish(std::move(*refused));
      tx->finish(std::get<Error>(std::move(r)));
    });
  }

  void gather_stock() {
    if (!order.placed) return finish(domain::refusal(domain::DomainErrc::unknown_order, "no order " + order.reference.value()));
    const auto need = domain::payment_stock_need(order, payment());
    if (need == domain::StockNeed::none) return plan();
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    // Confirming or releasing this order's own reservations commutes with every other order's:
    // shared, so payments for one popular product do not queue behind each other's fsyncs.
    product_mode = need == domain::StockNeed::retake ? HoldMode::exclusive : HoldMode::shared;
    auto products = [tx = shared_from_this()] { hold_products(tx, tx->notice.order, [tx] { tx->plan(); }); };
    if (!order.coupon) return products();
    hold_coupon(shared_from_this(), *order.coupon, notice.order, order.user, products);
  }

  void plan() {
    auto planned = domain::plan_payment(order, cart, slices(), coupon_slice(), payment());
    if (auto* refused = std::get_if<domain::DomainError>(&planned)) return finish(std::move(*refused));
    auto plan = std::get<domain::PaymentPlan>(std::move(planned));

    storage::AppendRequest req;
    add_plan(req, plan.order_events, plan.products, plan.coupon_events, plan.cart_events);
    if (plan.left_pending) {
      req.timer_deletes.push_back(expiry_timer_key(order));  // nothing is left for the expiry to do
      req.counter_deltas.emplace_back(kActiveReservations, -1);
    }
    if (!plan.order_events.empty()) OrderTraits::decorate(notice.order.value(), plan.after, req);
    count_status(req, order, plan.after);
    merge(req, record(plan.effect));
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), plan = std::move(plan)](Result<storage::AppendOutcome> r) mutable {
      if (!r && r.error().code == Errc::exhausted && tx->coupon && tx->coupon->terms.max_uses) {
        // Every use is claimed, as the writer counts them: plan again on that count.
        tx->coupon->held = *tx->coupon->terms.max_uses - tx->coupon->used;
        return tx->plan();
      }
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(plan.order_events), std::move(plan.products), std::move(plan.coupon_events), *r,
                 std::move(plan.cart_events));
      if (plan.left_pending) tx->commerce.timer_deleted(expiry_timer_key(tx->order));
      tx->finish(plan.effect);
    });
  }

  void finish(Outcome<std::string> outcome) {
    release();
    done(std::move(outcome));
  }
};

}  // namespace

void Commerce::apply_payment(const PaymentNotice& notice, std::function<storage::AppendRequest(const std::string&)> record,
                             std::function<void(Outcome<std::string>)> done) {
  std::make_shared<PaymentTx>(*this, notice, std::move(record), std::move(done))->start();
}

}  // namespace bitacora::actors
