// Rebuilding any stream's state from its events alone — what `replay` prints and `audit` checks
// against the live tables and snapshots. The stream's name says its aggregate: `product/<sku>`,
// `cart/<user>`, `order/<reference>`, `webhook/<dedupe key>`; its descriptor (snapshots/aggregates.hpp)
// says how to fold it.
// Pure: no I/O, no threads; any thread may use its own values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "events/envelope.hpp"
#include "snapshots/aggregates.hpp"
#include "support/result.hpp"

namespace bitacora::snapshots {

// How AnyState holds D's state. Carts, the most numerous streams, are held in place; the larger
// states (an order is ~4× a cart) on the heap, so that a table of a million streams, as audit
// keeps, holds no order-sized slot per cart.
template <class D>
using Held = std::conditional_t<std::is_same_v<D, CartAggregate>, typename D::State, std::unique_ptr<typename D::State>>;

namespace detail {
template <class List>
struct AnyStateOf;
template <class... D>
struct AnyStateOf<TypeList<D...>> {
  using type = std::variant<std::monostate, Held<D>...>;
};
}  // namespace detail

// The state of any stream (monostate: of no aggregate). Read it through state_if.
using AnyState = detail::AnyStateOf<Aggregates>::type;

// The state as an S (const if `a` is), or null if it is another kind.
template <class S, class V>
  requires std::is_same_v<std::remove_const_t<V>, AnyState>
[[nodiscard]] auto state_if(V& a) noexcept -> std::conditional_t<std::is_const_v<V>, const S*, S*> {
  if constexpr (std::is_same_v<Held<AggregateOf<S>>, S>) {
    return std::get_if<S>(&a);
  } else {
    auto* boxed = std::get_if<std::unique_ptr<S>>(&a);
    return boxed ? boxed->get() : nullptr;
  }
}

// The state a stream starts from (monostate for a stream of no aggregate).
[[nodiscard]] AnyState initial_state(std::string_view stream);
// Decodes `e` as an event of its stream's aggregate and folds it in. Errc::data_loss when the
// event does not decode or does not belong there (a webhook stream must begin with WebhookReceived).
[[nodiscard]] Status apply_event(AnyState& state, const events::EnvelopeView& e);
// The state as its descriptor's state_json (for webhooks, the summary row's form); null for none.
[[nodiscard]] std::string any_state_json(const AnyState& state);

}  // namespace bitacora::snapshots
