// The product aggregate: one sku's catalog entry and stock (API.md §3, stream `product/<sku>`).
// decide(state, command) → the events to append, or a DomainError; apply(state, event) → state.
// The product actor folds its stream with apply, then for each command: decide, append, apply.
// Invariants kept by decide: 0 ≤ reserved ≤ on_hand; reserved = Σ reservations.
// Every member has an initializer, so designated initializers build these warning-free.
// Pure: no I/O, no threads; any thread may call these on its own values.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/errors.hpp"
#include "events/catalog_events.hpp"
#include "events/ids.hpp"
#include "support/result.hpp"

namespace bitacora::domain {

struct ProductState {
  Sku sku{};  // set by whoever creates the state (the actor, from its key)
  std::string name{};
  std::int64_t price_in_cents = 0;
  std::string currency{};
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  // order → units it holds. Hashed: a popular product holds thousands, and each reservation
  // event looks its order up (a tree of 60,000 was an eighth of audit's time); JSON sorts them.
  // Open addressing: no allocation per reservation, one cache miss fewer per lookup.
  boost::unordered_flat_map<OrderRef, std::int64_t, std::hash<OrderRef>> reservations{};
  bool defined = false;
  std::uint64_t version = 0;  // events applied: the stream's version

  [[nodiscard]] std::int64_t available() const noexcept { return on_hand - reserved; }
};

// PUT /api/products/{sku}: create or update; `stock` is the absolute on-hand quantity.
// Emits ProductDefined when new or name/price/currency changed, and StockAdjusted{reason "set"}
// when stock differs from on-hand. Refused: empty name, price < 0 or > kMaxPriceInCents, currency
// not three upper-case letters (invalid_argument); stock < 0 (invalid_quantity); stock < reserved
// (stock_below_reserved).
inline constexpr std::int64_t kMaxPriceInCents = 10'000'000'000;  // 10^8 units: keeps cart totals in range (cart.hpp)
struct DefineProduct {
  std::string name{};
  std::int64_t price_in_cents = 0;
  std::string currency{};
  std::int64_t stock = 0;
  std::string by{};    // the operator, recorded in its events
  std::string note{};  // their note, if any
};

// POST /api/products/{sku}/stock. Refused: undefined product (unknown_sku); delta 0
// (invalid_quantity); on-hand would drop below reserved or 0 (stock_below_reserved).
struct AdjustStock {
  std::int64_t delta = 0;
  std::string reason{};
  std::string by{};    // the operator, recorded in StockAdjusted
  std::string note{};  // their note, if any
};

// Checkout. No events when the order already holds a reservation here (a retry). Refused:
// unknown_sku, quantity ≤ 0 (invalid_quantity), quantity > available (insufficient_stock).
struct ReserveStock {
  OrderRef order_reference{};
  std::int64_t quantity = 0;
};

// Expiry, cancellation, failed payment: frees what the order holds; no events if it holds none.
struct ReleaseReservation {
  OrderRef order_reference{};
  events::ReleaseReason reason = events::ReleaseReason::expired;
};

// Paid: what the order holds leaves on-hand and reserved; no events if it holds none.
struct ConfirmReservation {
  OrderRef order_reference{};
};

using ProductCommand =
    std::variant<DefineProduct, AdjustStock, ReserveStock, ReleaseReservation, ConfirmReservation>;
using ProductEvent = std::variant<events::ProductDefined, events::StockAdjusted, events::StockReserved,
                                  events::ReservationReleased, events::ReservationConfirmed>;

[[nodiscard]] Decision<ProductEvent> decide(const ProductState& state, const ProductCommand& command);
// The event is taken by value so that std::apply, which ADL finds through std::variant, never
// wins overload resolution against this for a non-const event.
[[nodiscard]] ProductState apply(ProductState state, ProductEvent event);
// The same, changing `state` in place: for loops that fold many events into one state (audit,
// replay), where `s = apply(std::move(s), e)` would move the whole state three times an event.
void apply_in_place(ProductState& state, ProductEvent event);

// The product as one order's decisions see it: everything but the other orders' reservations
// (`reserved` still counts them all). ReserveStock, ReleaseReservation and ConfirmReservation for
// `order` decide on it exactly as on the whole state, so a coordinator plans on this, not on a
// copy of thousands of reservations.
[[nodiscard]] ProductState slice_for(const ProductState& state, const OrderRef& order);

// Whether the stock invariants hold (for tests; O(reservations)).
[[nodiscard]] bool invariants_hold(const ProductState& state) noexcept;
// Why `event` cannot follow `state` in the log, or nothing when it can: a reservation must be of
// a positive quantity by an order holding none yet; a release or confirmation must be of exactly
// what its order holds. Folding only such events from the initial state keeps the reservations
// adding up to `reserved`, so audit checks that per event with one lookup, not a sum.
[[nodiscard]] std::optional<std::string> misfit(const ProductState& state, const ProductEvent& event);

// The stored form: envelope type and JSON data, and back (unknown type or bad JSON: data_loss).
[[nodiscard]] std::string_view type_of(const ProductEvent& event);
[[nodiscard]] std::string to_json(const ProductEvent& event);
[[nodiscard]] Result<ProductEvent> decode_product_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
