#include "events/catalog_events.hpp"

#include "events/enum_names.hpp"
#include "events/json_fields.hpp"

namespace bitacora::events {
namespace {

constexpr EnumNames<ReleaseReason, 3> kReleaseReasons{{"expired", "cancelled", "payment_failed"}};

}  // namespace

std::string product_stream(const Sku& sku) { return std::string(kProductStreamPrefix) + sku.value(); }

std::string_view to_string(ReleaseReason r) noexcept { return kReleaseReasons(r); }
bool parse(std::string_view text, ReleaseReason& out) noexcept { return kReleaseReasons.parse(text, out); }

void fields(auto& io, Is<ProductDefined> auto& e) {
  io("sku", e.sku);
  io("name", e.name);
  io("price_in_cents", e.price_in_cents);
  io("currency", e.currency);
  io("by", json::defaulted(e.by));
  io("note", json::defaulted(e.note));
}

void fields(auto& io, Is<StockAdjusted> auto& e) {
  io("delta", e.delta);
  io("reason", e.reason);
  io("on_hand_after", e.on_hand_after);
  io("by", json::defaulted(e.by));
  io("note", json::defaulted(e.note));
  io("available_after", json::defaulted(e.available_after));
}

void fields(auto& io, Is<StockReserved> auto& e) {
  io("order_reference", e.order_reference);
  io("quantity", e.quantity);
  io("available_after", json::defaulted(e.available_after));
}

void fields(auto& io, Is<ReservationReleased> auto& e) {
  io("order_reference", e.order_reference);
  io("quantity", e.quantity);
  io("reason", e.reason);
}

void fields(auto& io, Is<ReservationConfirmed> auto& e) {
  io("order_reference", e.order_reference);
  io("quantity", e.quantity);
}

std::string to_json(const ProductDefined& e) { return json::write(e); }
std::string to_json(const StockAdjusted& e) { return json::write(e); }
std::string to_json(const StockReserved& e) { return json::write(e); }
std::string to_json(const ReservationReleased& e) { return json::write(e); }
std::string to_json(const ReservationConfirmed& e) { return json::write(e); }

Result<ProductDefined> product_defined_from_json(std::string_view j) { return json::read<ProductDefined>(j); }
Result<StockAdjusted> stock_adjusted_from_json(std::string_view j) { return json::read<StockAdjusted>(j); }
Result<StockReserved> stock_reserved_from_json(std::string_view j) { return json::read<StockReserved>(j); }
Result<ReservationReleased> reservation_released_from_json(std::string_view j) {
  return json::read<ReservationReleased>(j);
}
Result<ReservationConfirmed> reservation_confirmed_from_json(std::string_view j) {
  return json::read<ReservationConfirmed>(j);
}

}  // namespace bitacora::events
