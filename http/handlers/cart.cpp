// /api/cart (API.md §4): a shopper's cart, synced with small deltas or absolute bulk updates.
#include "http/auth.hpp"
#include "http/handlers/outcome.hpp"
#include "http/json_body.hpp"
#include "http/preconditions.hpp"
#include "http/routes.hpp"

namespace bitacora::http {
namespace {

constexpr std::size_t kMaxCartLines = 200;

// How a cart's If-Match mismatch is answered: bulk-update keeps API.md's 409 version_conflict;
// every other cart write answers 412 precondition_failed, as HTTP has it.
enum class Mismatch { conflict_409, precondition_412 };

// Answers a cart command; a version mismatch carries the current cart, read fresh.
std::function<void(actors::Outcome<actors::CartView>)> cart_answer(Services& s, UserId user, Respond respond,
                                                                   Mismatch mismatch = Mismatch::precondition_412) {
  return answer_or_mismatch<actors::CartView>(
      std::move(respond), Resource::cart, cart_response,
      [&s, user = std::move(user)](auto done) { s.commerce.get_cart(user, std::move(done)); },
      [mismatch](const std::string& message, const actors::CartView& view) {
        if (mismatch == Mismatch::precondition_412) return precondition_failed("cart", message, cart_json(view), view.cart.version);
        return with_etag(error_response(bhttp::status::conflict, "version_conflict", message, "\"cart\":" + cart_json(view)),
                         view.cart.version);
      });
}

// The If-Match of a cart write, or the 400 it deserves (sent here).
std::optional<actors::Commerce::IfMatch> cart_if_match(const Request& req, const Respond& respond) {
  auto version = if_match(req);
  if (auto* bad = std::get_if<Response>(&version)) return respond(std::move(*bad)), std::nullopt;
  return std::get<std::optional<std::uint64_t>>(version);
}

}  // namespace

void add_cart_routes(Router& router, Services& s) {
  auto shopper = [&s](const Request& req) { return authenticate(req, s.auth, s.clock.now_s()); };

  router.add(bhttp::verb::get, "/api/cart", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    s.commerce.get_cart(UserId(std::get<Caller>(who).user), [respond, &req](actors::Outcome<actors::CartView> r) {
      if (auto* view = std::get_if<actors::CartView>(&r); view && not_modified(req, view->cart.version))
        return respond(not_modified_response(view->cart.version));
      answer(respond, r, Resource::cart, cart_response);
    });
  });

  router.add(bhttp::verb::post, "/api/cart/items", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto version = cart_if_match(req, respond);
    if (!version) return;
    JsonBody body(req.body());
    auto sku = body.string("sku", 64);
    auto quantity = body.integer("quantity");
    if (auto error = body.error()) return respond(std::move(*error));
    if (!valid_identifier(sku))
      return respond(error_response(bhttp::status::unprocessable_entity, "unknown_sku", "no such sku", json_member("sku", "")));
    UserId user(std::get<Caller>(who).user);
    s.commerce.add_to_cart(user, Sku(sku), quantity, cart_answer(s, user, respond), *version);
  });

  router.add(bhttp::verb::post, "/api/cart/bulk-update", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto version = cart_if_match(req, respond);
    if (!version) return;
    JsonBody body(req.body());
    if (auto error = body.error()) return respond(std::move(*error));
    std::map<Sku, std::int64_t> lines;
    for (auto [key, value] : body.object()) {
      std::int64_t qty = 0;
      if (value.get_int64().get(qty))
        return respond(error_response(bhttp::status::bad_request, "invalid_request",
                                      "each value must be an integer quantity", json_member("field", key)));
      if (!valid_identifier(key))
        return respond(error_response(bhttp::status::unprocessable_entity, "unknown_sku", "no such sku", json_member("sku", "")));
      lines[Sku(std::string(key))] = qty;
    }
    if (lines.size() > kMaxCartLines)
      return respond(error_response(bhttp::status::unprocessable_entity, "invalid_quantity", "a cart holds at most 200 lines"));
    UserId user(std::get<Caller>(who).user);
    s.commerce.set_cart(user, std::move(lines), *version, cart_answer(s, user, respond, Mismatch::conflict_409));
  });

  router.add(bhttp::verb::post, "/api/cart/coupon", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto version = cart_if_match(req, respond);
    if (!version) return;
    JsonBody body(req.body());
    auto text = body.string("code", 64);
    if (auto error = body.error()) return respond(std::move(*error));
    auto code = domain::normalize_coupon_code(text);
    if (!code) return respond(refusal_response(domain::coupon_invalid(domain::CouponRefusal::unknown), Resource::cart));
    UserId user(std::get<Caller>(who).user);
    s.commerce.attach_coupon(user, *code, cart_answer(s, user, respond), *version);
  });

  router.add(bhttp::verb::delete_, "/api/cart/coupon", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto version = cart_if_match(req, respond);
    if (!version) return;
    UserId user(std::get<Caller>(who).user);
    s.commerce.remove_coupon(user, cart_answer(s, user, respond), *version);
  });

  router.add(bhttp::verb::post, "/api/cart/quote", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    JsonBody body(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()));
    auto delivery = delivery_choice(body);
    if (auto* bad = std::get_if<Response>(&delivery)) return respond(std::move(*bad));
    s.commerce.quote(UserId(std::get<Caller>(who).user), std::get<std::optional<domain::DeliveryChoice>>(std::move(delivery)),
                     [respond](actors::Outcome<domain::CheckoutQuote> r) {
                       answer(respond, r, Resource::cart,
                              [](const domain::CheckoutQuote& q) { return json_response(bhttp::status::ok, quote_json(q)); });
                     });
  });

  router.add(bhttp::verb::delete_, "/api/cart", [&s, shopper](const Request& req, const RouteParams&, Respond respond) {
    auto who = shopper(req);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto version = cart_if_match(req, respond);
    if (!version) return;
    UserId user(std::get<Caller>(who).user);
    s.commerce.clear_cart(user, cart_answer(s, user, respond), *version);
  });
}

}  // namespace bitacora::http
