#include "actors/coordinator.hpp"

#include <openssl/rand.h>

namespace bitacora::actors {

HoldId next_hold_id() {
  static std::atomic<HoldId> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

namespace coordination {

OrderRef new_reference() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string ref = "ORD-";
  for (unsigned char b : bytes) ref += alphabet[b & 31];
  return OrderRef(ref);
}

void merge(storage::AppendRequest& req, storage::AppendRequest extra) {
  for (auto& e : extra.events) req.events.push_back(std::move(e));
  for (auto& p : extra.index_puts) req.index_puts.push_back(std::move(p));
  for (auto& c : extra.counter_deltas) req.counter_deltas.push_back(std::move(c));
  for (auto& c : extra.counter_limits) req.counter_limits.push_back(std::move(c));
  for (auto& t : extra.timer_puts) req.timer_puts.push_back(std::move(t));
  for (auto& t : extra.timer_deletes) req.timer_deletes.push_back(std::move(t));
  for (auto& v : extra.expected_versions) req.expected_versions.push_back(std::move(v));
}

void count_status(storage::AppendRequest& req, const domain::OrderState& before, const domain::OrderState& after) {
  if (before.placed && after.placed && before.status == after.status) return;
  if (before.placed) req.counter_deltas.emplace_back(order_status_counter(before.status), -1);
  if (after.placed) req.counter_deltas.emplace_back(order_status_counter(after.status), 1);
  if (!before.placed && after.placed) req.counter_deltas.emplace_back(checkout_outcome_counter("created"), 1);
  if (before.placed && after.placed) req.counter_deltas.emplace_back(checkout_outcome_counter(domain::to_string(after.status)), 1);
}

std::string coupon_claims_counter(const CouponCode& code) { return "coupon." + code.value() + ".claimed"; }

std::vector<domain::ProductState> Holds::slices() const {
  std::vector<domain::ProductState> out;
  out.reserve(held.size());
  for (const auto& h : held) out.push_back(h.slice);
  return out;
}

void Holds::add_plan(storage::AppendRequest& req, const std::vector<domain::OrderEvent>& order_events,
                     const std::vector<domain::ProductPlan>& products, const std::vector<domain::CouponEvent>& coupon_events,
                     const std::vector<domain::CartEvent>& cart_events) const {
  const auto& ref = order.reference.value();
  for (const auto& e : order_events) req.events.push_back(OrderTraits::encode(ref, e));
  for (const auto& p : products)
    for (const auto& e : p.events) req.events.push_back(ProductTraits::encode(p.sku.value(), e));
  if (!coupon_events.empty()) {
    std::int64_t claims = 0;
    bool claimed = false;
    for (const auto& e : coupon_events) {
      req.events.push_back(CouponTraits::encode(coupon->code.value(), e));
      if (std::holds_alternative<events::CouponUseHeld>(e)) ++claims, claimed = true;
      if (std::holds_alternative<events::CouponUseReleased>(e)) --claims;
    }
    const auto counter = coupon_claims_counter(coupon->code);
    if (claims != 0) req.counter_deltas.emplace_back(counter, claims);
    if (claimed && coupon->terms.max_uses) req.counter_limits.emplace_back(counter, *coupon->terms.max_uses);
  }
  for (const auto& e : cart_events) req.events.push_back(CartTraits::encode(cart.user.value(), e));
  if (cart_held) req.expected_versions.emplace_back(std::string(events::kCartStreamPrefix) + cart.user.value(), cart_version);
  if (order_held) req.expected_versions.emplace_back(std::string(events::kOrderStreamPrefix) + ref, order_version);
  if (product_mode == HoldMode::exclusive)
    for (const auto& h : held)
      req.expected_versions.emplace_back(std::string(events::kProductStreamPrefix) + h.slice.sku.value(), h.version);
}

void Holds::commit(std::vector<domain::OrderEvent> order_events, std::vector<domain::ProductPlan> products,
                   std::vector<domain::CouponEvent> coupon_events, const storage::AppendOutcome& outcome,
                   std::vector<domain::CartEvent> cart_events) {
  for (auto& h : held) {
    const auto& sku = h.slice.sku;
    std::vector<domain::ProductEvent> evs;
    for (auto& p : products)
      if (p.sku == sku) evs = std::move(p.events);
    Registry<ProductTraits>::commit(h.actor, hold, std::move(evs),
                                    outcome.head_of(std::string(events::kProductStreamPrefix) + sku.value()));
  }
  held.clear();
  if (coupon_held)
    Registry<CouponTraits>::commit(coupon_actor, hold, std::move(coupon_events),
                                   outcome.head_of(events::coupon_stream(coupon->code)));
  coupon_held = false;
  if (order_held)
    Registry<OrderTraits>::commit(order_actor, hold, std::move(order_events),
                                  outcome.head_of(std::string(events::kOrderStreamPrefix) + order.reference.value()));
  order_held = false;
  if (cart_held)
    Registry<CartTraits>::commit(cart_actor, hold, std::move(cart_events),
                                 outcome.head_of(std::string(events::kCartStreamPrefix) + cart.user.value()));
  cart_held = false;
}

void Holds::release() {
  for (auto& h : held) Registry<ProductTraits>::release(h.actor, hold);
  held.clear();
  if (coupon_held) Registry<CouponTraits>::release(coupon_actor, hold);
  coupon_held = false;
  if (order_held) Registry<OrderTraits>::release(order_actor, hold);
  order_held = false;
  if (cart_held) Registry<CartTraits>::release(cart_actor, hold);
  cart_held = false;
}

}  // namespace coordination
}  // namespace bitacora::actors
