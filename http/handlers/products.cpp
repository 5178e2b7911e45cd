// /api/products/{sku} (API.md §3): define and read products, adjust their stock.
#include "http/auth.hpp"
#include "http/handlers/outcome.hpp"
#include "http/json_body.hpp"
#include "http/routes.hpp"

namespace bitacora::http {
namespace {

Response bad_sku() {
  return error_response(bhttp::status::bad_request, "invalid_request", "a sku is 1-64 of A-Z a-z 0-9 . _ -");
}

auto product_ok = [](const actors::ProductView& p) { return json_response(bhttp::status::ok, product_json(p)); };

}  // namespace

void add_product_routes(Router& router, Services& s) {
  router.add(bhttp::verb::put, "/api/products/{sku}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(bad_sku());
    JsonBody body(req.body());
    domain::DefineProduct cmd{body.string("name", 200), body.integer("price_in_cents"), body.string("currency", 3),
                              body.integer("stock")};
    if (auto error = body.error()) return respond(std::move(*error));
    s.commerce.put_product(Sku(p[0]), std::move(cmd), [respond](actors::Outcome<actors::ProductView> r) {
      answer(respond, r, Resource::product, product_ok);
    });
  });

  router.add(bhttp::verb::post, "/api/products/{sku}/stock", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(bad_sku());
    JsonBody body(req.body());
    domain::AdjustStock cmd{body.integer("delta"), body.optional_string("reason", 200).value_or("adjustment")};
    if (auto error = body.error()) return respond(std::move(*error));
    s.commerce.adjust_stock(Sku(p[0]), std::move(cmd), [respond](actors::Outcome<actors::ProductView> r) {
      answer(respond, r, Resource::product, product_ok);
    });
  });

  router.add(bhttp::verb::get, "/api/products/{sku}", [&s](const Request&, const RouteParams& p, Respond respond) {
    if (!valid_identifier(p[0])) return respond(bad_sku());
    s.commerce.get_product(Sku(p[0]), [respond](actors::Outcome<actors::ProductView> r) {
      answer(respond, r, Resource::product, product_ok);
    });
  });
}

}  // namespace bitacora::http
