#include "actors/coordinator.hpp"

#include <openssl/rand.h>

namespace bitacora::actors::coordination {

OrderRef new_reference() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string ref = "ORD-";
  for (unsigned char b : bytes) ref += alphabet[b & 31];
  return OrderRef(ref);
}

void add_product_events(storage::AppendRequest& req, const std::vector<HeldProduct>& held) {
  for (const auto& h : held)
    for (const auto& e : h.events) req.events.push_back(ProductTraits::encode(h.view.sku.value(), e));
}

void merge(storage::AppendRequest& req, storage::AppendRequest extra) {
  for (auto& e : extra.events) req.events.push_back(std::move(e));
  for (auto& p : extra.index_puts) req.index_puts.push_back(std::move(p));
  for (auto& c : extra.counter_deltas) req.counter_deltas.push_back(std::move(c));
  for (auto& t : extra.timer_puts) req.timer_puts.push_back(std::move(t));
  for (auto& t : extra.timer_deletes) req.timer_deletes.push_back(std::move(t));
}

void count_status(storage::AppendRequest& req, const domain::OrderState& before, const domain::OrderState& after) {
  if (before.placed && after.placed && before.status == after.status) return;
  if (before.placed) req.counter_deltas.emplace_back(order_status_counter(before.status), -1);
  if (after.placed) req.counter_deltas.emplace_back(order_status_counter(after.status), 1);
}

void Holds::commit(std::vector<domain::OrderEvent> order_events, const storage::AppendOutcome& outcome) {
  if (order_held)
    commit_held<OrderTraits>(order_actor, std::move(order_events),
                             outcome.head_of(std::string(events::kOrderStreamPrefix) + order.reference.value()));
  order_held = false;
  for (auto& h : held) {
    const auto& sku = h.view.sku.value();
    const auto head = outcome.head_of(std::string(events::kProductStreamPrefix) + sku);
    if (!products_read_only) commit_held<ProductTraits>(h.actor, std::move(h.events), head);
    else if (!h.events.empty()) apply_external<ProductTraits>(commerce.products(), sku, std::move(h.events), head);
  }
  held.clear();
}

void Holds::release() {
  if (!products_read_only)
    for (auto& h : held) release_held<ProductTraits>(h.actor);
  held.clear();
  if (order_held) release_held<OrderTraits>(order_actor);
  order_held = false;
}

}  // namespace bitacora::actors::coordination
