// What frontends build on (docs/api.md "Conventions"): the API contract at GET /openapi.json
// (docs/openapi.yaml, embedded) and, when [http] serve_demo is on, the demo storefront under
// /demo/ (clients/js/example with the client it uses, embedded).
#include "http/embedded_assets.hpp"
#include "http/routes.hpp"

namespace bitacora::http {
namespace {

// The demo runs only its own scripts and talks only to this server.
constexpr const char* kDemoContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

Response demo_file(std::string_view path) {
  if (const auto* a = find_asset(demo_assets(), path)) return asset_response(*a, kDemoContentSecurityPolicy);
  if (path.starts_with("client/") && !find_asset(demo_assets(), "client/index.js"))
    return error_response(bhttp::status::not_found, "not_found",
                          "this build has no JavaScript client to serve: build bitacora after `npm ci` in clients/js "
                          "(scripts/install-deps --test does it)");
  return error_response(bhttp::status::not_found, "not_found", "the demo has no such file");
}

}  // namespace

void add_contract_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/openapi.json", [](const Request&, const RouteParams&, Respond respond) {
    const auto* doc = find_asset(contract_assets(), "openapi.json");
    if (!doc) return respond(error_response(bhttp::status::not_found, "not_found", "this build has no API contract"));
    respond(asset_response(*doc));
  });

  if (!s.conventions.serve_demo) return;
  // The router takes "/demo" for "/demo/": the page's relative URLs need the slash, so send it there.
  router.add(bhttp::verb::get, "/demo", [](const Request& req, const RouteParams&, Respond respond) {
    const std::string_view target = req.target();
    if (!target.substr(0, target.find('?')).ends_with("/")) {
      Response res{bhttp::status::moved_permanently, 11};
      res.set(bhttp::field::location, "/demo/");
      res.prepare_payload();
      return respond(std::move(res));
    }
    respond(demo_file("index.html"));
  });
  router.add(bhttp::verb::get, "/demo/{file...}", [](const Request&, const RouteParams& p, Respond respond) {
    respond(demo_file(p[0]));
  });
}

}  // namespace bitacora::http
