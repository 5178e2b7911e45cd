// Checkout and orders (API.md §4): POST /api/checkout, GET /api/orders/{reference},
// POST /api/orders/{reference}/cancel, and the operators' list GET /api/orders and
// POST /api/orders/{reference}/resolve.
#include <boost/asio/post.hpp>

#include "domain/order_view.hpp"
#include "http/auth.hpp"
#include "http/gateways/verify.hpp"
#include "http/handlers/outcome.hpp"
#include "http/idempotency.hpp"
#include "http/json_body.hpp"
#include "http/params.hpp"
#include "http/preconditions.hpp"
#include "http/routes.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

bool known_gateway(std::string_view g) { return g == "wompi" || g == "mercadopago" || g == "stripe"; }

// The order as checkout answers it: the order's fields plus Wompi's integrity signature.
std::string checkout_json(const domain::OrderState& o, const gateways::GatewayConfig& gw) {
  JsonWriter w;
  w.begin_object()
      .field("reference", o.reference.value())
      .field("status", domain::to_string(o.status))
      .field("amount_in_cents", o.amount_in_cents)
      .field("currency", o.currency)
      .key("items")
      .begin_array();
  for (const auto& line : o.lines)
    w.begin_object().field("sku", line.sku.value()).field("quantity", line.quantity).field("price_in_cents", line.price_in_cents).end_object();
  w.end_array();
  domain::write_order_pricing(w, o);
  w.field("expires_at", format_rfc3339(o.expires_at));
  if (o.gateway == "wompi" && !gw.wompi.integrity_secret.empty())
    w.field("integrity_signature",
            gateways::wompi_integrity_signature(o.reference.value(), o.amount_in_cents, o.currency, gw.wompi.integrity_secret));
  else
    w.key("integrity_signature").null();
  w.end_object();
  return std::move(w).str();
}

Response order_ok(const domain::OrderState& o) {
  return with_etag(json_response(bhttp::status::ok, domain::order_view_json(o)), o.version);
}

// Answers an order command; an If-Match mismatch is 412 with the order as it is now.
std::function<void(actors::Outcome<domain::OrderState>)> order_answer(Services& s, OrderRef ref, Resource where,
                                                                      Respond respond) {
  return answer_or_mismatch<domain::OrderState>(
      std::move(respond), where, order_ok, [&s, ref = std::move(ref)](auto done) { s.commerce.get_order(ref, std::move(done)); },
      [](const std::string& message, const domain::OrderState& o) {
        return precondition_failed("order", message, domain::order_view_json(o), o.version);
      });
}

// Owner or admin; anyone else is told the order does not exist.
bool may_see(const Caller& who, const domain::OrderState& o) { return who.admin || o.user.value() == who.user; }

Response no_such_order(const std::string& ref) {
  return error_response(bhttp::status::not_found, "not_found", "no order " + ref);
}

}  // namespace

