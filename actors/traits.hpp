// How each aggregate plugs into AggregateActor: its stream, its codec and its decide/apply
// (domain/), what its replies carry (View) and a holder sees (slice), and what else its appends
// carry (index rows). See actors/aggregate_actor.hpp and actors/protocol.hpp.
#pragma once

#include <caf/all.hpp>

#include "actors/aggregate_actor.hpp"
#include "domain/cart.hpp"
#include "domain/order.hpp"
#include "domain/order_view.hpp"
#include "domain/product.hpp"
#include "events/cart_events.hpp"
#include "events/catalog_events.hpp"
#include "events/order_events.hpp"
#include "snapshots/state_codec.hpp"

namespace bitacora::actors {

// The parts every aggregate shares, given its key type, domain functions and stream prefix.
template <class S, class E, class C, class Key, std::string_view const& Prefix>
struct TraitsBase {
  using State = S;
  using Event = E;
  using Command = C;
  static constexpr std::string_view kStreamPrefix = Prefix;

  static void apply(State& s, const Event& e) { s = domain::apply(std::move(s), e); }
  static domain::Decision<Event> decide(const State& s, const Command& c) { return domain::decide(s, c); }
  static storage::NewEvent encode(const std::string& key, const Event& e) {
    return {std::string(Prefix) + key, std::string(domain::type_of(e)), domain::to_json(e)};
  }
  static std::string encode_state(const State& s) { return snapshots::state_json(s); }
  static Result<Event> decode(const events::Envelope& e) { return decode_event(e.type, e.data); }
  static Result<Event> decode_event(std::string_view type, std::string_view json) {
    if constexpr (std::is_same_v<State, domain::ProductState>) return domain::decode_product_event(type, json);
    else if constexpr (std::is_same_v<State, domain::CartState>) return domain::decode_cart_event(type, json);
    else return domain::decode_order_event(type, json);
  }
};

struct ProductTraits : TraitsBase<domain::ProductState, domain::ProductEvent, domain::ProductCommand, Sku,
                                  events::kProductStreamPrefix> {
  static constexpr std::string_view kName = "product";
  static constexpr bool kTakesCommands = true;
  using View = ProductView;
  static View view_of(const State& s) { return actors::view_of(s); }
  // A holder sees only its own order's reservation: a popular product holds thousands.
  static State slice(const State& s, const OrderRef& order) { return domain::slice_for(s, order); }
  static State initial(const std::string& key) {
    State s;
    s.sku = Sku(key);
    return s;
  }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_product_state(json); }
  static const std::string& key_of(const State& s) { return s.sku.value(); }
  static std::size_t weight(const State& s) { return s.reservations.size(); }
};

struct CartTraits : TraitsBase<domain::CartState, domain::CartEvent, domain::CartCommand, UserId,
                               events::kCartStreamPrefix> {
  static constexpr std::string_view kName = "cart";
  static constexpr bool kTakesCommands = true;
  using View = Snap<State>;  // a cart is its own view
  static View view_of(const State& s) { return {s}; }
  static State slice(const State& s, const OrderRef&) { return s; }
  static State initial(const std::string& key) {
    State s;
    s.user = UserId(key);
    return s;
  }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_cart_state(json); }
  static const std::string& key_of(const State& s) { return s.user.value(); }
  static std::size_t weight(const State& s) { return s.lines.size(); }
};

struct OrderTraits : TraitsBase<domain::OrderState, domain::OrderEvent, domain::OrderCommand, OrderRef,
                                events::kOrderStreamPrefix> {
  static constexpr std::string_view kName = "order";
  static constexpr bool kTakesCommands = false;  // orders change only under coordinators' holds
  using View = Snap<State>;
  static View view_of(const State& s) { return {s}; }
  static State slice(const State& s, const OrderRef&) { return s; }
  static State initial(const std::string& key) {
    State s;
    s.reference = OrderRef(key);
    return s;
  }
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_order_state(json); }
  static const std::string& key_of(const State& s) { return s.reference.value(); }
  static std::size_t weight(const State& s) { return s.lines.size() + s.applied_payments.size(); }
  // Every change to an order rewrites its row in the `orders` index (the admin list).
  static void decorate(const std::string& key, const State& after, storage::AppendRequest& req) {
    req.index_puts.push_back({storage::Index::orders, key, domain::order_view_json(after)});
  }
};

}  // namespace bitacora::actors

namespace bitacora::actors {

// Registers the messages of every aggregate kind (actors/protocol.hpp) with `cfg`.
inline void add_aggregate_messages(caf::actor_system_config& cfg) {
  add_messages<ProductTraits>(cfg);
  add_messages<CartTraits>(cfg);
  add_messages<OrderTraits>(cfg);
}

}  // namespace bitacora::actors
