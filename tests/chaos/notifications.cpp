#include "tests/chaos/notifications.hpp"

#include "http/gateways/signing.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::chaos {

namespace gw = bitacora::http::gateways;
namespace secrets = testing::secrets;

const char* to_string(Gateway g) {
  switch (g) {
    case Gateway::wompi:
      return "wompi";
    case Gateway::stripe:
      return "stripe";
    case Gateway::mercadopago:
      return "mercadopago";
    case Gateway::standard:
      return "standard";
  }
  return "?";
}

testing::SignedWebhook Notification::signed_at(std::int64_t now_s) const {
  testing::SignedWebhook w{target, body, {}};
  switch (gateway) {
    case Gateway::wompi:
      break;  // the checksum is in the body
    case Gateway::stripe:
      w.headers = {{"Stripe-Signature", gw::stripe_signature(secrets::stripe, now_s, body)}};
      break;
    case Gateway::mercadopago:
      w.headers = {{"x-signature", gw::mercadopago_signature(secrets::mercadopago, signed_id, request_id, std::to_string(now_s))},
                   {"x-request-id", request_id}};
      break;
    case Gateway::standard:
      w.headers = {{"webhook-id", signed_id},
                   {"webhook-timestamp", std::to_string(now_s)},
                   {"webhook-signature", gw::standard_signature(secrets::standard, signed_id, now_s, body)}};
      break;
  }
  return w;
}

Notification wompi_transaction(const std::string& transaction_id, const std::string& status, std::int64_t amount_in_cents,
                               const std::string& reference, std::int64_t timestamp) {
  auto signed_request = testing::wompi_webhook(transaction_id, status, amount_in_cents, reference, timestamp);
  auto checksum = gw::wompi_checksum({transaction_id, status, std::to_string(amount_in_cents)}, timestamp, secrets::wompi_events);
  return {Gateway::wompi, "wompi:" + checksum, signed_request.target, signed_request.body, {}, {}};
}

Notification stripe_event(const std::string& event_id, const std::string& type, const std::string& intent_id, std::int64_t amount_in_cents,
                          const std::string& reference) {
  // A refund's object is the charge, naming its payment intent; the others' object is the intent.
  const bool refund = type == "charge.refunded";
  std::string object = refund ? R"({"id":"ch_)" + event_id + R"(","payment_intent":")" + intent_id + "\"" : R"({"id":")" + intent_id + "\"";
  object +=
      R"(,"amount":)" + std::to_string(amount_in_cents) + R"(,"currency":"cop","metadata":{"order_reference":")" + reference + R"("}})";
  std::string body = R"({"id":")" + event_id + R"(","object":"event","type":")" + type + R"(","data":{"object":)" + object + "}}";
  return {Gateway::stripe, "stripe:" + event_id, "/webhooks/stripe", std::move(body), {}, {}};
}

Notification mercadopago_payment(std::int64_t notification_id, const std::string& payment_id, const std::string& action) {
  const auto id = std::to_string(notification_id);
  std::string body = R"({"id":)" + id + R"(,"action":")" + action + R"(","api_version":"v1","data":{"id":")" + payment_id +
                     R"("},"date_created":"2026-11-22T10:30:00Z","live_mode":false,"type":"payment","user_id":44444})";
  return {Gateway::mercadopago, "mercadopago:" + payment_id + ":req-" + id + ":",
          "/webhooks/mercadopago?data.id=" + payment_id + "&type=payment", std::move(body), payment_id, "req-" + id};
}

Notification standard_ping(const std::string& message_id) {
  return {Gateway::standard,
          std::string(secrets::standard_source) + ":" + message_id,
          std::string("/webhooks/standard/") + secrets::standard_source,
          R"({"type":"ping","data":{"message":")" + message_id + R"("}})",
          message_id,
          {}};
}

}  // namespace bitacora::chaos
