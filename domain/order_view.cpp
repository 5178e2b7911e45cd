#include "domain/order_view.hpp"

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
  w.end_array().field("expires_at", format_rfc3339(order.expires_at)).key("payment");
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

std::string order_view_json(const OrderState& order) {
  JsonWriter w;
  write_order_view(w, order);
  return std::move(w).str();
}

}  // namespace bitacora::domain
