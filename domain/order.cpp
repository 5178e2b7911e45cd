#include "domain/order.hpp"

#include <set>

#include "events/enum_names.hpp"
#include "events/event_variant.hpp"

namespace bitacora::domain {
namespace {

using Events = std::vector<OrderEvent>;

constexpr EnumNames<OrderStatus, 7> kStatuses{
    {"pending_payment", "paid", "payment_failed", "expired", "cancelled", "needs_attention", "refunded"}};

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
                             c.idempotency_key};
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
  return Events{std::move(placed)};
}

Decision<OrderEvent> handle(const OrderState& s, const ExpireOrder& c) {
  if (!s.placed || s.status != OrderStatus::pending_payment || c.now < s.expires_at) return {};
  return Events{events::OrderExpired{}};
}

Decision<OrderEvent> handle(const OrderState& s, const CancelOrder& c) {
  if (!s.placed) return refusal(DomainErrc::unknown_order, "no order " + s.reference.value());
  switch (s.status) {
    case OrderStatus::pending_payment: return Events{events::OrderCancelled{c.by}};
    case OrderStatus::cancelled: return {};  // a retry
    case OrderStatus::paid:
    case OrderStatus::needs_attention: return refusal(DomainErrc::already_paid, "the order is already paid");
    case OrderStatus::payment_failed:
    case OrderStatus::expired:
    case OrderStatus::refunded: break;
  }
  return refusal(DomainErrc::not_pending, "the order is " + std::string(to_string(s.status)));
}

void fold(OrderState& s, const events::OrderPlaced& e) {
  s.reference = e.reference;
  s.user = e.user;
  s.lines = e.lines;
  s.amount_in_cents = e.amount_in_cents;
  s.currency = e.currency;
  s.gateway = e.gateway;
  s.expires_at = e.expires_at;
  s.idempotency_key = e.idempotency_key;
  s.status = OrderStatus::pending_payment;
  s.placed = true;
}

void fold(OrderState& s, const events::OrderExpired&) { s.status = OrderStatus::expired; }
void fold(OrderState& s, const events::OrderCancelled&) { s.status = OrderStatus::cancelled; }

}  // namespace

std::string_view to_string(OrderStatus s) noexcept { return kStatuses(s); }
bool parse(std::string_view text, OrderStatus& out) noexcept { return kStatuses.parse(text, out); }

Decision<OrderEvent> decide(const OrderState& state, const OrderCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

OrderState apply(OrderState state, OrderEvent event) {
  std::visit([&state](const auto& e) { fold(state, e); }, event);
  ++state.version;
  return state;
}

std::vector<std::pair<Sku, std::int64_t>> lines_of(const OrderState& order) {
  std::vector<std::pair<Sku, std::int64_t>> out;
  out.reserve(order.lines.size());
  for (const auto& line : order.lines) out.emplace_back(line.sku, line.quantity);
  return out;
}

std::string_view type_of(const OrderEvent& event) { return events::variant_type(event); }
std::string to_json(const OrderEvent& event) { return events::variant_to_json(event); }

Result<OrderEvent> decode_order_event(std::string_view type, std::string_view json) {
  return events::decode_variant<OrderEvent>(type, json, events::order_placed_from_json,
                                            events::order_expired_from_json, events::order_cancelled_from_json);
}

}  // namespace bitacora::domain
