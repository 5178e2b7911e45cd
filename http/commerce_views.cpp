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
  // Checked: products defined before prices were bounded (domain/product.hpp) could overflow it.
  std::int64_t total = 0;
  bool overflow = false;
  std::string currency;
  w.begin_object().key("items").begin_array();
  for (const auto& [sku, qty] : view.cart.lines) {
    auto it = view.products.find(sku);
    std::int64_t price = it != view.products.end() ? it->second.price_in_cents : 0;
    if (it != view.products.end() && currency.empty()) currency = it->second.currency;
    std::int64_t line_total = 0;
    overflow |= __builtin_mul_overflow(price, qty, &line_total) || __builtin_add_overflow(total, line_total, &total);
    w.begin_object().field("sku", sku.value()).field("quantity", qty).field("price_in_cents", price).end_object();
  }
  w.end_array().field("version", view.cart.version);
  overflow ? w.key("total_in_cents").null() : w.field("total_in_cents", total);
  currency.empty() ? w.key("currency").null() : w.field("currency", currency);
  w.end_object();
  return std::move(w).str();
}

Response cart_response(const actors::CartView& view) {
  auto res = json_response(bhttp::status::ok, cart_json(view));
  res.set(bhttp::field::etag, "\"" + std::to_string(view.cart.version) + "\"");
  return res;
}

Response refusal_response(const domain::DomainError& e, Resource where) {
  using domain::DomainErrc;
  const auto code = domain::to_string(e.code);
  switch (e.code) {
    case DomainErrc::unknown_sku:
      if (where == Resource::product) return error_response(bhttp::status::not_found, "not_found", e.message);
      return error_response(bhttp::status::unprocessable_entity, code, e.message, json_member("sku", e.sku.value()));
    case DomainErrc::insufficient_stock:
      if (where == Resource::checkout) {
        std::string items = "\"items\":[";
        for (std::size_t i = 0; i < e.shortages.size(); ++i) {
          const auto& s = e.shortages[i];
          if (i) items += ',';
          items += "{" + json_member("sku", s.sku.value()) + ",\"requested\":" + std::to_string(s.requested) +
                   ",\"available\":" + std::to_string(s.available) + "}";
        }
        return error_response(bhttp::status::conflict, code, e.message, items + "]");
      }
      return error_response(bhttp::status::unprocessable_entity, code, e.message,
                            json_member("sku", e.sku.value()) + ",\"available\":" + std::to_string(e.available));
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
                            e.sku.value().empty() ? std::string() : json_member("sku", e.sku.value()));
  }
  return error_response(bhttp::status::unprocessable_entity, code, e.message);
}

}  // namespace bitacora::http
