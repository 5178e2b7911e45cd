#include "domain/order_view.hpp"

#include <cstdio>

namespace bitacora::domain {

void write_order_view(JsonWriter& w, const OrderState& order) {
  w.begin_object()
      .field("reference", order.reference.value())
      .field("status", to_string(order.status))
      .field("amount_in_cents", order.amount_in_cents)
      .field("currency", order.currency)
      .key("items")
      .begin_array();
  for (const auto& line : order.lines) {
    w.begin_object()
        .field("sku", line.sku.value())
        .field("quantity", line.quantity)
        .field("price_in_cents", line.price_in_cents)
        .end_object();
  }
  w.end_array();
  write_order_pricing(w, order);
  w.field("expires_at", format_rfc3339(order.expires_at)).key("payment");
  if (order.payment) {
    w.begin_object()
        .field("gateway", order.payment->gateway)
        .field("transaction_id", order.payment->transaction_id)
        .field("status", order.payment->status)
        .end_object();
  } else {
    w.null();
  }
  w.end_object();
}

std::string km_text(std::int64_t metres) {
  std::string text = std::to_string(metres / 1000);
  if (const auto rest = metres % 1000; rest != 0) {
    char frac[5];
    std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(rest < 0 ? -rest : rest));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    text += f;
  }
  return text;
}

void write_order_pricing(JsonWriter& w, const OrderState& order) {
  w.field("subtotal_in_cents", order.subtotal_in_cents())
      .field("discount_in_cents", order.discount_in_cents)
      .field("delivery_fee_in_cents", order.delivery_fee_in_cents);
  order.coupon ? w.field("coupon", order.coupon->value()) : w.key("coupon").null();
  w.key("delivery");
  if (order.delivery_zone)
    w.begin_object().field("zone", order.delivery_zone->value()).key("distance_km").raw(km_text(order.delivery_distance_m)).end_object();
  else
    w.null();
  order.placed_at ? w.field("created_at", format_rfc3339(order.placed_at)) : w.key("created_at").null();
}

std::string checkout_row_json(const OrderState& order) {
  JsonWriter w;
  w.begin_object()
      .field("status", to_string(order.status))
      .field("currency", order.currency)
      .field("amount_in_cents", order.amount_in_cents)
      .field("discount_in_cents", order.discount_in_cents)
      .field("delivery_fee_in_cents", order.delivery_fee_in_cents);
  order.coupon ? w.field("coupon", order.coupon->value()) : w.key("coupon").null();
  w.end_object();
  return std::move(w).str();
}

std::string order_view_json(const OrderState& order) {
  JsonWriter w;
  write_order_view(w, order);
  return std::move(w).str();
}

}  // namespace bitacora::domain
