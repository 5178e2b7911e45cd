#include "domain/cart.hpp"

#include <vector>

#include "events/event_variant.hpp"

namespace bitacora::domain {
namespace {

using Events = std::vector<CartEvent>;

std::string too_many_units() { return "a line holds at most " + std::to_string(kMaxLineQuantity) + " units"; }
std::string too_many_lines() { return "a cart holds at most " + std::to_string(kMaxCartLines) + " lines"; }

void set_line(CartState& s, const Sku& sku, std::int64_t quantity) {
  if (quantity > 0) s.lines[sku] = quantity;
  else s.lines.erase(sku);
}

Decision<CartEvent> handle(const CartState& s, const AddCartItem& c) {
  if (c.quantity == 0) return invalid_quantity(c.sku, "quantity must not be 0");
  if (!c.stock.known) return unknown_sku(c.sku);
  std::int64_t after = 0;
  if (__builtin_add_overflow(s.quantity_of(c.sku), c.quantity, &after) || after < 0)
    return invalid_quantity(c.sku, "the line's quantity would be negative");
  if (after > kMaxLineQuantity) return invalid_quantity(c.sku, too_many_units());
  if (after > 0 && !s.lines.contains(c.sku) && s.lines.size() >= kMaxCartLines)
    return invalid_quantity(c.sku, too_many_lines());
  if (c.quantity > 0 && after > c.stock.available) return insufficient_stock(c.sku, after, c.stock.available);
  return Events{events::CartItemAdded{c.sku, c.quantity}};
}

Decision<CartEvent> handle(const CartState& s, const SetCartQuantities& c) {
  if (c.expected_version && *c.expected_version != s.version) {
    auto e = refusal(DomainErrc::version_conflict, "the cart is at version " + std::to_string(s.version));
    e.current_version = s.version;
    return e;
  }
  events::CartQuantitiesSet changed;
  for (const auto& [sku, quantity] : c.lines) {
    if (quantity < 0) return invalid_quantity(sku, "quantity must not be negative");
    if (quantity > kMaxLineQuantity) return invalid_quantity(sku, too_many_units());
    auto stock = c.stock.find(sku);
    if (stock == c.stock.end() || !stock->second.known) return unknown_sku(sku);
    auto current = s.quantity_of(sku);
    if (quantity > current && quantity > stock->second.available)
      return insufficient_stock(sku, quantity, stock->second.available);
    if (quantity != current) changed.lines.emplace(sku, quantity);
  }
  if (changed.lines.empty()) return {};  // nothing changes: no event, same version
  std::size_t lines_after = s.lines.size();
  for (const auto& [sku, quantity] : changed.lines) {
    const bool had = s.lines.contains(sku);
    if (quantity > 0 && !had) ++lines_after;
    if (quantity == 0 && had) --lines_after;
  }
  if (lines_after > kMaxCartLines) return refusal(DomainErrc::invalid_quantity, too_many_lines());
  return Events{std::move(changed)};
}

Decision<CartEvent> handle(const CartState& s, const ClearCart& c) {
  if (s.lines.empty() && !s.coupon) return {};
  return Events{events::CartCleared{c.reason}};
}

Decision<CartEvent> handle(const CartState& s, const AttachCoupon& c) {
  if (c.code.value().empty()) return refusal(DomainErrc::invalid_argument, "coupon code is empty");
  if (s.coupon == c.code) return {};
  return Events{events::CartCouponAttached{c.code}};
}

Decision<CartEvent> handle(const CartState& s, const RemoveCoupon&) {
  if (!s.coupon) return {};
  return Events{events::CartCouponRemoved{}};
}

void fold(CartState& s, const events::CartItemAdded& e) { set_line(s, e.sku, s.quantity_of(e.sku) + e.quantity); }

// Events are folded from rvalues (apply owns its event): the event's own map nodes move into the
// cart, so setting a line allocates nothing.
void fold(CartState& s, events::CartQuantitiesSet&& e) {
  while (!e.lines.empty()) {
    auto line = e.lines.extract(e.lines.begin());
    if (line.mapped() <= 0) {
      s.lines.erase(line.key());
      continue;
    }
    auto placed = s.lines.insert(std::move(line));
    if (!placed.inserted) placed.position->second = placed.node.mapped();
  }
}

void fold(CartState& s, const events::CartCleared&) {
  s.lines.clear();
  s.coupon.reset();
}

void fold(CartState& s, events::CartCouponAttached&& e) { s.coupon = std::move(e.code); }
void fold(CartState& s, const events::CartCouponRemoved&) { s.coupon.reset(); }

}  // namespace

std::int64_t CartState::quantity_of(const Sku& sku) const {
  auto it = lines.find(sku);
  return it == lines.end() ? 0 : it->second;
}

Decision<CartEvent> decide(const CartState& state, const CartCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

void apply_in_place(CartState& state, CartEvent event) {
  std::visit([&state](auto& e) { fold(state, std::move(e)); }, event);
  ++state.version;
}

CartState apply(CartState state, CartEvent event) {
  apply_in_place(state, std::move(event));
  return state;
}

std::string_view type_of(const CartEvent& event) { return events::variant_type(event); }
std::string to_json(const CartEvent& event) { return events::variant_to_json(event); }

Result<CartEvent> decode_cart_event(std::string_view type, std::string_view json) {
  return events::decode_variant<CartEvent>(type, json, events::cart_item_added_from_json,
                                           events::cart_quantities_set_from_json, events::cart_cleared_from_json,
                                           events::cart_coupon_attached_from_json, events::cart_coupon_removed_from_json);
}

}  // namespace bitacora::domain
