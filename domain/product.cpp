#include "domain/product.hpp"

#include <algorithm>
#include <vector>

#include "events/event_variant.hpp"
#include "support/text.hpp"

namespace bitacora::domain {
namespace {

using Events = std::vector<ProductEvent>;

DomainError stock_below_reserved(const ProductState& s, std::int64_t on_hand_after) {
  auto e = refusal(DomainErrc::stock_below_reserved, "on-hand " + std::to_string(on_hand_after) + " of " +
                                                         s.sku.value() + " would be below the " +
                                                         std::to_string(s.reserved) + " reserved");
  e.sku = s.sku;
  e.on_hand = on_hand_after;
  e.reserved = s.reserved;
  e.available = s.available();
  return e;
}

Decision<ProductEvent> handle(const ProductState& s, const DefineProduct& c) {
  if (c.name.empty()) return refusal(DomainErrc::invalid_argument, "name must not be empty");
  if (c.price_in_cents < 0) return refusal(DomainErrc::invalid_argument, "price_in_cents must not be negative");
  if (c.price_in_cents > kMaxPriceInCents)
    return refusal(DomainErrc::invalid_argument, "price_in_cents must be at most " + std::to_string(kMaxPriceInCents));
  if (!valid_currency(c.currency))
    return refusal(DomainErrc::invalid_argument, "currency must be three upper-case letters");
  if (c.stock < 0) return invalid_quantity(s.sku, "stock must not be negative");
  if (c.stock < s.reserved) return stock_below_reserved(s, c.stock);
  Events out;
  if (!s.defined || c.name != s.name || c.price_in_cents != s.price_in_cents || c.currency != s.currency)
    out.emplace_back(events::ProductDefined{s.sku, c.name, c.price_in_cents, c.currency, c.by, c.note});
  if (c.stock != s.on_hand) out.emplace_back(events::StockAdjusted{c.stock - s.on_hand, "set", c.stock, c.by, c.note, c.stock - s.reserved});
  return out;
}

Decision<ProductEvent> handle(const ProductState& s, const AdjustStock& c) {
  if (!s.defined) return unknown_sku(s.sku);
  if (c.delta == 0) return invalid_quantity(s.sku, "delta must not be 0");
  std::int64_t after = 0;
  if (__builtin_add_overflow(s.on_hand, c.delta, &after)) return invalid_quantity(s.sku, "delta overflows on-hand");
  if (after < s.reserved || after < 0) return stock_below_reserved(s, after);
  return Events{events::StockAdjusted{c.delta, c.reason, after, c.by, c.note, after - s.reserved}};
}

Decision<ProductEvent> handle(const ProductState& s, const ReserveStock& c) {
  if (!s.defined) return unknown_sku(s.sku);
  if (c.order_reference.value().empty()) return refusal(DomainErrc::invalid_argument, "order reference is empty");
  if (c.quantity <= 0) return invalid_quantity(s.sku, "quantity must be positive");
  if (s.reservations.contains(c.order_reference)) return {};  // a retry: the order already holds its units
  if (c.quantity > s.available()) return insufficient_stock(s.sku, c.quantity, s.available());
  return Events{events::StockReserved{c.order_reference, c.quantity, s.available() - c.quantity}};
}

Decision<ProductEvent> handle(const ProductState& s, const ReleaseReservation& c) {
  auto held = s.reservations.find(c.order_reference);
  if (held == s.reservations.end()) return {};  // nothing held: already released or confirmed
  return Events{events::ReservationReleased{c.order_reference, held->second, c.reason}};
}

Decision<ProductEvent> handle(const ProductState& s, const ConfirmReservation& c) {
  auto held = s.reservations.find(c.order_reference);
  if (held == s.reservations.end()) return {};
  return Events{events::ReservationConfirmed{c.order_reference, held->second}};
}

// Events are folded from rvalues (apply owns its event), so their strings move into the state.
void fold(ProductState& s, events::ProductDefined&& e) {
  s.sku = std::move(e.sku);
  s.name = std::move(e.name);
  s.price_in_cents = e.price_in_cents;
  s.currency = std::move(e.currency);
  s.defined = true;
}

void fold(ProductState& s, const events::StockAdjusted& e) { s.on_hand += e.delta; }

void fold(ProductState& s, events::StockReserved&& e) {
  s.reservations[std::move(e.order_reference)] += e.quantity;
  s.reserved += e.quantity;
}

void fold(ProductState& s, const events::ReservationReleased& e) {
  s.reservations.erase(e.order_reference);
  s.reserved -= e.quantity;
}

void fold(ProductState& s, const events::ReservationConfirmed& e) {
  s.reservations.erase(e.order_reference);
  s.reserved -= e.quantity;
  s.on_hand -= e.quantity;
}

}  // namespace

Decision<ProductEvent> decide(const ProductState& state, const ProductCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

void apply_in_place(ProductState& state, ProductEvent event) {
  std::visit([&state](auto& e) { fold(state, std::move(e)); }, event);
  ++state.version;
}

ProductState apply(ProductState state, ProductEvent event) {
  apply_in_place(state, std::move(event));
  return state;
}

bool invariants_hold(const ProductState& s) noexcept {
  std::int64_t held = 0;
  for (const auto& [order, quantity] : s.reservations) {
    if (quantity <= 0) return false;
    held += quantity;
  }
  return s.on_hand >= 0 && s.reserved >= 0 && s.reserved <= s.on_hand && held == s.reserved;
}

namespace {

// A release or confirmation (`verb`) of `quantity` units held by `order`.
std::optional<std::string> ends_holding(const ProductState& s, const OrderRef& order, std::int64_t quantity, std::string_view verb) {
  auto it = s.reservations.find(order);
  const std::int64_t held = it == s.reservations.end() ? 0 : it->second;
  if (held == quantity && held > 0) return std::nullopt;
  return std::string(verb) + " " + std::to_string(quantity) + " units of order " + order.value() + ", which holds " +
         std::to_string(held);
}

}  // namespace

std::optional<std::string> misfit(const ProductState& s, const ProductEvent& event) {
  if (const auto* e = std::get_if<events::StockReserved>(&event)) {
    if (e->quantity <= 0) return "reserves " + std::to_string(e->quantity) + " units";
    if (auto it = s.reservations.find(e->order_reference); it != s.reservations.end())
      return "reserves for order " + e->order_reference.value() + ", which already holds " + std::to_string(it->second);
    return std::nullopt;
  }
  if (const auto* e = std::get_if<events::ReservationReleased>(&event))
    return ends_holding(s, e->order_reference, e->quantity, "releases");
  if (const auto* e = std::get_if<events::ReservationConfirmed>(&event))
    return ends_holding(s, e->order_reference, e->quantity, "confirms");
  return std::nullopt;
}

std::string_view type_of(const ProductEvent& event) { return events::variant_type(event); }
std::string to_json(const ProductEvent& event) { return events::variant_to_json(event); }

Result<ProductEvent> decode_product_event(std::string_view type, std::string_view json) {
  return events::decode_variant<ProductEvent>(type, json, events::product_defined_from_json,
                                              events::stock_adjusted_from_json, events::stock_reserved_from_json,
                                              events::reservation_released_from_json,
                                              events::reservation_confirmed_from_json);
}

ProductState slice_for(const ProductState& state, const OrderRef& order) {
  ProductState slice;
  slice.sku = state.sku;
  slice.name = state.name;
  slice.price_in_cents = state.price_in_cents;
  slice.currency = state.currency;
  slice.on_hand = state.on_hand;
  slice.reserved = state.reserved;
  slice.defined = state.defined;
  slice.version = state.version;
  if (auto held = state.reservations.find(order); held != state.reservations.end()) slice.reservations.emplace(*held);
  return slice;
}

}  // namespace bitacora::domain
