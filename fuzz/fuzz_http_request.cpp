// Raw bytes off a connection, as a session reads them (http/session.cpp): Beast's request parser
// with the server's default limits (ServerOptions: header block 16384 bytes, body 1 MiB), up to a
// few pipelined requests. Each request that parses is routed through a Router holding every route
// pattern of http/handlers/*.cpp, with stub handlers that do what the real ones do first: split
// the target and read the query, authenticate the bearer token (http/auth.hpp, so verify_jwt),
// read a JSON body (http/json_body.hpp), and hand a webhook to its gateway's verifier.
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "http/auth.hpp"
#include "http/gateways/verify.hpp"
#include "http/json_body.hpp"
#include "http/router.hpp"
#include "http/url.hpp"

using namespace bitacora;
using namespace bitacora::http;

namespace {

constexpr std::size_t kMaxHeaderBytes = 16384;  // ServerOptions::max_header_bytes
constexpr std::size_t kMaxBodyBytes = 1048576;  // ServerOptions::max_body_bytes
constexpr std::int64_t kNow = 1767225600;       // 2026-01-01T00:00:00Z
constexpr int kMaxPipelined = 4;

AuthOptions auth_options() {
  AuthOptions a;
  a.jwt_secret = Secret{"dev-only-jwt-secret-change-me"};  // config/dev.toml
  a.admin_token = Secret{"dev-admin-token"};
  return a;
}

gateways::InboundRequest inbound(const Request& req, std::string_view query) {  // as handlers/webhooks.cpp
  gateways::InboundRequest in{req.body(), {}, query};
  for (const auto& field : req) in.headers.emplace_back(field.name_string(), field.value());
  return in;
}

// What every real handler does before it talks to an actor.
void common(const Request& req, const RouteParams& p) {
  for (const auto& v : p.values) FUZZ_CHECK(!v.empty());  // the router refuses empty captures
  for (const char* name : {"limit", "gateway", "status", "after", "from_version", "to-seq", "until"})
    (void)query_param(p.query, name);
  (void)require_admin(req, auth_options());
  (void)authenticate(req, auth_options(), kNow, true);
  if (!req.body().empty()) {
    JsonBody body(req.body());
    if (!body.error()) {
      (void)body.optional_string("name");
      (void)body.string("sku", 64);
      (void)body.integer("quantity");
      (void)body.optional_string("gateway", 32);
    }
    (void)body.error();
  }
  for (const auto& v : p.values) (void)valid_identifier(v);
}

Router make_stub_router() {
  Router r;
  const Handler stub = [](const Request& req, const RouteParams& p, Respond) { common(req, p); };
  using bhttp::verb;
  // http/handlers/webhooks.cpp
  r.add(verb::post, "/webhooks/wompi", [](const Request& req, const RouteParams& p, Respond) {
    (void)gateways::verify_wompi(inbound(req, p.query), Secret{"test_events_dev_only"});
  });
  const Handler mercadopago = [](const Request& req, const RouteParams& p, Respond) {
    auto in = inbound(req, p.query);
    if (gateways::is_mercadopago_ipn(in)) (void)gateways::accept_mercadopago_ipn(in, kNow * 1000000);
  };
  r.add(verb::post, "/webhooks/mercadopago", mercadopago);
  r.add(verb::post, "/webhooks/mp", mercadopago);
  r.add(verb::post, "/webhooks/stripe", [](const Request& req, const RouteParams& p, Respond) {
    (void)gateways::verify_stripe(inbound(req, p.query), Secret{"whsec_dev_only_stripe_secret"}, kNow);
  });
  r.add(verb::post, "/webhooks/standard/{source}", [](const Request& req, const RouteParams& p, Respond) {
    (void)gateways::verify_standard(inbound(req, p.query), p[0], Secret{"whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0"}, kNow);
  });
  r.add(verb::post, "/webhooks/{gateway}", stub);
  // http/handlers/webhook_events.cpp
  r.add(verb::post, "/api/webhook-events/retry", stub);
  r.add(verb::post, "/api/webhook-events/{id}/retry", stub);
  r.add(verb::get, "/api/webhook-events", stub);
  r.add(verb::get, "/api/webhook-events/{id}", stub);
  // http/handlers/operations.cpp, streams.cpp
  r.add(verb::get, "/health", stub);
  r.add(verb::get, "/metrics", stub);
  r.add(verb::get, "/api/streams/{stream...}", stub);
  // http/handlers/products.cpp
  r.add(verb::put, "/api/products/{sku}", stub);
  r.add(verb::post, "/api/products/{sku}/stock", stub);
  r.add(verb::get, "/api/products/{sku}", stub);
  // http/handlers/cart.cpp
  r.add(verb::get, "/api/cart", stub);
  r.add(verb::post, "/api/cart/items", stub);
  r.add(verb::post, "/api/cart/bulk-update", stub);
  r.add(verb::delete_, "/api/cart", stub);
  // http/handlers/orders.cpp
  r.add(verb::post, "/api/checkout", stub);
  r.add(verb::get, "/api/orders/{reference}", stub);
  r.add(verb::post, "/api/orders/{reference}/cancel", stub);
  r.add(verb::get, "/api/orders", stub);
  return r;
}

// One request from the front of `in`, as the session's parser reads it; consumes what it used.
std::optional<Request> parse_one(std::string_view& in) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(kMaxBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!in.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    FUZZ_CHECK(used <= in.size());
    in.remove_prefix(used);
    if (ec == bhttp::error::need_more) break;  // the connection would wait for more bytes
    if (ec) return std::nullopt;
    if (used == 0) break;
  }
  if (!parser.is_done() && in.empty()) {
    parser.put_eof(ec);  // the peer closed: a body delimited by the end of the stream ends here
    if (ec) return std::nullopt;
  }
  if (!parser.is_done()) return std::nullopt;
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Router router = make_stub_router();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxPipelined && !in.empty(); ++i) {
    auto req = parse_one(in);
    if (!req) break;
    FUZZ_CHECK(req->body().size() <= kMaxBodyBytes);
    const std::string_view target = req->target();
    const auto [path, query] = split_target(target);
    FUZZ_CHECK(path.size() + (query.data() ? query.size() + 1 : 0) == target.size());
    (void)percent_decode(path);
    (void)percent_decode(query, true);
    auto match = router.match(req->method(), target);
    if (match.handler) {
      FUZZ_CHECK(match.path_known && !match.pattern.empty());
      (*match.handler)(*req, match.params, [](Response) {});
    }
  }
  return 0;
}
