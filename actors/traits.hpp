// How each aggregate plugs into AggregateActor: its descriptor (snapshots/aggregates.hpp: stream,
// fold, event and state codecs, shared with snapshots, audit and replay), its decide (domain/),
// what its replies carry (View) and a holder sees (slice), and what else its appends carry (index
// rows). See actors/aggregate_actor.hpp and actors/protocol.hpp.
#pragma once

#include <caf/all.hpp>

#include "actors/aggregate_actor.hpp"
#include "domain/order_view.hpp"
#include "snapshots/aggregates.hpp"
#include "storage/keys.hpp"

namespace bitacora::actors {

// What every aggregate's actor takes from its descriptor D, and the two things only an actor does
// with it: decide on a command, and encode an event for the stream it appends to.
template <class D, class C>
struct TraitsBase : D {
  using State = typename D::State;
  using Event = typename D::Event;
  using Command = C;

  static domain::Decision<Event> decide(const State& s, const Command& c) { return domain::decide(s, c); }
  static storage::NewEvent encode(const std::string& key, const Event& e) {
    return {std::string(D::kStreamPrefix) + key, std::string(D::event_type(e)), D::encode_event(e)};
  }
};

struct ProductTraits : TraitsBase<snapshots::ProductAggregate, domain::ProductCommand> {
  static constexpr bool kTakesCommands = true;
  using View = ProductView;
  static View view_of(const State& s) { return actors::view_of(s); }
  // A holder sees only its own order's reservation: a popular product holds thousands.
  static State slice(const State& s, const OrderRef& order, const UserId&) { return domain::slice_for(s, order); }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static std::size_t weight(const State& s) { return s.reservations.size(); }
};

struct CartTraits : TraitsBase<snapshots::CartAggregate, domain::CartCommand> {
  static constexpr bool kTakesCommands = true;
  using View = Snap<State>;  // a cart is its own view
  static View view_of(const State& s) { return {s}; }
  static State slice(const State& s, const OrderRef&, const UserId&) { return s; }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static std::size_t weight(const State& s) { return s.lines.size(); }
};

struct OrderTraits : TraitsBase<snapshots::OrderAggregate, domain::OrderCommand> {
  static constexpr bool kTakesCommands = false;  // orders change only under coordinators' holds
  using View = Snap<State>;
  static View view_of(const State& s) { return {s}; }
  static State slice(const State& s, const OrderRef&, const UserId&) { return s; }
  static std::size_t weight(const State& s) { return s.lines.size() + s.applied_payments.size(); }
  // Every change to an order rewrites its row in the `orders` index (the admin list) and in the
  // `checkouts` index (statistics, by the time it was placed).
  static void decorate(const std::string& key, const State& after, storage::AppendRequest& req) {
    req.index_puts.push_back({storage::Index::orders, key, domain::order_view_json(after)});
    if (after.placed)
      req.index_puts.push_back({storage::Index::checkouts, storage::keys::be64(static_cast<std::uint64_t>(after.placed_at)) + key,
                                domain::checkout_row_json(after)});
  }
};

// A coupon is defined by commands and held (shared) by the coordinators that take, confirm and
// release its uses; they hold it as one order of one shopper sees it.
struct CouponTraits : TraitsBase<snapshots::CouponAggregate, domain::CouponCommand> {
  static constexpr bool kTakesCommands = true;
  using View = CouponView;
  static View view_of(const State& s) { return actors::view_of(s); }
  static State slice(const State& s, const OrderRef& order, const UserId& user) { return domain::slice_for(s, order, user); }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static std::size_t weight(const State& s) { return s.holds.size() + s.uses_by_user.size(); }
};

struct DeliveryTraits : TraitsBase<snapshots::DeliveryAggregate, domain::DeliveryCommand> {
  static constexpr bool kTakesCommands = true;
  using View = Snap<State>;
  static View view_of(const State& s) { return {s}; }
  static State slice(const State& s, const OrderRef&, const UserId&) { return s; }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static std::size_t weight(const State&) { return 1; }
};

}  // namespace bitacora::actors

namespace bitacora::actors {

// Registers the messages of every aggregate kind (actors/protocol.hpp) with `cfg`.
inline void add_aggregate_messages(caf::actor_system_config& cfg) {
  add_messages<ProductTraits>(cfg);
  add_messages<CartTraits>(cfg);
  add_messages<OrderTraits>(cfg);
  add_messages<CouponTraits>(cfg);
  add_messages<DeliveryTraits>(cfg);
}

}  // namespace bitacora::actors
