#include "tests/harness/webhooks.hpp"

#include <ctime>

#include "http/gateways/signing.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::testing {

namespace gw = bitacora::http::gateways;

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

SignedWebhook stripe_webhook(const std::string& event_id, std::int64_t now_s, const std::string& order_reference) {
  SignedWebhook w;
  w.target = "/webhooks/stripe";
  w.body = R"({"id":")" + event_id + R"(","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_)" +
           event_id + R"(","amount":5000,"currency":"cop","metadata":{"order_reference":")" + order_reference + R"("}}}})";
  w.headers = {{"Stripe-Signature", gw::stripe_signature(secrets::stripe, now_s, w.body)}};
  return w;
}

SignedWebhook wompi_webhook(const std::string& transaction_id, const std::string& status, std::int64_t amount_in_cents,
                            const std::string& reference, std::int64_t timestamp) {
  SignedWebhook w;
  w.target = "/webhooks/wompi";
  auto checksum = gw::wompi_checksum({transaction_id, status, std::to_string(amount_in_cents)}, timestamp,
                                     secrets::wompi_events);
  w.body = R"({"event":"transaction.updated","data":{"transaction":{"id":")" + transaction_id +
           R"(","amount_in_cents":)" + std::to_string(amount_in_cents) + R"(,"reference":")" + reference +
           R"(","currency":"COP","status":")" + status +
           R"("}},"environment":"test","signature":{"properties":["transaction.id","transaction.status","transaction.amount_in_cents"],"checksum":")" +
           checksum + R"("},"timestamp":)" + std::to_string(timestamp) + R"(,"sent_at":"2026-11-22T10:30:00.000Z"})";
  w.headers = {{"X-Event-Checksum", checksum}};
  return w;
}

SignedWebhook mercadopago_webhook(const std::string& payment_id, const std::string& action,
                                  const std::string& request_id, std::int64_t ts) {
  SignedWebhook w;
  w.target = "/webhooks/mercadopago?data.id=" + payment_id + "&type=payment";
  w.body = R"({"action":")" + action + R"(","api_version":"v1","data":{"id":")" + payment_id +
           R"("},"date_created":"2026-11-22T10:30:00Z","live_mode":false,"type":"payment","user_id":44444})";
  w.headers = {{"x-signature", gw::mercadopago_signature(secrets::mercadopago, payment_id, request_id, std::to_string(ts))},
               {"x-request-id", request_id}};
  return w;
}

SignedWebhook standard_webhook(const std::string& message_id, std::int64_t now_s, const std::string& body) {
  SignedWebhook w;
  w.target = std::string("/webhooks/standard/") + secrets::standard_source;
  w.body = body;
  w.headers = {{"webhook-id", message_id},
               {"webhook-timestamp", std::to_string(now_s)},
               {"webhook-signature", gw::standard_signature(secrets::standard, message_id, now_s, body)}};
  return w;
}

}  // namespace bitacora::testing
