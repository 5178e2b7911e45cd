// Events' JSON payloads as read back from the log: the product, cart and order decoders (the
// first input byte picks the envelope type, among every event struct's kType), the webhook event
// decoders, and the webhook summary and quarantine rows (domain/webhook.hpp). The rest of the
// input is the JSON. What decodes must re-encode to text that decodes again to an equal value,
// whose encoding is the same text; a WebhookReceived that decodes must also decode as its head,
// to the same fields and the same summary.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/cart.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "domain/coupon.hpp"
#include "domain/delivery.hpp"
#include "domain/webhook.hpp"
#include "events/webhook_events.hpp"
#include "fuzz/check.hpp"

using namespace bitacora;

namespace {

// Every type an envelope may name for the commerce aggregates, and one no decoder knows.
constexpr std::string_view kTypes[] = {
    events::ProductDefined::kType,     events::StockAdjusted::kType,       events::StockReserved::kType,
    events::ReservationReleased::kType, events::ReservationConfirmed::kType, events::CartItemAdded::kType,
    events::CartQuantitiesSet::kType,  events::CartCleared::kType,         events::OrderPlaced::kType,
    events::OrderExpired::kType,       events::OrderCancelled::kType,      events::PaymentApproved::kType,
    events::PaymentFailed::kType,      events::OrderNeedsAttention::kType, events::OrderRefunded::kType,
    events::OrderResolved::kType,      events::CartCouponAttached::kType,  events::CartCouponRemoved::kType,
    events::CouponDefined::kType,      events::CouponUseHeld::kType,       events::CouponUseConfirmed::kType,
    events::CouponUseReleased::kType,  events::DeliveryZoneDefined::kType,
    "NoSuchEvent"};

// decode → encode → decode gives an equal variant whose encoding is the same text.
template <class Decode>
void variant_round_trip(std::string_view type, std::string_view json, Decode decode) {
  const auto event = decode(type, json);
  if (!event) return;
  FUZZ_CHECK(domain::type_of(*event) == type);
  const std::string text = domain::to_json(*event);
  const auto again = decode(type, text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *event);
  FUZZ_CHECK(domain::to_json(*again) == text);
}

// For structs without operator==: the re-encoded text is the fixed point.
template <class Decode>
void text_round_trip(std::string_view json, Decode decode) {
  const auto value = decode(json);
  if (!value) return;
  const std::string text = events::to_json(*value);
  const auto again = decode(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(events::to_json(*again) == text);
}

template <class Decode>
void row_round_trip(std::string_view bytes, Decode decode) {
  const auto row = decode(bytes);
  if (!row) return;
  const std::string text = domain::encode(*row);
  const auto again = decode(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(domain::encode(*again) == text);
}

void webhook_received(std::string_view json) {
  const auto full = events::webhook_received_from_json(json);
  const auto head = events::webhook_received_head_from_json(json);
  if (!full) return;
  // The head reads the same members and checks less (query and body only as strings).
  FUZZ_CHECK(head.ok());
  FUZZ_CHECK(head->gateway == full->gateway && head->key == full->key && head->event_type == full->event_type &&
             head->order_reference == full->order_reference && head->received_at == full->received_at);
  auto head_copy = *head;
  FUZZ_CHECK(domain::encode(domain::apply(*full)) == domain::encode(domain::apply(std::move(head_copy))));
  text_round_trip(json, events::webhook_received_from_json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view type = kTypes[data[0] % std::size(kTypes)];
  const std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);

  variant_round_trip(type, json, domain::decode_product_event);
  variant_round_trip(type, json, domain::decode_cart_event);
  variant_round_trip(type, json, domain::decode_order_event);
  variant_round_trip(type, json, domain::decode_coupon_event);
  variant_round_trip(type, json, domain::decode_delivery_event);

  webhook_received(json);
  text_round_trip(json, events::webhook_succeeded_from_json);
  text_round_trip(json, events::webhook_attempt_failed_from_json);
  text_round_trip(json, events::webhook_failed_from_json);
  text_round_trip(json, events::webhook_retry_requested_from_json);

  row_round_trip(json, domain::decode_webhook_summary);
  row_round_trip(json, domain::decode_quarantined);
  return 0;
}
