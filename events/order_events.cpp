#include "events/order_events.hpp"

#include "events/enum_names.hpp"
#include "events/json_fields.hpp"

namespace bitacora::events {
namespace {

constexpr EnumNames<Resolution, 2> kResolutions{{"mark_paid", "cancel"}};
constexpr EnumNames<AttentionReason, 3> kAttentionReasons{{"amount_mismatch", "stock_unavailable", "coupon_exhausted"}};

}  // namespace

std::string order_stream(const OrderRef& reference) { return std::string(kOrderStreamPrefix) + reference.value(); }

std::string_view to_string(Resolution r) noexcept { return kResolutions(r); }
bool parse(std::string_view text, Resolution& out) noexcept { return kResolutions.parse(text, out); }
std::string_view to_string(AttentionReason reason) noexcept { return kAttentionReasons(reason); }
bool parse(std::string_view text, AttentionReason& out) noexcept { return kAttentionReasons.parse(text, out); }

void fields(auto& io, Is<OrderPlaced> auto& e) {
  io("reference", e.reference);
  io("user", e.user);
  io("lines", e.lines);
  io("amount_in_cents", e.amount_in_cents);
  io("currency", e.currency);
  io("gateway", e.gateway);
  io.time("expires_at", e.expires_at);
  io("idempotency_key", e.idempotency_key);
  io("discount_in_cents", json::defaulted(e.discount_in_cents));
  io("delivery_fee_in_cents", json::defaulted(e.delivery_fee_in_cents));
  io("coupon", json::defaulted(e.coupon));
  io("delivery_zone", json::defaulted(e.delivery_zone));
  io("delivery_distance_m", json::defaulted(e.delivery_distance_m));
  io("placed_at_us", json::defaulted(e.placed_at));
}

void fields(auto&, Is<OrderExpired> auto&) {}

void fields(auto& io, Is<OrderCancelled> auto& e) {
  io("by", e.by);
  io("note", json::defaulted(e.note));
}

void fields(auto& io, Is<OrderResolved> auto& e) {
  io("action", e.action);
  io("by", e.by);
  io("note", e.note);
}

void fields(auto& io, Is<PaymentApproved> auto& e) {
  io("gateway", e.gateway);
  io("transaction_id", e.transaction_id);
  io("status", e.status);
  io("amount_in_cents", e.amount_in_cents);
  io("currency", e.currency);
}

void fields(auto& io, Is<PaymentFailed> auto& e) {
  io("gateway", e.gateway);
  io("transaction_id", e.transaction_id);
  io("status", e.status);
}

void fields(auto& io, Is<OrderNeedsAttention> auto& e) {
  io("reason", e.reason);
  io("gateway", e.gateway);
  io("transaction_id", e.transaction_id);
  io("status", e.status);
  io("amount_in_cents", e.amount_in_cents);
  io("currency", e.currency);
}

void fields(auto& io, Is<OrderRefunded> auto& e) {
  io("gateway", e.gateway);
  io("transaction_id", e.transaction_id);
  io("status", e.status);
}

std::string to_json(const OrderPlaced& e) { return json::write(e); }
std::string to_json(const OrderExpired& e) { return json::write(e); }
std::string to_json(const OrderCancelled& e) { return json::write(e); }
std::string to_json(const PaymentApproved& e) { return json::write(e); }
std::string to_json(const PaymentFailed& e) { return json::write(e); }
std::string to_json(const OrderNeedsAttention& e) { return json::write(e); }
std::string to_json(const OrderRefunded& e) { return json::write(e); }

Result<OrderPlaced> order_placed_from_json(std::string_view j) { return json::read<OrderPlaced>(j); }
Result<OrderExpired> order_expired_from_json(std::string_view j) { return json::read<OrderExpired>(j); }
Result<OrderCancelled> order_cancelled_from_json(std::string_view j) { return json::read<OrderCancelled>(j); }
Result<PaymentApproved> payment_approved_from_json(std::string_view j) { return json::read<PaymentApproved>(j); }
Result<PaymentFailed> payment_failed_from_json(std::string_view j) { return json::read<PaymentFailed>(j); }
Result<OrderNeedsAttention> order_needs_attention_from_json(std::string_view j) {
  return json::read<OrderNeedsAttention>(j);
}
Result<OrderRefunded> order_refunded_from_json(std::string_view j) { return json::read<OrderRefunded>(j); }
std::string to_json(const OrderResolved& e) { return json::write(e); }
Result<OrderResolved> order_resolved_from_json(std::string_view j) { return json::read<OrderResolved>(j); }

}  // namespace bitacora::events
