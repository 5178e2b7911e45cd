// The gateways' notifications the chaos driver sends, correctly signed with test_config()'s
// secrets, for real orders and amounts. Each knows the dedupe key the server files it under
// (docs/api.md §1), so an acknowledgement can be looked up afterwards, and can be signed again
// with a fresh time for a repeat (Stripe, Mercado Pago and Standard Webhooks sign a timestamp in
// a header; Wompi's timestamp is in the signed body, so a Wompi repeat is the same bytes).
// Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "tests/harness/webhooks.hpp"

namespace bitacora::chaos {

enum class Gateway { wompi, stripe, mercadopago, standard };
[[nodiscard]] const char* to_string(Gateway g);

struct Notification {
  Gateway gateway = Gateway::wompi;
  // Which notification this is: "stripe:evt_…", "wompi:<checksum>", "mercadopago:<data.id>:<request id>:",
  // "acme:<id>". For all but Mercado Pago it is also the server's dedupe key; Mercado Pago's key
  // adds the signature's ts (dedupe_key).
  std::string key;
  std::string target;
  std::string body;
  std::string signed_id;   // Mercado Pago: data.id; Standard Webhooks: webhook-id
  std::string request_id;  // Mercado Pago: x-request-id

  // The request as the gateway would send it at `now_s`.
  [[nodiscard]] testing::SignedWebhook signed_at(std::int64_t now_s) const;
  // The key the server files that request under: Mercado Pago's is made of the signed parts,
  // the signature's ts among them, so each delivery signed anew is a notification of its own.
  [[nodiscard]] std::string dedupe_key(std::int64_t now_s) const {
    return gateway == Gateway::mercadopago ? key + std::to_string(now_s) : key;
  }
};

// A Wompi transaction.updated: `status` APPROVED, DECLINED or PENDING.
[[nodiscard]] Notification wompi_transaction(const std::string& transaction_id, const std::string& status, std::int64_t amount_in_cents,
                                             const std::string& reference, std::int64_t timestamp);
// A Stripe event of `type` (payment_intent.succeeded, payment_intent.payment_failed,
// charge.refunded, …) about the payment intent `intent_id` of `reference`.
[[nodiscard]] Notification stripe_event(const std::string& event_id, const std::string& type, const std::string& intent_id,
                                        std::int64_t amount_in_cents, const std::string& reference);
// A Mercado Pago payment notification; the payment itself is what its API answers for `payment_id`.
[[nodiscard]] Notification mercadopago_payment(std::int64_t notification_id, const std::string& payment_id, const std::string& action);
// A Standard Webhooks ping from test_config()'s source.
[[nodiscard]] Notification standard_ping(const std::string& message_id);

}  // namespace bitacora::chaos
