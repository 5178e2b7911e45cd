#include "http/commerce_views.hpp"

#include "domain/order_view.hpp"
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
  const std::int64_t discount = view.coupon ? view.coupon->discount_in_cents : 0;
  w.key("coupon");
  if (view.coupon) {
    w.begin_object().field("code", view.coupon->code.value()).field("discount_in_cents", discount).field("applies", !view.coupon->refusal);
    view.coupon->refusal ? w.field("reason", domain::to_string(*view.coupon->refusal)) : w.key("reason").null();
    w.end_object();
  } else {
    w.null();
  }
  overflow ? w.key("subtotal_in_cents").null() : w.field("subtotal_in_cents", total);
  w.field("discount_in_cents", discount);
  overflow ? w.key("total_in_cents").null() : w.field("total_in_cents", total - discount);
  currency.empty() ? w.key("currency").null() : w.field("currency", currency);
  w.end_object();
  return std::move(w).str();
}

Response cart_response(const actors::CartView& view) {
  auto res = json_response(bhttp::status::ok, cart_json(view));
  res.set(bhttp::field::etag, "\"" + std::to_string(view.cart.version) + "\"");
  return res;
}

std::string coupon_json(const actors::CouponView& c) {
  const auto& t = c.terms;
  JsonWriter w;
  w.begin_object().field("code", c.code.value()).field("kind", events::to_string(t.kind)).field("value", t.value);
  auto optional_int = [&w](std::string_view k, const std::optional<std::int64_t>& v) { v ? w.field(k, *v) : w.key(k).null(); };
  auto optional_time = [&w](std::string_view k, const std::optional<Micros>& v) {
    v ? w.field(k, format_rfc3339(*v)) : w.key(k).null();
  };
  t.currency ? w.field("currency", *t.currency) : w.key("currency").null();
  optional_time("valid_from", t.valid_from);
  optional_time("valid_until", t.valid_until);
  optional_int("max_uses", t.max_uses);
  optional_int("max_uses_per_user", t.max_uses_per_user);
  optional_int("min_subtotal_in_cents", t.min_subtotal_in_cents);
  w.key("skus");
  if (t.skus) {
    w.begin_array();
    for (const auto& sku : *t.skus) w.value(sku.value());
    w.end_array();
  } else {
    w.null();
  }
  w.field("active", t.active).field("used", c.used).field("held", c.held).end_object();
  return std::move(w).str();
}

std::string zone_json(const domain::DeliveryZoneState& z) {
  const auto& t = z.terms;
  JsonWriter w;
  w.begin_object()
      .field("zone", z.zone.value())
      .field("currency", t.currency)
      .field("base_in_cents", t.base_in_cents)
      .field("per_km_in_cents", t.per_km_in_cents);
  t.free_over_in_cents ? w.field("free_over_in_cents", *t.free_over_in_cents) : w.key("free_over_in_cents").null();
  w.key("max_km");
  t.max_m ? w.raw(domain::km_text(*t.max_m)) : w.null();
  w.end_object();
  return std::move(w).str();
}

std::string quote_json(const domain::CheckoutQuote& q) {
  JsonWriter w;
  w.begin_object()
      .field("subtotal_in_cents", q.subtotal_in_cents)
      .field("discount_in_cents", q.discount_in_cents)
      .field("delivery_fee_in_cents", q.delivery_fee_in_cents)
      .field("total_in_cents", q.total_in_cents)
      .field("currency", q.currency)
      .end_object();
  return std::move(w).str();
}

std::variant<std::optional<domain::DeliveryChoice>, Response> delivery_choice(JsonBody& body) {
  auto member = body.nullable("delivery");
  if (auto error = body.error()) return std::move(*error);
  if (!member) return std::optional<domain::DeliveryChoice>();
  simdjson::dom::object d;
  if (member->get_object().get(d))
    return error_response(bhttp::status::bad_request, "invalid_request", "delivery must be an object or null",
                          json_member("field", "delivery"));
  std::string_view zone;
  if (d["zone"].get_string().get(zone))
    return error_response(bhttp::status::bad_request, "invalid_request", "delivery.zone is required, a string",
                          json_member("field", "delivery.zone"));
  auto unavailable = [](domain::DeliveryRefusal r) { return refusal_response(domain::delivery_unavailable(r), Resource::cart); };
  if (!valid_identifier(zone)) return unavailable(domain::DeliveryRefusal::unknown_zone);
  double km = 0;
  auto metres = d["distance_km"].get_double().get(km) ? std::nullopt : domain::metres_from_km(km);
  if (!metres) return unavailable(domain::DeliveryRefusal::invalid_distance);
  return std::optional<domain::DeliveryChoice>(domain::DeliveryChoice{ZoneId(std::string(zone)), *metres});
}

Response refusal_response(const domain::DomainError& e, Resource where) {
  using domain::DomainErrc;
  const auto code = domain::to_string(e.code);
  switch (e.code) {
    case DomainErrc::unknown_sku:
      if (where == Resource::product) return error_response(bhttp::status::not_found, "not_found", e.message);
      return error_response(bhttp::status::unprocessable_entity, code, e.message, json_member("sku", e.sku.value()));
    case DomainErrc::insufficient_stock:
      if (where == Resource::checkout || where == Resource::resolution) {
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
    case DomainErrc::not_needs_attention:
      return error_response(bhttp::status::conflict, code, e.message);
    case DomainErrc::unknown_order:
      return error_response(bhttp::status::not_found, "not_found", e.message);
    case DomainErrc::coupon_invalid:
      if (where == Resource::coupon && e.reason == "unknown") return error_response(bhttp::status::not_found, "not_found", e.message);
      return error_response(where == Resource::checkout || where == Resource::resolution ? bhttp::status::conflict : bhttp::status::unprocessable_entity, code,
                            e.message, json_member("reason", e.reason));
    case DomainErrc::delivery_unavailable:
      return error_response(bhttp::status::unprocessable_entity, code, e.message, json_member("reason", e.reason));
    case DomainErrc::invalid_argument:
      if (!e.field.empty()) return error_response(bhttp::status::unprocessable_entity, code, e.message, json_member("field", e.field));
      [[fallthrough]];
    case DomainErrc::empty_cart:
    case DomainErrc::invalid_quantity:
      return error_response(bhttp::status::unprocessable_entity, code, e.message,
                            e.sku.value().empty() ? std::string() : json_member("sku", e.sku.value()));
  }
  return error_response(bhttp::status::unprocessable_entity, code, e.message);
}

}  // namespace bitacora::http
