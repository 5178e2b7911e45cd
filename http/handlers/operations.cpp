// GET /health and GET /metrics (API.md §5).
#include "http/auth.hpp"
#include "http/routes.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {

void add_operations_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/health", [&s](const Request& req, const RouteParams&, Respond respond) {
    auto storage = s.storage_status();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - s.started);
    JsonWriter w;
    w.begin_object()
        .field("status", storage.writable ? "ok" : "degraded")
        .key("storage")
        .begin_object()
        .field("last_seq", storage.last_seq);
    // Where the data lives is for operators: anyone else sees null, never a path of this machine.
    if (!require_admin(req, s.auth)) w.field("dir", storage.dir);
    else w.key("dir").null();
    w.field("writable", storage.writable)
        .end_object()
        .key("webhooks")
        .begin_object()
        .field("pending", s.inbox.pending())
        .field("failed", s.inbox.failed())
        .end_object()
        .key("reservations")
        .begin_object()
        .field("active", s.commerce.active_reservations())
        .end_object()
        .field("uptime_s", static_cast<std::int64_t>(uptime.count()))
        .end_object();
    respond(json_response(storage.writable ? bhttp::status::ok : bhttp::status::service_unavailable,
                          std::move(w).str()));
  });

  router.add(bhttp::verb::get, "/metrics", [&s](const Request&, const RouteParams&, Respond respond) {
    Response res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
    res.body() = s.metrics.render();
    res.prepare_payload();
    respond(std::move(res));
  });
}

}  // namespace bitacora::http
