// How each aggregate plugs into AggregateActor: its stream, its codec and its decide/apply
// (domain/), and what else its appends carry (index rows). See actors/aggregate_actor.hpp.
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
};

struct ProductTraits : TraitsBase<domain::ProductState, domain::ProductEvent, domain::ProductCommand, Sku,
                                  events::kProductStreamPrefix> {
  // Payments confirm and release reservations without holding the product (apply_external).
  static constexpr bool kCheckVersion = false;
  static State initial(const std::string& key) {
    State s;
    s.sku = Sku(key);
    return s;
  }
  static Result<Event> decode(const events::Envelope& e) { return domain::decode_product_event(e.type, e.data); }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_product_state(json); }
  static const std::string& key_of(const State& s) { return s.sku.value(); }
  static std::size_t weight(const State& s) { return s.reservations.size(); }
};

struct CartTraits : TraitsBase<domain::CartState, domain::CartEvent, domain::CartCommand, UserId,
                               events::kCartStreamPrefix> {
  static constexpr bool kCheckVersion = true;
  static State initial(const std::string& key) {
    State s;
    s.user = UserId(key);
    return s;
  }
  static Result<Event> decode(const events::Envelope& e) { return domain::decode_cart_event(e.type, e.data); }
  static void decorate(const std::string&, const State&, storage::AppendRequest&) {}
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_cart_state(json); }
  static const std::string& key_of(const State& s) { return s.user.value(); }
  static std::size_t weight(const State& s) { return s.lines.size(); }
};

struct OrderTraits : TraitsBase<domain::OrderState, domain::OrderEvent, domain::OrderCommand, OrderRef,
                                events::kOrderStreamPrefix> {
  static constexpr bool kCheckVersion = true;
  static State initial(const std::string& key) {
    State s;
    s.reference = OrderRef(key);
    return s;
  }
  static Result<Event> decode(const events::Envelope& e) { return domain::decode_order_event(e.type, e.data); }
  static Result<State> decode_state(std::string_view json) { return snapshots::decode_order_state(json); }
  static const std::string& key_of(const State& s) { return s.reference.value(); }
  static std::size_t weight(const State& s) { return s.lines.size() + s.applied_payments.size(); }
  // Every change to an order rewrites its row in the `orders` index (the admin list).
  static void decorate(const std::string& key, const State& after, storage::AppendRequest& req) {
    req.index_puts.push_back({storage::Index::orders, key, domain::order_view_json(after)});
  }
};

}  // namespace bitacora::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::AggregateMsg<bitacora::actors::ProductTraits>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::AggregateMsg<bitacora::actors::CartTraits>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::AggregateMsg<bitacora::actors::OrderTraits>)
