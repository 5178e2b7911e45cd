// One descriptor per kind of stream: everything needed to rebuild a stream of that kind from the
// log, written once and used by the actors (actors/traits.hpp), snapshots and rebuilding
// (snapshots/rebuild.hpp), `audit` and `replay` alike. A descriptor D gives:
//   State, Event; kName ("product"), kStreamPrefix ("product/");
//   initial(key) → the state of an empty stream;
//   apply(State&, Event) → the fold (domain/), changing the state in place;
//   decode_event(type, json) → Result<Event> (the envelope's type and data; data_loss when unknown
//     or malformed);
//   state_json(State) / decode_state(json) → the state's stored form and back.
// The aggregates an actor owns (product, cart, order) also give key_of(State) (key_of(initial(k))
// == k), event_type(Event) and encode_event(Event): the stored form of the events they append.
// A kind may give refusal(state, type): why its stream cannot take an event of `type` next,
// checked before the event's data is read (a webhook stream begins with WebhookReceived, once).
// Aggregates lists them all; AggregateOf<State> finds one by its state.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "domain/cart.hpp"
#include "domain/coupon.hpp"
#include "domain/delivery.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "domain/webhook.hpp"
#include "events/webhook_events.hpp"
#include "snapshots/state_codec.hpp"
#include "support/result.hpp"

namespace bitacora::snapshots {

// What the aggregates an actor owns share: the domain's fold and event codec (found by overload on
// their types), a snapshot state codec, and a key that is one strong id of the state (`Key`).
template <class S, class E, auto Key, auto DecodeEvent, auto DecodeState>
struct OwnedAggregate {
  using State = S;
  using Event = E;

  static State initial(std::string_view key) {
    State s;
    s.*Key = std::remove_cvref_t<decltype(s.*Key)>(std::string(key));
    return s;
  }
  static const std::string& key_of(const State& s) { return (s.*Key).value(); }
  static void apply(State& s, Event e) { domain::apply_in_place(s, std::move(e)); }
  static Result<Event> decode_event(std::string_view type, std::string_view json) { return DecodeEvent(type, json); }
  static std::string_view event_type(const Event& e) { return domain::type_of(e); }
  static std::string encode_event(const Event& e) { return domain::to_json(e); }
  static std::string state_json(const State& s) { return snapshots::state_json(s); }
  static Result<State> decode_state(std::string_view json) { return DecodeState(json); }
};

struct ProductAggregate : OwnedAggregate<domain::ProductState, domain::ProductEvent, &domain::ProductState::sku,
                                         domain::decode_product_event, decode_product_state> {
  static constexpr std::string_view kName = "product";
  static constexpr std::string_view kStreamPrefix = events::kProductStreamPrefix;
};

struct CartAggregate : OwnedAggregate<domain::CartState, domain::CartEvent, &domain::CartState::user, domain::decode_cart_event,
                                      decode_cart_state> {
  static constexpr std::string_view kName = "cart";
  static constexpr std::string_view kStreamPrefix = events::kCartStreamPrefix;
};

struct OrderAggregate : OwnedAggregate<domain::OrderState, domain::OrderEvent, &domain::OrderState::reference,
                                       domain::decode_order_event, decode_order_state> {
  static constexpr std::string_view kName = "order";
  static constexpr std::string_view kStreamPrefix = events::kOrderStreamPrefix;
};

struct CouponAggregate : OwnedAggregate<domain::CouponState, domain::CouponEvent, &domain::CouponState::code,
                                        domain::decode_coupon_event, decode_coupon_state> {
  static constexpr std::string_view kName = "coupon";
  static constexpr std::string_view kStreamPrefix = events::kCouponStreamPrefix;
};

struct DeliveryAggregate : OwnedAggregate<domain::DeliveryZoneState, domain::DeliveryEvent, &domain::DeliveryZoneState::zone,
                                          domain::decode_delivery_event, decode_delivery_state> {
  static constexpr std::string_view kName = "delivery";
  static constexpr std::string_view kStreamPrefix = events::kDeliveryStreamPrefix;
};

// A webhook's stream, folded to read it (audit, replay) into its summary: the row the `webhooks`
// index lists, whose stored form is its state's. Its events are appended by the webhook inbox and
// processor, so it has no encode_event; WebhookReceived is read without the raw request it
// carries, which a summary does not keep.
struct WebhookAggregate {
  using State = domain::WebhookSummary;
  using Event = std::variant<events::WebhookReceivedHead, events::WebhookSucceeded, events::WebhookAttemptFailed,
                             events::WebhookFailed, events::WebhookRetryRequested>;
  static constexpr std::string_view kName = "webhook";
  static constexpr std::string_view kStreamPrefix = events::kWebhookStreamPrefix;

  static State initial(std::string_view) { return {}; }  // its key comes with WebhookReceived
  static void apply(State& s, Event e);
  static Result<Event> decode_event(std::string_view type, std::string_view json);
  static std::optional<std::string> refusal(const State& s, std::string_view type);
  static std::string state_json(const State& s) { return domain::encode(s); }
  static Result<State> decode_state(std::string_view json) { return domain::decode_webhook_summary(json); }
};

template <class... D>
struct TypeList {};

// Every kind of stream the log holds.
using Aggregates =
    TypeList<ProductAggregate, CartAggregate, OrderAggregate, CouponAggregate, DeliveryAggregate, WebhookAggregate>;

namespace detail {
template <class S, class List>
struct AggregateOf;
template <class S, class D, class... Rest>
struct AggregateOf<S, TypeList<D, Rest...>>
    : std::conditional_t<std::is_same_v<typename D::State, S>, std::type_identity<D>, AggregateOf<S, TypeList<Rest...>>> {};
}  // namespace detail

// The descriptor whose State is S.
template <class S>
using AggregateOf = typename detail::AggregateOf<S, Aggregates>::type;

// Calls visit(std::type_identity<D>{}) for the descriptor whose stream prefix `stream` starts
// with; false, having called nothing, when none does.
template <class F>
bool visit_aggregate(std::string_view stream, F&& visit) {
  return [&]<class... D>(TypeList<D...>) {
    return ((stream.starts_with(D::kStreamPrefix) ? (visit(std::type_identity<D>{}), true) : false) || ...);
  }(Aggregates{});
}

}  // namespace bitacora::snapshots
