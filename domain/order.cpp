#include "domain/order.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "events/enum_names.hpp"
#include "events/event_variant.hpp"

namespace bitacora::domain {
namespace {

using Events = std::vector<OrderEvent>;

constexpr EnumNames<OrderStatus, 7> kStatuses{
    {"pending_payment", "paid", "payment_failed", "expired", "cancelled", "needs_attention", "refunded"}};
constexpr EnumNames<PaymentOutcome, 4> kOutcomes{{"approved", "failed", "pending", "refunded"}};

DomainError invalid(std::string message) { return refusal(DomainErrc::invalid_argument, std::move(message)); }

Decision<OrderEvent> handle(const OrderState& s, const PlaceOrder& c) {
  if (s.placed) return {};  // a retry: the first placement stands
  if (c.reference.value().empty()) return invalid("order reference is empty");
  if (!s.reference.value().empty() && c.reference != s.reference)
    return invalid("command for order " + c.reference.value() + " sent to order " + s.reference.value());
  if (c.user.value().empty()) return invalid("user is empty");
  if (c.gateway.empty()) return invalid("gateway is empty");
  if (c.lines.empty()) return refusal(DomainErrc::empty_cart, "the cart is empty");
  events::OrderPlaced placed{c.reference, c.user, {}, 0, c.lines.front().currency, c.gateway, c.expires_at,
                             c.idempotency_key, c.discount_in_cents, c.delivery_fee_in_cents, c.coupon,
                             c.delivery_zone, c.delivery_distance_m, c.placed_at};
  std::set<Sku> seen;
  for (const auto& line : c.lines) {
    if (line.quantity <= 0) return invalid_quantity(line.sku, "quantity must be positive");
    if (line.price_in_cents < 0) return invalid("price of " + line.sku.value() + " is negative");
    if (line.currency != placed.currency) return invalid("the cart mixes currencies");
    if (!seen.insert(line.sku).second) return invalid(line.sku.value() + " appears twice");
    std::int64_t subtotal = 0;
    if (__builtin_mul_overflow(line.quantity, line.price_in_cents, &subtotal) ||
        __builtin_add_overflow(placed.amount_in_cents, subtotal, &placed.amount_in_cents))
      return invalid("the amount overflows");
    placed.lines.push_back(events::OrderLine{line.sku, line.quantity, line.price_in_cents});
  }
  const std::int64_t subtotal = placed.amount_in_cents;
  if (c.discount_in_cents < 0 || c.discount_in_cents > subtotal) return invalid("the discount is outside 0 to the subtotal");
  if (c.delivery_fee_in_cents < 0) return invalid("the delivery fee is negative");
  if (c.delivery_distance_m < 0) return invalid("the delivery distance is negative");
  if (__builtin_add_overflow(subtotal - c.discount_in_cents, c.delivery_fee_in_cents, &placed.amount_in_cents))
    return invalid("the amount overflows");
  return Events{std::move(placed)};
}

Decision<OrderEvent> handle(const OrderState& s, const ExpireOrder& c) {
  if (!s.placed || s.status != OrderStatus::pending_payment || c.now < s.expires_at) return {};
  return Events{events::OrderExpired{}};
}

// If-Match on an order: the version the caller saw must still be the order's.
std::optional<DomainError> stale(const OrderState& s, const std::optional<std::uint64_t>& if_match) {
  if (!if_match || *if_match == s.version) return std::nullopt;
  auto e = refusal(DomainErrc::version_conflict, "the order is at version " + std::to_string(s.version));
  e.current_version = s.version;
  return e;
}

Decision<OrderEvent> handle(const OrderState& s, const CancelOrder& c) {
  if (!s.placed) return refusal(DomainErrc::unknown_order, "no order " + s.reference.value());
  if (auto e = stale(s, c.if_match)) return *e;
  switch (s.status) {
    case OrderStatus::pending_payment: return Events{events::OrderCancelled{c.by, c.note}};
    case OrderStatus::cancelled: return {};  // a retry
    case OrderStatus::paid:
    case OrderStatus::needs_attention: return refusal(DomainErrc::already_paid, "the order is already paid");
    case OrderStatus::payment_failed:
    case OrderStatus::expired:
    case OrderStatus::refunded: break;
  }
  return refusal(DomainErrc::not_pending, "the order is " + std::string(to_string(s.status)));
}

Decision<OrderEvent> handle(const OrderState& s, const ResolveOrder& c) {
  if (!s.placed) return refusal(DomainErrc::unknown_order, "no order " + s.reference.value());
  if (auto e = stale(s, c.if_match)) return *e;
  if (c.by.empty()) return invalid("the operator is empty");
  if (s.status != OrderStatus::needs_attention)
    return refusal(DomainErrc::not_needs_attention,
                   "the order is " + std::string(to_string(s.status)) + "; only an order that needs attention is resolved");
  return Events{events::OrderResolved{c.action, c.by, c.note}};
}

// Currency codes are compared as ASCII, ignoring case: a gateway may report "cop" for "COP".
bool same_currency(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::ranges::equal(a, b, [&](char x, char y) { return lower(x) == lower(y); });
}

bool pays_the_order(const OrderState& s, const ApplyPayment& c) {
  return c.amount_in_cents == s.amount_in_cents && same_currency(c.currency, s.currency);
}

events::OrderNeedsAttention needs_attention(events::AttentionReason why, const ApplyPayment& c) {
  return {why, c.gateway, c.transaction_id, c.status, c.amount_in_cents, c.currency};
}

Decision<OrderEvent> approve(const OrderState& s, const ApplyPayment& c) {
  events::PaymentApproved approved{c.gateway, c.transaction_id, c.status, c.amount_in_cents, c.currency};
  switch (s.status) {
    case OrderStatus::pending_payment:
      if (!pays_the_order(s, c)) return Events{needs_attention(events::AttentionReason::amount_mismatch, c)};
      return Events{std::move(approved)};
    case OrderStatus::paid:
    case OrderStatus::needs_attention:
    case OrderStatus::refunded: return {};  // already decided: a second payment does not move it
    case OrderStatus::expired:
    case OrderStatus::cancelled:
    case OrderStatus::payment_failed: break;
  }
  // The order ended and released its stock, but the money was taken.
  if (!pays_the_order(s, c)) return Events{needs_attention(events::AttentionReason::amount_mismatch, c)};
  if (!c.stock_available) return Events{needs_attention(events::AttentionReason::stock_unavailable, c)};
  if (!c.coupon_available) return Events{needs_attention(events::AttentionReason::coupon_exhausted, c)};
  return Events{std::move(approved)};
}

Decision<OrderEvent> handle(const OrderState& s, const ApplyPayment& c) {
  if (!s.placed) return refusal(DomainErrc::unknown_order, "no order " + s.reference.value());
  if (c.gateway.empty()) return invalid("payment gateway is empty");
  if (c.transaction_id.empty()) return invalid("payment transaction id is empty");
  if (s.applied_payments.contains(payment_key(c.gateway, c.transaction_id, c.outcome))) return {};
  switch (c.outcome) {
    case PaymentOutcome::approved: return approve(s, c);
    case PaymentOutcome::failed:
      if (s.status != OrderStatus::pending_payment) return {};  // late or stale: never moves it back
      return Events{events::PaymentFailed{c.gateway, c.transaction_id, c.status}};
    case PaymentOutcome::refunded:
      if (s.status != OrderStatus::paid) return {};
      return Events{events::OrderRefunded{c.gateway, c.transaction_id, c.status}};
    case PaymentOutcome::pending: break;
  }
  return {};
}

// Events are folded from rvalues (apply owns its event), so their strings move into the state.
void fold(OrderState& s, events::OrderPlaced&& e) {
  s.reference = std::move(e.reference);
  s.user = std::move(e.user);
  s.lines = std::move(e.lines);
  s.amount_in_cents = e.amount_in_cents;
  s.currency = std::move(e.currency);
  s.gateway = std::move(e.gateway);
  s.expires_at = e.expires_at;
  s.idempotency_key = std::move(e.idempotency_key);
  s.discount_in_cents = e.discount_in_cents;
  s.delivery_fee_in_cents = e.delivery_fee_in_cents;
  s.coupon = std::move(e.coupon);
  s.delivery_zone = std::move(e.delivery_zone);
  s.delivery_distance_m = e.delivery_distance_m;
  s.placed_at = e.placed_at;
  s.status = OrderStatus::pending_payment;
  s.placed = true;
}

void fold(OrderState& s, const events::OrderExpired&) { s.status = OrderStatus::expired; }
void fold(OrderState& s, const events::OrderCancelled&) { s.status = OrderStatus::cancelled; }
// The payment it needed attention for stays its payment: marked paid, or refunded by hand.
void fold(OrderState& s, const events::OrderResolved& e) {
  s.status = e.action == events::Resolution::mark_paid ? OrderStatus::paid : OrderStatus::cancelled;
}

// Every payment fact records itself as the order's payment and under its key.
void record_payment(OrderState& s, OrderStatus status, auto e, PaymentOutcome outcome) {
  s.status = status;
  s.applied_payments.insert(payment_key(e.gateway, e.transaction_id, outcome));  // before e's strings move
  s.payment = OrderPayment{std::move(e.gateway), std::move(e.transaction_id), std::move(e.status)};
}

void fold(OrderState& s, events::PaymentApproved&& e) {
  record_payment(s, OrderStatus::paid, std::move(e), PaymentOutcome::approved);
}
void fold(OrderState& s, events::PaymentFailed&& e) {
  record_payment(s, OrderStatus::payment_failed, std::move(e), PaymentOutcome::failed);
}
// It came from an approval, so the same approval again is the same fact.
void fold(OrderState& s, events::OrderNeedsAttention&& e) {
  record_payment(s, OrderStatus::needs_attention, std::move(e), PaymentOutcome::approved);
}
void fold(OrderState& s, events::OrderRefunded&& e) {
  record_payment(s, OrderStatus::refunded, std::move(e), PaymentOutcome::refunded);
}

bool ended_without_payment(OrderStatus s) {
  return s == OrderStatus::expired || s == OrderStatus::cancelled || s == OrderStatus::payment_failed;
}

}  // namespace

std::string_view to_string(OrderStatus s) noexcept { return kStatuses(s); }
bool parse(std::string_view text, OrderStatus& out) noexcept { return kStatuses.parse(text, out); }
std::string_view to_string(PaymentOutcome o) noexcept { return kOutcomes(o); }
bool parse(std::string_view text, PaymentOutcome& out) noexcept { return kOutcomes.parse(text, out); }

std::int64_t OrderState::subtotal_in_cents() const noexcept {
  std::int64_t total = 0;
  for (const auto& line : lines) {
    std::int64_t amount = 0;
    if (__builtin_mul_overflow(line.quantity, line.price_in_cents, &amount) || __builtin_add_overflow(total, amount, &total))
      return INT64_MAX;
  }
  return total;
}

std::string payment_key(std::string_view gateway, std::string_view transaction_id, PaymentOutcome outcome) {
  std::string key;
  key.reserve(gateway.size() + transaction_id.size() + 10);
  key.append(gateway).append("|").append(transaction_id).append("|").append(to_string(outcome));
  return key;
}

Decision<OrderEvent> decide(const OrderState& state, const OrderCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

void apply_in_place(OrderState& state, OrderEvent event) {
  std::visit([&state](auto& e) { fold(state, std::move(e)); }, event);
  ++state.version;
}

OrderState apply(OrderState state, OrderEvent event) {
  apply_in_place(state, std::move(event));
  return state;
}

std::vector<std::pair<Sku, std::int64_t>> lines_of(const OrderState& order) {
  std::vector<std::pair<Sku, std::int64_t>> out;
  out.reserve(order.lines.size());
  for (const auto& line : order.lines) out.emplace_back(line.sku, line.quantity);
  return out;
}

StockEffect stock_effect(const OrderState& before, const OrderEvent& event) {
  const bool holds = before.placed && before.status == OrderStatus::pending_payment;
  if (std::holds_alternative<events::PaymentApproved>(event)) {
    if (holds) return StockEffect::confirm;
    if (before.placed && ended_without_payment(before.status)) return StockEffect::reserve_and_confirm;
    return StockEffect::none;
  }
  const bool releases = std::holds_alternative<events::PaymentFailed>(event) ||
                        std::holds_alternative<events::OrderExpired>(event) ||
                        std::holds_alternative<events::OrderCancelled>(event);
  return releases && holds ? StockEffect::release : StockEffect::none;
}

std::string_view type_of(const OrderEvent& event) { return events::variant_type(event); }
std::string to_json(const OrderEvent& event) { return events::variant_to_json(event); }

Result<OrderEvent> decode_order_event(std::string_view type, std::string_view json) {
  return events::decode_variant<OrderEvent>(type, json, events::order_placed_from_json,
                                            events::order_expired_from_json, events::order_cancelled_from_json,
                                            events::payment_approved_from_json, events::payment_failed_from_json,
                                            events::order_needs_attention_from_json,
                                            events::order_refunded_from_json, events::order_resolved_from_json);
}

}  // namespace bitacora::domain
