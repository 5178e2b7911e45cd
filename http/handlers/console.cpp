// The operator console (API.md §5 "Console"): its static files under /console/, who the caller is
// (GET /api/operators/me) and the durable timers (GET /api/scheduler).
#include <boost/asio/post.hpp>

#include "http/auth.hpp"
#include "http/commerce_views.hpp"
#include "http/embedded_assets.hpp"
#include "http/params.hpp"
#include "http/routes.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

// The page runs only its own scripts and styles and talks only to this server.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

Response console_file(std::string_view path) {
  if (const auto* a = find_asset(console_assets(), path)) return asset_response(*a, kContentSecurityPolicy);
  return error_response(bhttp::status::not_found, "not_found", "the console has no such file");
}

}  // namespace

void add_console_routes(Router& router, Services& s) {
  // The router matches "/console" and "/console/" alike: both are the page, whose <base href>
  // makes its relative URLs resolve under /console/ either way.
  router.add(bhttp::verb::get, "/console", [](const Request&, const RouteParams&, Respond respond) {
    respond(console_file("index.html"));
  });
  router.add(bhttp::verb::get, "/console/{file...}", [](const Request&, const RouteParams& p, Respond respond) {
    respond(console_file(p[0]));
  });

  router.add(bhttp::verb::get, "/api/operators/me", [&s](const Request& req, const RouteParams&, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    JsonWriter w;
    w.begin_object().field("operator", std::get<Operator>(who).name).end_object();
    respond(json_response(bhttp::status::ok, std::move(w).str()));
  });

  // {"counts":{kind:n},"next":[{"kind","target","due_at"}],"counts_capped":bool}
  router.add(bhttp::verb::get, "/api/scheduler", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    auto limit = limit_param(p.query, "limit", 50, 500);
    if (auto* bad = std::get_if<Response>(&limit)) return respond(std::move(*bad));
    post_blocking(s, [&s, limit = std::get<std::size_t>(limit), respond] {
      auto timers = s.commerce_queries.timers(limit);
      if (!timers) return respond(storage_response(timers.error()));
      JsonWriter w;
      w.begin_object().key("counts").begin_object();
      for (const auto& [kind, n] : timers->counts) w.field(kind, n);
      w.end_object().key("next").begin_array();
      for (const auto& t : timers->next)
        w.begin_object().field("kind", t.kind).field("target", t.target).field("due_at", format_rfc3339(t.due)).end_object();
      w.end_array().field("counts_capped", timers->counts_capped).end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
