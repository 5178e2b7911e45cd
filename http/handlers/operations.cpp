// GET /health, /livez, /readyz and /metrics (API.md §5): for people, for supervisors (systemd,
// Kubernetes probes) and for Prometheus.
#include "http/auth.hpp"
#include "http/routes.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {

void add_operations_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/health", [&s](const Request&, const RouteParams&, Respond respond) {
    auto storage = s.storage_status();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - s.started);
    JsonWriter w;
    w.begin_object()
        .field("status", storage.writable ? "ok" : "degraded")
        .key("storage")
        .begin_object()
        .field("last_seq", storage.last_seq);
    // Never a path of this machine, to anyone: the member stays, null, so the body keeps its shape.
    w.key("dir").null();
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

  // The process answers: nothing else is looked at.
  router.add(bhttp::verb::get, "/livez", [](const Request&, const RouteParams&, Respond respond) {
    respond(json_response(bhttp::status::ok, R"({"status":"alive"})"));
  });

  // Ready for traffic: start-up is done (the server listens only after the log is open and the
  // timers loaded) and the log takes writes; 503 while it does not, so a balancer stops sending.
  router.add(bhttp::verb::get, "/readyz", [&s](const Request&, const RouteParams&, Respond respond) {
    if (s.storage_status().writable) return respond(json_response(bhttp::status::ok, R"({"status":"ready"})"));
    respond(json_response(bhttp::status::service_unavailable,
                          R"({"status":"not_ready","reason":"the log cannot be written: storage is failing"})"));
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
