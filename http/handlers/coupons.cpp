// Coupons and delivery zones (API.md §4 "Coupons", "Delivery"): the admin defines them; carts and
// checkout use them.
#include <boost/asio/post.hpp>

#include "http/auth.hpp"
#include "http/handlers/outcome.hpp"
#include "http/json_body.hpp"
#include "http/routes.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

Response bad_code() {
  return error_response(bhttp::status::bad_request, "invalid_request", "a coupon code is 1-64 of A-Z a-z 0-9 _ -");
}

Response invalid_field(std::string_view field, std::string_view message) {
  return error_response(bhttp::status::unprocessable_entity, "invalid_argument", message, json_member("field", field));
}

// The coupon's terms from a PUT body, or the answer to send. Types are checked here (400, as for
// every body); ranges by the coupon itself (422 invalid_argument with the field).
std::variant<domain::DefineCoupon, Response> coupon_terms(JsonBody& body) {
  domain::DefineCoupon cmd;
  auto& t = cmd.terms;
  const auto kind = body.string("kind", 16);
  t.value = body.integer("value");
  t.currency = body.nullable_string("currency", 3);
  const auto from = body.nullable_string("valid_from", 64);
  const auto until = body.nullable_string("valid_until", 64);
  t.max_uses = body.nullable_integer("max_uses");
  t.max_uses_per_user = body.nullable_integer("max_uses_per_user");
  t.min_subtotal_in_cents = body.nullable_integer("min_subtotal_in_cents");
  const auto skus = body.nullable_strings("skus", domain::kMaxCouponSkus, 64);
  t.active = body.boolean("active", true);
  if (auto error = body.error()) return std::move(*error);
  if (!events::parse(kind, t.kind)) return invalid_field("kind", "kind must be percent or fixed");
  if (t.kind == events::DiscountKind::percent && t.currency) return invalid_field("currency", "a percent coupon takes no currency");
  for (auto [name, text, out] : {std::tuple{"valid_from", &from, &t.valid_from}, std::tuple{"valid_until", &until, &t.valid_until}}) {
    if (!*text) continue;
    *out = parse_rfc3339(**text);
    if (!*out) return invalid_field(name, std::string(name) + " must be an RFC 3339 time");
  }
  if (skus) {
    t.skus.emplace();
    for (const auto& sku : *skus) t.skus->emplace_back(sku);
  }
  return cmd;
}

// The zone's prices from a PUT body, or the answer to send.
std::variant<domain::DefineDeliveryZone, Response> zone_terms(JsonBody& body) {
  domain::DefineDeliveryZone cmd;
  auto& t = cmd.terms;
  t.currency = body.string("currency", 3);
  t.base_in_cents = body.integer("base_in_cents");
  t.per_km_in_cents = body.integer("per_km_in_cents");
  t.free_over_in_cents = body.nullable_integer("free_over_in_cents");
  auto max_km = body.nullable("max_km");
  if (auto error = body.error()) return std::move(*error);
  if (max_km) {
    double km = 0;
    if (max_km->get_double().get(km)) return invalid_field("max_km", "max_km must be a number or null");
    t.max_m = domain::metres_from_km(km);
    if (!t.max_m) return invalid_field("max_km", "max_km must be 0 to 20000");
  }
  return cmd;
}

auto coupon_ok = [](const actors::CouponView& c) { return json_response(bhttp::status::ok, coupon_json(c)); };
auto zone_ok = [](const domain::DeliveryZoneState& z) { return json_response(bhttp::status::ok, zone_json(z)); };

}  // namespace

void add_coupon_routes(Router& router, Services& s) {
  router.add(bhttp::verb::put, "/api/coupons/{code}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    auto code = domain::normalize_coupon_code(p[0]);
    if (!code) return respond(bad_code());
    JsonBody body(req.body());
    auto terms = coupon_terms(body);
    if (auto* bad = std::get_if<Response>(&terms)) return respond(std::move(*bad));
    s.commerce.put_coupon(*code, std::get<domain::DefineCoupon>(std::move(terms)),
                          [respond](actors::Outcome<actors::CouponView> r) { answer(respond, r, Resource::coupon, coupon_ok); });
  });

  router.add(bhttp::verb::get, "/api/coupons/{code}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    auto code = domain::normalize_coupon_code(p[0]);
    if (!code) return respond(bad_code());
    s.commerce.get_coupon(*code, [respond](actors::Outcome<actors::CouponView> r) { answer(respond, r, Resource::coupon, coupon_ok); });
  });

  router.add(bhttp::verb::put, "/api/delivery/zones/{zone}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    if (!valid_identifier(p[0]))
      return respond(error_response(bhttp::status::bad_request, "invalid_request", "a zone is 1-64 of A-Z a-z 0-9 . _ -"));
    JsonBody body(req.body());
    auto terms = zone_terms(body);
    if (auto* bad = std::get_if<Response>(&terms)) return respond(std::move(*bad));
    s.commerce.put_zone(ZoneId(p[0]), std::get<domain::DefineDeliveryZone>(std::move(terms)),
                        [respond](actors::Outcome<domain::DeliveryZoneState> r) { answer(respond, r, Resource::cart, zone_ok); });
  });

  router.add(bhttp::verb::get, "/api/delivery/zones", [&s](const Request& req, const RouteParams&, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    post_blocking(s, [&s, respond] {
      auto zones = s.commerce_queries.zones();
      if (!zones) return respond(storage_response(zones.error()));
      JsonWriter w;
      w.begin_object().key("items").begin_array();
      for (const auto& z : *zones) w.raw(zone_json(z));
      w.end_array().end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
