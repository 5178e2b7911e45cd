// A payment fact reaches an order (API.md §4 "Payment effects"): hold the owner's cart and the
// order, then confirm, release or re-take the order's stock, and append ONE batch with the order's,
// products' and cart's events plus the webhook's own record (its event, index row, timer change).
// See actors/coordinator.hpp.
#include "actors/coordinator.hpp"
#include "actors/webhook_processor.hpp"

namespace bitacora::actors {
namespace {

using namespace coordination;

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
  bool stock_short = false;  // an approval after the order ended found a line no longer available

  PaymentTx(Commerce& c, PaymentNotice n, std::function<storage::AppendRequest(const std::string&)> r,
            std::function<void(Outcome<std::string>)> d)
      : Holds(c), notice(std::move(n)), record(std::move(r)), done(std::move(d)) {}

  // The owner's cart comes first in the hold order, so the order is read (not held) to learn it.
  void start() {
    get<OrderTraits>(commerce.orders(), notice.order.value(),
                     [tx = shared_from_this()](const domain::OrderState& s, std::uint64_t, const std::optional<Error>& err) {
                       if (err) return tx->finish(*err);
                       if (!s.placed)
                         return tx->finish(domain::refusal(domain::DomainErrc::unknown_order, "no order " + s.reference.value()));
                       tx->hold_cart(s.user);
                     });
  }

  void hold_cart(const UserId& user) {
    hold<CartTraits>(commerce.carts(), user.value(), [tx = shared_from_this()](const domain::CartState& s, std::uint64_t v,
                                                                               const std::optional<Error>& err, const caf::actor& holder) {
      tx->cart = holder;
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
    if (auto* r = domain::refusal_of(d)) return finish(*r);
    auto evs = *domain::events_of(d);
    const bool may_reserve = notice.outcome == domain::PaymentOutcome::approved &&
                             (order.status == domain::OrderStatus::expired || order.status == domain::OrderStatus::cancelled ||
                              order.status == domain::OrderStatus::payment_failed);
    effect = evs.empty() ? domain::StockEffect::none : domain::stock_effect(order, evs.front());
    if (!may_reserve && effect == domain::StockEffect::none) return append_with(std::move(evs));
    for (const auto& [sku, qty] : domain::lines_of(order)) skus.push_back(sku);
    std::sort(skus.begin(), skus.end());
    auto tx = shared_from_this();
    if (may_reserve) {  // taking stock again: the products are held while that is decided
      return hold_products(tx, [tx](const domain::ProductState& s, HeldProduct& h) { return tx->plan_retake(s, h); },
                           [tx] { tx->decide_with_stock(); });
    }
    // Confirming or releasing this order's own reservations: the products are read, not held,
    // so payments for one popular product do not queue behind each other's fsyncs.
    read_products(tx, [tx](const domain::ProductState& s, HeldProduct& h) { return tx->plan_own(s, h); },
                  [tx, evs = std::move(evs)]() mutable {
                    if (tx->planning_refusal) return tx->finish(*tx->planning_refusal);
                    tx->append_with(std::move(evs));
                  });
  }

  // In the product actor: confirm (paid) or release (payment failed) what this order holds.
  std::optional<domain::DomainError> plan_own(const domain::ProductState& s, HeldProduct& h) {
    domain::ProductCommand cmd = domain::ConfirmReservation{notice.order};
    if (effect == domain::StockEffect::release) cmd = domain::ReleaseReservation{notice.order, events::ReleaseReason::payment_failed};
    auto r = domain::decide(s, cmd);
    if (auto* refused = domain::refusal_of(r)) return *refused;
    h.events = *domain::events_of(r);
    return std::nullopt;
  }

  // In the product actor, for an approval after the order ended: reserve the line again and
  // confirm it at once, if the stock is there (this rare path copies the product's state).
  std::optional<domain::DomainError> plan_retake(const domain::ProductState& s, HeldProduct& h) {
    auto r = domain::decide(s, domain::ProductCommand{domain::ReserveStock{notice.order, quantity(s.sku)}});
    if (domain::refusal_of(r) || domain::events_of(r)->empty()) {
      stock_short = true;
      return std::nullopt;
    }
    auto state = s;
    for (const auto& e : *domain::events_of(r)) {
      h.events.push_back(e);
      state = domain::apply(std::move(state), e);
    }
    auto c = domain::decide(state, domain::ProductCommand{domain::ConfirmReservation{notice.order}});
    if (auto* refused = domain::refusal_of(c)) return *refused;
    for (const auto& e : *domain::events_of(c)) h.events.push_back(e);
    return std::nullopt;
  }

  void decide_with_stock() {
    if (planning_refusal) return finish(*planning_refusal);
    auto d = domain::decide(order, domain::OrderCommand{command(!stock_short)});
    if (auto* r = domain::refusal_of(d)) return finish(*r);
    auto evs = *domain::events_of(d);
    effect = evs.empty() ? domain::StockEffect::none : domain::stock_effect(order, evs.front());
    if (effect != domain::StockEffect::reserve_and_confirm)
      for (auto& h : held) h.events.clear();  // needs attention: the stock stays as it is
    append_with(std::move(evs));
  }

  std::int64_t quantity(const Sku& sku) const {
    for (const auto& [s, q] : domain::lines_of(order))
      if (s == sku) return q;
    return 0;
  }

  void append_with(std::vector<domain::OrderEvent> evs) {
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
    count_status(req, order, after);
    const std::string effect_word = effect_of(evs);
    merge(req, record(effect_word));
    commerce.deps().writer.append(std::move(req), [tx = shared_from_this(), evs = std::move(evs), cart_events = std::move(cart_events),
                                                   left_pending, effect_word](Result<storage::AppendOutcome> r) mutable {
      if (!r) return tx->finish(r.error());
      tx->commit(std::move(evs), *r);
      if (tx->cart_held)
        commit_held<CartTraits>(tx->cart, std::move(cart_events),
                                r->head_of(std::string(events::kCartStreamPrefix) + tx->cart_state.user.value()));
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

void Commerce::apply_payment(const PaymentNotice& notice, std::function<storage::AppendRequest(const std::string&)> record,
                             std::function<void(Outcome<std::string>)> done) {
  std::make_shared<PaymentTx>(*this, notice, std::move(record), std::move(done))->start();
}

}  // namespace bitacora::actors
