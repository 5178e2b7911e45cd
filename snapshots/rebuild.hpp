// Rebuilding any stream's state from its events alone — what `replay` prints and `audit` checks
// against the live tables and snapshots. The stream's name says its aggregate: `product/<sku>`,
// `cart/<user>`, `order/<reference>`, `webhook/<dedupe key>`.
// Pure: no I/O, no threads; any thread may use its own values.
#pragma once

#include <string>
#include <string_view>
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

using AnyState = std::variant<std::monostate, domain::ProductState, domain::CartState, domain::OrderState, domain::WebhookSummary>;

// The state a stream starts from (monostate for an unknown kind).
[[nodiscard]] AnyState initial_state(std::string_view stream);
// Decodes `e` as an event of its stream's aggregate and folds it in. Errc::data_loss when the
// event does not decode or does not belong there (a webhook stream must begin with WebhookReceived).
[[nodiscard]] Status apply_event(AnyState& state, const events::EnvelopeView& e);
// The state as JSON: state_json for aggregates, the summary row's form for webhooks, null otherwise.
[[nodiscard]] std::string any_state_json(const AnyState& state);

}  // namespace bitacora::snapshots