void add_order_routes(Router& router, Services& s) {
  router.add(bhttp::verb::post, "/api/checkout", [&s](const Request& req, const RouteParams&, Respond respond) {
    auto who = authenticate(req, s.auth, s.clock.now_s());
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    JsonBody body(req.body());
    auto gateway = body.string("gateway", 32);
    if (auto error = body.error()) return respond(std::move(*error));
    if (!known_gateway(gateway))
      return respond(error_response(bhttp::status::unprocessable_entity, "invalid_argument",
                                    "gateway must be wompi, mercadopago or stripe", json_member("field", "gateway")));
    auto delivery = delivery_choice(body);
    if (auto* bad = std::get_if<Response>(&delivery)) return respond(std::move(*bad));
    std::optional<std::string> key;
    if (auto k = req["Idempotency-Key"]; !k.empty()) {
      if (!valid_idempotency_key(k))
        return respond(error_response(bhttp::status::bad_request, "invalid_request",
                                      "Idempotency-Key must be 1 to 255 visible ASCII characters",
                                      json_member("field", "Idempotency-Key")));
      key = std::string(k);
    }
    actors::CheckoutOptions options{gateway, key, std::get<std::optional<domain::DeliveryChoice>>(std::move(delivery))};
    s.commerce.checkout(UserId(std::get<Caller>(who).user), std::move(options),
                        [&s, respond](actors::Outcome<actors::CheckoutResult> r) {
                          answer(respond, r, Resource::checkout, [&s](const actors::CheckoutResult& c) {
                            return json_response(bhttp::status::created, checkout_json(c.order, s.gateways));
                          });
                        });
  });

  router.add(bhttp::verb::get, "/api/orders/{reference}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate(req, s.auth, s.clock.now_s(), true);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(no_such_order(p[0]));
    s.commerce.get_order(OrderRef(p[0]), [&req, respond, who = std::get<Caller>(who), ref = p[0]](actors::Outcome<domain::OrderState> r) {
      if (auto* o = std::get_if<domain::OrderState>(&r); o && !may_see(who, *o)) return respond(no_such_order(ref));
      if (auto* o = std::get_if<domain::OrderState>(&r); o && not_modified(req, o->version))
        return respond(not_modified_response(o->version));
      answer(respond, r, Resource::order, order_ok);
    });
  });

  router.add(bhttp::verb::post, "/api/orders/{reference}/cancel", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate(req, s.auth, s.clock.now_s(), true);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(no_such_order(p[0]));
    auto caller = std::get<Caller>(who);
    auto note = note_of(req.body());
    if (auto* bad = std::get_if<Response>(&note)) return respond(std::move(*bad));
    auto version = if_match(req);
    if (auto* bad = std::get_if<Response>(&version)) return respond(std::move(*bad));
    domain::CancelOrder cancel{caller.admin ? caller.operator_name : std::string(events::kCancelledByOwner),
                               caller.admin ? std::get<std::string>(std::move(note)) : std::string(),
                               std::get<std::optional<std::uint64_t>>(version)};
    OrderRef ref(p[0]);
    // Read first so a stranger learns nothing (not even "already paid") about someone else's order.
    s.commerce.get_order(ref, [&s, respond, caller, ref, cancel = std::move(cancel)](actors::Outcome<domain::OrderState> r) mutable {
      auto* o = std::get_if<domain::OrderState>(&r);
      if (!o) return answer(respond, r, Resource::order, order_ok);
      if (!may_see(caller, *o)) return respond(no_such_order(ref.value()));
      s.commerce.cancel_order(ref, std::move(cancel), order_answer(s, ref, Resource::order, respond));
    });
  });

  // {"action":"mark_paid"|"cancel","note"} → 200 the order; 409 not_needs_attention,
  // insufficient_stock (with "items") or coupon_invalid.
  router.add(bhttp::verb::post, "/api/orders/{reference}/resolve", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    if (!valid_identifier(p[0])) return respond(no_such_order(p[0]));
    JsonBody body(req.body());
    auto action_text = body.string("action", 32);
    auto note = body.optional_string("note", kMaxNoteLength).value_or("");
    if (auto error = body.error()) return respond(std::move(*error));
    auto version = if_match(req);
    if (auto* bad = std::get_if<Response>(&version)) return respond(std::move(*bad));
    events::Resolution action;
    if (!events::parse(action_text, action))
      return respond(error_response(bhttp::status::unprocessable_entity, "invalid_argument", "action must be mark_paid or cancel",
                                    json_member("field", "action")));
    s.commerce.resolve_order(OrderRef(p[0]),
                             domain::ResolveOrder{action, std::get<Operator>(who).name, std::move(note),
                                                  std::get<std::optional<std::uint64_t>>(version)},
                             order_answer(s, OrderRef(p[0]), Resource::resolution, respond));
  });

  router.add(bhttp::verb::get, "/api/orders", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    std::optional<domain::OrderStatus> status;
    if (auto text = query_param(p.query, "status"); text && !text->empty()) {
      domain::OrderStatus parsed;
      if (!domain::parse(*text, parsed))
        return respond(error_response(bhttp::status::bad_request, "invalid_parameter", "status: not an order status",
                                      json_member("field", "status")));
      status = parsed;
    }
    auto parsed_limit = limit_param(p.query, "limit", 50, 500);
    if (auto* bad = std::get_if<Response>(&parsed_limit)) return respond(std::move(*bad));
    const std::size_t limit = std::get<std::size_t>(parsed_limit);
    std::optional<Micros> range[2];
    for (int i = 0; i < 2; ++i) {
      auto t = time_param(p.query, i == 0 ? "from" : "to");
      if (auto* bad = std::get_if<Response>(&t)) return respond(std::move(*bad));
      range[i] = std::get<std::optional<Micros>>(t);
    }
    if (range[0] && range[1] && *range[1] <= *range[0]) return respond(bad_parameter("to", "must be after from"));
    const bool timed = range[0] || range[1];
    auto cursor = query_param(p.query, "cursor");
    if (cursor && cursor->empty()) cursor.reset();
    post_blocking(s, [&s, status, limit, cursor, respond, timed, from = range[0].value_or(0),
                                   to = range[1].value_or(INT64_MAX)] {
      // A time range lists orders by when they were placed, newest first; otherwise by reference.
      auto page = timed ? s.orders.list_placed(status, from, to, limit, cursor) : s.orders.list(status, limit, cursor);
      if (!page && page.error().code == Errc::invalid_argument) return respond(bad_parameter("cursor", page.error().message));
      if (!page) return respond(storage_response(page.error()));
      JsonWriter w;
      w.begin_object().key("items").begin_array();
      for (const auto& row : page->items) w.raw(row);
      w.end_array();
      page->next_cursor ? w.field("next_cursor", *page->next_cursor) : w.key("next_cursor").null();
      w.end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
