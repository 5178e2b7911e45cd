// Rebuilding any stream's state from its events alone — what `replay` prints and `audit` checks
// against the live tables and snapshots. The stream's name says its aggregate: `product/<sku>`,
// `cart/<user>`, `order/<reference>`, `webhook/<dedupe key>`.
// Pure: no I/O, no threads; any thread may use its own values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "domain/cart.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "domain/webhook.hpp"
#include "events/envelope.hpp"
#include "support/result.hpp"

namespace bitacora::snapshots {

enum class StreamKind { product, cart, order, webhook, unknown };
[[nodiscard]] StreamKind kind_of(std::string_view stream) noexcept;
[[nodiscard]] std::string_view key_of(std::string_view stream) noexcept;  // after the first '/'

// Carts, the most numerous streams, are held in place; the larger states (an order is ~4× a cart)
// on the heap, so that a table of a million streams, as audit keeps, holds no order-sized slot
// per cart. Read it through state_if.
using AnyState = std::variant<std::monostate, std::unique_ptr<domain::ProductState>, domain::CartState,
                              std::unique_ptr<domain::OrderState>, std::unique_ptr<domain::WebhookSummary>>;

// The state as an S (const if `a` is), or null if it is another kind.
template <class S, class V>
  requires std::is_same_v<std::remove_const_t<V>, AnyState>
[[nodiscard]] auto state_if(V& a) noexcept -> std::conditional_t<std::is_const_v<V>, const S*, S*> {
  if constexpr (std::is_same_v<S, domain::CartState>) {
    return std::get_if<domain::CartState>(&a);
  } else {
    auto* boxed = std::get_if<std::unique_ptr<S>>(&a);
    return boxed ? boxed->get() : nullptr;
  }
}

// The state a stream starts from (monostate for an unknown kind).
[[nodiscard]] AnyState initial_state(std::string_view stream);
// Decodes `e` as an event of its stream's aggregate and folds it in. Errc::data_loss when the
// event does not decode or does not belong there (a webhook stream must begin with WebhookReceived).
[[nodiscard]] Status apply_event(AnyState& state, const events::EnvelopeView& e);
// The state as JSON: state_json for aggregates, the summary row's form for webhooks, null otherwise.
[[nodiscard]] std::string any_state_json(const AnyState& state);

}  // namespace bitacora::snapshots
