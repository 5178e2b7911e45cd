#include "http/gateways/payments.hpp"

#include <algorithm>
#include <cmath>

#include "http/gateways/detail.hpp"
#include "http/url.hpp"

namespace bitacora::http::gateways {
namespace {

using actors::Interpretation;
using domain::PaymentOutcome;
using Kind = Interpretation::Kind;

Interpretation permanent(std::string why) { return {Kind::permanent, {}, std::move(why)}; }
Interpretation retryable(std::string why) { return {Kind::retryable, {}, std::move(why)}; }
Interpretation no_effect() { return {Kind::no_effect, {}, {}}; }

// The notice names an order stream and the gateway's words go into events and logs: the reference
// must be an identifier, the rest valid names (the amount and currency are checked by the order).
Interpretation payment(actors::PaymentNotice notice) {
  if (!valid_identifier(notice.order.value())) return permanent("the order reference is not 1-64 of A-Z a-z 0-9 . _ -");
  if (!valid_name(notice.transaction_id) || !valid_name(notice.status, 128) || !valid_name(notice.currency, 16))
    return permanent("the transaction id, status or currency is not a valid name");
  return {Kind::payment, std::move(notice), {}};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> int_at(simdjson::dom::element root, std::string_view path) {
  auto v = detail::find(root, path);
  std::int64_t n = 0;
  if (!v || v->get_int64().get(n)) return std::nullopt;
  return n;
}

}  // namespace

Interpretation interpret_wompi(std::string_view body) {
  auto root = detail::parse_object(body);
  if (!root) return permanent("the stored body is not a JSON object");
  auto event = detail::string_at(*root, "event");
  if (!event || *event != "transaction.updated") return no_effect();
  auto id = detail::find(*root, "data.transaction.id");
  auto status = detail::string_at(*root, "data.transaction.status");
  auto reference = detail::string_at(*root, "data.transaction.reference");
  auto amount = int_at(*root, "data.transaction.amount_in_cents");
  auto currency = detail::string_at(*root, "data.transaction.currency");
  auto id_text = id ? detail::scalar_text(*id) : std::nullopt;
  if (!id_text || !status || !reference || !amount || !currency)
    return permanent("data.transaction lacks id, status, reference, amount_in_cents or currency");
  PaymentOutcome outcome;
  if (*status == "APPROVED") outcome = PaymentOutcome::approved;
  else if (*status == "DECLINED" || *status == "VOIDED" || *status == "ERROR") outcome = PaymentOutcome::failed;
  else if (*status == "PENDING") outcome = PaymentOutcome::pending;
  else return permanent("unknown Wompi transaction status " + std::string(*status));
  return payment({OrderRef(std::string(*reference)), "wompi", *id_text, outcome, std::string(*status), *amount, upper(*currency)});
}

Interpretation interpret_stripe(std::string_view body) {
  auto root = detail::parse_object(body);
  if (!root) return permanent("the stored body is not a JSON object");
  auto type = detail::string_at(*root, "type");
  if (!type) return no_effect();
  PaymentOutcome outcome;
  if (*type == "payment_intent.succeeded") outcome = PaymentOutcome::approved;
  else if (*type == "payment_intent.payment_failed" || *type == "payment_intent.canceled") outcome = PaymentOutcome::failed;
  else if (*type == "charge.refunded") outcome = PaymentOutcome::refunded;
  else return no_effect();
  auto reference = detail::string_at(*root, "data.object.metadata.order_reference");
  if (!reference) return permanent(std::string(*type) + " without data.object.metadata.order_reference");
  // A refund's object is the charge; its payment intent is the transaction the approval named.
  auto id = outcome == PaymentOutcome::refunded ? detail::string_at(*root, "data.object.payment_intent")
                                                : detail::string_at(*root, "data.object.id");
  auto amount = int_at(*root, "data.object.amount");
  auto currency = detail::string_at(*root, "data.object.currency");
  if (!id || !amount || !currency) return permanent(std::string(*type) + " without the object's id, amount or currency");
  return payment({OrderRef(std::string(*reference)), "stripe", std::string(*id), outcome, std::string(*type), *amount, upper(*currency)});
}

Interpretation interpret_mercadopago_payment(int http_status, std::string_view body) {
  if (http_status == 404) return retryable("the payment is not (yet) known to Mercado Pago (404)");
  if (http_status >= 500 || http_status == 429) return retryable("Mercado Pago answered " + std::to_string(http_status));
  if (http_status != 200) return permanent("Mercado Pago answered " + std::to_string(http_status));
  auto root = detail::parse_object(body);
  if (!root) return retryable("Mercado Pago's answer is not a JSON object");
  auto id = detail::find(*root, "id");
  auto id_text = id ? detail::scalar_text(*id) : std::nullopt;
  auto status = detail::string_at(*root, "status");
  auto reference = detail::string_at(*root, "external_reference");
  auto currency = detail::string_at(*root, "currency_id");
  auto amount_value = detail::find(*root, "transaction_amount");
  double amount = 0;
  if (!id_text || !status || !currency || !amount_value || amount_value->get_double().get(amount))
    return retryable("Mercado Pago's payment lacks id, status, currency_id or transaction_amount");
  if (!reference || reference->empty()) return permanent("Mercado Pago payment " + *id_text + " has no external_reference");
  PaymentOutcome outcome;
  if (*status == "approved") outcome = PaymentOutcome::approved;
  else if (*status == "rejected" || *status == "cancelled") outcome = PaymentOutcome::failed;
  else if (*status == "refunded" || *status == "charged_back") outcome = PaymentOutcome::refunded;
  else outcome = PaymentOutcome::pending;  // pending, authorized, in_process, in_mediation
  // transaction_amount is in major units: 125.5 → 12550 cents. An amount no order could have
  // (negative, not finite, past 10^16 units) would round to nothing meaningful: refused.
  if (!std::isfinite(amount) || amount < 0 || amount > 1e16)
    return permanent("Mercado Pago payment " + *id_text + " has an impossible transaction_amount");
  auto cents = static_cast<std::int64_t>(std::llround(amount * 100.0));
  return payment({OrderRef(std::string(*reference)), "mercadopago", *id_text, outcome, std::string(*status), cents, upper(*currency)});
}

std::variant<std::string, Interpretation> mercadopago_payment_id(const events::WebhookReceived& w) {
  // A legacy IPN (accepted only when allowed, its topic and id checked then) names the payment by
  // `id`; a signed notification by the query's data.id, the one part of it the signature covers.
  // The body and the query's other parameters are unsigned: they may say that the notification is
  // not about a payment (then nothing is fetched), never which payment it is.
  const bool ipn = w.key.rfind("mercadopago:ipn:", 0) == 0;
  std::optional<std::string> id;
  if (ipn) {
    if (query_param(w.query, "topic") != "payment") return no_effect();
    id = query_param(w.query, "id");
  } else {
    auto root = detail::parse_object(w.body);
    auto type = root ? detail::string_at(*root, "type") : std::nullopt;
    if (!type) {
      if (auto query_type = query_param(w.query, "type"); query_type && *query_type != "payment") return no_effect();
    } else if (*type != "payment") {
      return no_effect();
    }
    id = query_param(w.query, "data.id");
    if (!id) return permanent("the notification names no signed payment id (data.id in its query)");
  }
  // Mercado Pago's payment ids are numbers; nothing else may reach the API's URL.
  const bool digits = id && !id->empty() && id->size() <= 20 &&
                      std::all_of(id->begin(), id->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return permanent("the payment id is not 1-20 digits");
  return std::move(*id);
}

actors::Interpreter make_interpreter(const GatewayConfig& config, ApiClient& client) {
  return [&config, &client](const events::WebhookReceived& w, std::function<void(Interpretation)> done) {
    if (w.gateway == "wompi") return done(interpret_wompi(w.body));
    if (w.gateway == "stripe") return done(interpret_stripe(w.body));
    if (w.gateway != "mercadopago") return done(no_effect());  // a Standard Webhooks source
    auto payment = mercadopago_payment_id(w);
    if (auto* decided = std::get_if<Interpretation>(&payment)) return done(std::move(*decided));
    const auto& mp = config.mercadopago;
    if (mp.access_token.empty()) return done(retryable("mercadopago.access_token is not configured"));
    std::string base = mp.api_base;
    while (!base.empty() && base.back() == '/') base.pop_back();
    client.get(base + "/v1/payments/" + std::get<std::string>(payment),
               {{"Authorization", "Bearer " + std::string(mp.access_token.reveal())}},
               [done = std::move(done)](Result<ApiResponse> r) {
                 if (!r) return done(retryable(r.error().message));
                 done(interpret_mercadopago_payment(r->status, r->body));
               });
  };
}

}  // namespace bitacora::http::gateways
