// /api/products (API.md §3): define, list and read products, adjust their stock. Operators'
// changes record who made them (`by`) and their note.
#include <boost/asio/post.hpp>

#include <mutex>

#include "http/auth.hpp"
#include "http/handlers/outcome.hpp"
#include "http/json_body.hpp"
#include "http/params.hpp"
#include "http/preconditions.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"
#include "http/routes.hpp"

namespace bitacora::http {
namespace {

Response bad_sku() {
  return error_response(bhttp::status::bad_request, "invalid_request", "a sku is 1-64 of A-Z a-z 0-9 . _ -");
}

auto product_ok = [](const actors::ProductView& p) { return with_etag(json_response(bhttp::status::ok, product_json(p)), p.version); };

// Answers a product command; an If-Match mismatch is 412 with the product as it is now.
std::function<void(actors::Outcome<actors::ProductView>)> product_answer(Services& s, Sku sku, Respond respond) {
  return answer_or_mismatch<actors::ProductView>(
      std::move(respond), Resource::product, product_ok,
      [&s, sku = std::move(sku)](auto done) { s.commerce.get_product(sku, std::move(done)); },
      [](const std::string& message, const actors::ProductView& view) {
        return precondition_failed("product", message, product_json(view), view.version);
      });
}

constexpr std::size_t kMaxReservationsShown = 200;

// The product's reservations as an operator sees them: each order's units and when its
// reservation expires (from the order's row), soonest first, at most kMaxReservationsShown.
// Blocking: reads the product's stream and the orders' rows.
Result<std::string> reservations_json(Services& s, const Sku& sku) {
  auto held = s.streams.reservations_of(sku);
  if (!held) return held.error();
  struct Row {
    std::string order;
    std::int64_t quantity;
    std::string expires_at;
  };
  std::vector<Row> rows;
  const std::size_t total = held->size();
  simdjson::dom::parser parser;
  for (const auto& [ref, qty] : *held) {
    auto row = s.orders.row(ref);
    if (!row) return row.error();
    std::string_view expires;
    if (*row && parser.parse(**row)["expires_at"].get(expires)) expires = {};
    rows.push_back({ref.value(), qty, std::string(expires)});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return std::tie(a.expires_at, a.order) < std::tie(b.expires_at, b.order); });
  if (rows.size() > kMaxReservationsShown) rows.resize(kMaxReservationsShown);
  JsonWriter w;
  w.begin_array();
  for (const auto& r : rows) {
    w.begin_object().field("order", r.order).field("quantity", r.quantity);
    r.expires_at.empty() ? w.key("expires_at").null() : w.field("expires_at", r.expires_at);
    w.end_object();
  }
  w.end_array();
  return std::move(w).str() + ",\"reservations_total\":" + std::to_string(total);
}

// product_json with "reservations" and "reservations_total" added.
std::string with_reservations(const std::string& product, const std::string& reservations) {
  return product.substr(0, product.size() - 1) + ",\"reservations\":" + reservations + "}";
}

}  // namespace

void add_product_routes(Router& router, Services& s) {
  router.add(bhttp::verb::put, "/api/products/{sku}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(bad_sku());
    auto version = if_match(req);
    if (auto* bad = std::get_if<Response>(&version)) return respond(std::move(*bad));
    JsonBody body(req.body());
    domain::DefineProduct cmd{body.string("name", 200), body.integer("price_in_cents"), body.string("currency", 3),
                              body.integer("stock"), std::get<Operator>(who).name,
                              body.optional_string("note", kMaxNoteLength).value_or("")};
    if (auto error = body.error()) return respond(std::move(*error));
    s.commerce.put_product(Sku(p[0]), std::move(cmd), product_answer(s, Sku(p[0]), respond),
                           std::get<std::optional<std::uint64_t>>(version));
  });

  router.add(bhttp::verb::post, "/api/products/{sku}/stock", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(bad_sku());
    auto version = if_match(req);
    if (auto* bad = std::get_if<Response>(&version)) return respond(std::move(*bad));
    JsonBody body(req.body());
    domain::AdjustStock cmd{body.integer("delta"), body.optional_string("reason", 200).value_or("adjustment"),
                            std::get<Operator>(who).name, body.optional_string("note", kMaxNoteLength).value_or("")};
    if (auto error = body.error()) return respond(std::move(*error));
    s.commerce.adjust_stock(Sku(p[0]), std::move(cmd), product_answer(s, Sku(p[0]), respond),
                            std::get<std::optional<std::uint64_t>>(version));
  });

  // Operators also see the product's reservations.
  router.add(bhttp::verb::get, "/api/products/{sku}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (!valid_identifier(p[0])) return respond(bad_sku());
    const bool operator_asks = !req[bhttp::field::authorization].empty() && !require_admin(req, s.auth);
    s.commerce.get_product(Sku(p[0]), [&s, &req, respond, operator_asks](actors::Outcome<actors::ProductView> r) {
      auto* view = std::get_if<actors::ProductView>(&r);
      if (view && not_modified(req, view->version)) return respond(not_modified_response(view->version));
      if (!view || !operator_asks) return answer(respond, r, Resource::product, product_ok);
      post_blocking(s, [&s, respond, product = product_json(*view), sku = view->sku, version = view->version] {
        auto reservations = reservations_json(s, sku);
        if (!reservations) return respond(storage_response(reservations.error()));
        respond(with_etag(json_response(bhttp::status::ok, with_reservations(product, *reservations)), version));
      });
    });
  });

  // The catalog, by sku (anyone: a storefront lists it): {"items":[product],"next_cursor"}.
  router.add(bhttp::verb::get, "/api/products", [&s](const Request&, const RouteParams& p, Respond respond) {
    auto limit = limit_param(p.query, "limit", 50, 200);
    if (auto* bad = std::get_if<Response>(&limit)) return respond(std::move(*bad));
    auto cursor = query_param(p.query, "cursor");
    if (cursor && cursor->empty()) cursor.reset();
    if (cursor && !valid_identifier(*cursor)) return respond(bad_parameter("cursor", "not one this server returned"));
    post_blocking(s, [&s, limit = std::get<std::size_t>(limit), cursor, respond] {
      auto page = s.commerce_queries.product_skus(limit, cursor);
      if (!page) return respond(storage_response(page.error()));
      std::optional<std::string> next;
      if (page->more && !page->skus.empty()) next = page->skus.back().value();
      actors::gather_products(s.commerce, page->skus, [respond, next](std::map<Sku, actors::ProductView> views,
                                                                       std::optional<Error> error) {
        if (error) return respond(storage_response(*error));
        JsonWriter w;
        w.begin_object().key("items").begin_array();
        for (const auto& [sku, view] : views)
          if (view.defined) w.raw(product_json(view));
        w.end_array();
        next ? w.field("next_cursor", *next) : w.key("next_cursor").null();
        w.end_object();
        respond(json_response(bhttp::status::ok, std::move(w).str()));
      });
    });
  });
}

}  // namespace bitacora::http
