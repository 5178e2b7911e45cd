// Internal to the commerce coordinators (checkout_tx.cpp, end_order_tx.cpp, payment_tx.cpp):
// what a coordinator holds or reads, and how it lets go.
//
// Each coordinator is a small state machine kept alive by its own callbacks; every step is
// started by exactly one callback, so it never runs two steps at once. Holds are taken in one
// global order — cart, order, products by sku — so two coordinators never wait on each other,
// and are always given back, on every path, in finish().
//
// A product's state is never copied whole into a coordinator: a popular product holds thousands
// of reservations. A ProductPlanner runs inside the product actor instead, reads what it needs
// and plans that product's events.
#pragma once

#include <mutex>
#include <optional>

#include "actors/commerce.hpp"

namespace bitacora::actors::coordination {

struct HeldProduct {
  caf::actor actor;  // the holder, when held; none when only read
  ProductView view;
  std::vector<domain::ProductEvent> events;  // planned; appended with the coordinator's batch
};

// Runs in the product actor with its current state; fills `h.events`, or returns a refusal.
using ProductPlanner = std::function<std::optional<domain::DomainError>(const domain::ProductState&, HeldProduct& h)>;

[[nodiscard]] OrderRef new_reference();
void add_product_events(storage::AppendRequest& req, const std::vector<HeldProduct>& held);
// Appends `extra`'s contents after `req`'s own (a webhook's record rides in an order's batch).
void merge(storage::AppendRequest& req, storage::AppendRequest extra);
// Moves the durable per-status order counters ("orders.<status>") from `before` to `after`.
void count_status(storage::AppendRequest& req, const domain::OrderState& before, const domain::OrderState& after);

struct Holds {
  explicit Holds(Commerce& c) : commerce(c) {}
  Commerce& commerce;
  caf::actor order_actor;
  bool order_held = false;
  domain::OrderState order;
  std::uint64_t order_version = 0;
  std::vector<Sku> skus;  // sorted
  std::vector<HeldProduct> held;
  // Products read, not held: their planned events are facts no concurrent decision of theirs can
  // contradict (confirming or releasing this order's own reservation); see apply_external.
  bool products_read_only = false;
  std::optional<domain::DomainError> planning_refusal;  // the first planner refusal
  std::mutex mu;                               // read_products' answers arrive on several threads

  // Holds the order actor of `ref`; then `next`, or tx->finish(error) if its state is unreadable.
  template <class Tx>
  static void hold_order(std::shared_ptr<Tx> tx, const OrderRef& ref, std::function<void()> next) {
    hold<OrderTraits>(tx->commerce.orders(), ref.value(),
                      [tx, next = std::move(next)](const domain::OrderState& s, std::uint64_t v, const std::optional<Error>& err,
                                                   const caf::actor& holder) {
                        tx->order_actor = holder;
                        tx->order_held = true;
                        if (err) return tx->finish(*err);
                        tx->order = s;
                        tx->order_version = v;
                        next();
                      });
  }

  // Holds the products of `skus` one after another, planning each; then `next` (refusals in `refused`).
  template <class Tx>
  static void hold_products(std::shared_ptr<Tx> tx, ProductPlanner plan, std::function<void()> next) {
    if (tx->held.size() == tx->skus.size()) return next();
    hold<ProductTraits>(tx->commerce.products(), tx->skus[tx->held.size()].value(),
                        [tx, plan = std::move(plan), next = std::move(next)](
                            const domain::ProductState& s, std::uint64_t, const std::optional<Error>& err,
                            const caf::actor& holder) mutable {
                          tx->held.push_back(HeldProduct{holder, view_of(s), {}});
                          if (err) return tx->finish(*err);
                          if (auto r = plan(s, tx->held.back()); r && !tx->planning_refusal) tx->planning_refusal = std::move(r);
                          hold_products(tx, std::move(plan), std::move(next));
                        });
  }

  // Reads (does not hold) the products of `skus` at once, planning each; then `next`.
  template <class Tx>
  static void read_products(std::shared_ptr<Tx> tx, ProductPlanner plan, std::function<void()> next) {
    tx->products_read_only = true;
    if (tx->skus.empty()) return next();
    auto left = std::make_shared<std::size_t>(tx->skus.size());
    auto failed = std::make_shared<std::optional<Error>>();
    for (const auto& sku : tx->skus) {
      get<ProductTraits>(tx->commerce.products(), sku.value(),
                         [tx, plan, next, left, failed](const domain::ProductState& s, std::uint64_t, const std::optional<Error>& err) {
                           std::unique_lock lock(tx->mu);
                           tx->held.push_back(HeldProduct{caf::actor(), view_of(s), {}});
                           if (err && !*failed) *failed = err;
                           if (!err)
                             if (auto r = plan(s, tx->held.back()); r && !tx->planning_refusal) tx->planning_refusal = std::move(r);
                           if (--*left > 0) return;
                           lock.unlock();
                           if (*failed) return tx->finish(**failed);
                           next();
                         });
    }
  }

  // The batch is durable (`outcome`): every actor involved applies its events; held ones are let go.
  void commit(std::vector<domain::OrderEvent> order_events, const storage::AppendOutcome& outcome);
  // Lets go of whatever is still held, unchanged.
  void release();
};

}  // namespace bitacora::actors::coordination
