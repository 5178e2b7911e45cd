#include "http/commerce_views.hpp"

#include "support/json_writer.hpp"

namespace bitacora::http {

std::string product_json(const actors::ProductView& p) {
  JsonWriter w;
  w.begin_object()
      .field("sku", p.sku.value())
      .field("name", p.name)
      .field("price_in_cents", p.price_in_cents)
      .field("currency", p.currency)
      .field("on_hand", p.on_hand)
      .field("reserved", p.reserved)
      .field("available", p.available())
      .end_object();
  return std::move(w).str();
}

std::string cart_json(const actors::CartView& view) {
  JsonWriter w;
  std::int64_t total = 0;
  std::string currency;
  w.begin_object().key("items").begin_array();
  for (const auto& [sku, qty] : view.cart.lines) {
    auto it = view.products.find(sku);
    std::int64_t price = it != view.products.end() ? it->second.price_in_cents : 0;
    if (it != view.products.end() && currency.empty()) currency = it->second.currency;
    total += price * qty;
    w.begin_object().field("sku", sku.value()).field("quantity", qty).field("price_in_cents", price).end_object();
  }
  w.end_array().field("version", view.cart.version).field("total_in_cents", total);
  currency.empty() ? w.key("currency").null() : w.field("currency", currency);
  w.end_object();
  return std::move(w).str();
}

Response cart_response(const actors::CartView& view) {
  auto res = json_response(bhttp::status::ok, cart_json(view));
  res.set(bhttp::field::etag, "\"" + std::to_string(view.cart.version) + "\"");
  return res;
}

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  json_escape(out, s);
  return out + "\"";
}

}  // namespace

Response refusal_response(const domain::DomainError& e, Resource where) {
  using domain::DomainErrc;
  const auto code = domain::to_string(e.code);
  switch (e.code) {
    case DomainErrc::unknown_sku:
      if (where == Resource::product) return error_response(bhttp::status::not_found, "not_found", e.message);
      return error_response(bhttp::status::unprocessable_entity, code, e.message, "\"sku\":" + json_string(e.sku.value()));
    case DomainErrc::insufficient_stock:
      if (where == Resource::checkout) {
        std::string items = "\"items\":[";
        for (std::size_t i = 0; i < e.shortages.size(); ++i) {
          const auto& s = e.shortages[i];
          if (i) items += ',';
          items += "{\"sku\":" + json_string(s.sku.value()) + ",\"requested\":" + std::to_string(s.requested) +
                   ",\"available\":" + std::to_string(s.available) + "}";
        }
        return error_response(bhttp::status::conflict, code, e.message, items + "]");
      }
      return error_response(bhttp::status::unprocessable_entity, code, e.message,
                            "\"sku\":" + json_string(e.sku.value()) + ",\"available\":" + std::to_string(e.available));
    case DomainErrc::stock_below_reserved:
      return error_response(bhttp::status::conflict, code, e.message,
                            "\"on_hand\":" + std::to_string(e.on_hand) + ",\"reserved\":" + std::to_string(e.reserved));
    case DomainErrc::version_conflict:  // the cart handler adds the current cart itself
    case DomainErrc::already_paid:
    case DomainErrc::not_pending:
      return error_response(bhttp::status::conflict, code, e.message);
    case DomainErrc::unknown_order:
      return error_response(bhttp::status::not_found, "not_found", e.message);
    case DomainErrc::empty_cart:
    case DomainErrc::invalid_argument:
    case DomainErrc::invalid_quantity:
      return error_response(bhttp::status::unprocessable_entity, code, e.message,
                            e.sku.value().empty() ? std::string() : "\"sku\":" + json_string(e.sku.value()));
  }
  return error_response(bhttp::status::unprocessable_entity, code, e.message);
}

}  // namespace bitacora::http
