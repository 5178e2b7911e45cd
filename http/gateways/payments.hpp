// What a received notification means for an order's payment, per gateway (API.md §4 "Payment
// effects"): the Interpreter the webhook processor asks. Wompi's and Stripe's notifications carry
// the transaction; Mercado Pago's only name a payment, which is fetched from its API
// (`GET {api_base}/v1/payments/{data.id}` with the access token) — a network error, timeout, 404
// or 5xx is a retryable failure. Standard Webhooks sources are recorded with no order effect.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "actors/webhook_processor.hpp"
#include "http/gateways/api_client.hpp"
#include "http/gateways/gateway_config.hpp"

namespace bitacora::http::gateways {

// `config` and `client` must outlive the interpreter.
[[nodiscard]] actors::Interpreter make_interpreter(const GatewayConfig& config, ApiClient& client);

// The pieces, for tests: each reads one gateway's payload.
[[nodiscard]] actors::Interpretation interpret_wompi(std::string_view body);
[[nodiscard]] actors::Interpretation interpret_stripe(std::string_view body);
[[nodiscard]] actors::Interpretation interpret_mercadopago_payment(int http_status, std::string_view body);
// Which payment a received Mercado Pago notification names (1-20 digits, from signed or checked
// parts only), or what to do instead: no effect (not a payment notification) or a permanent failure.
[[nodiscard]] std::variant<std::string, actors::Interpretation> mercadopago_payment_id(const events::WebhookReceived& w);

}  // namespace bitacora::http::gateways
