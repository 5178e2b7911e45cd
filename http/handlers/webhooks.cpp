// POST /webhooks/{gateway} (API.md §1): verify, then make durable, then answer.
#include <spdlog/spdlog.h>

#include "http/gateways/verify.hpp"
#include "http/routes.hpp"
#include "support/log.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

using gateways::Accepted;
using gateways::Rejected;
using gateways::RejectionKind;
using gateways::Verdict;

gateways::InboundRequest inbound(const Request& req, std::string_view query) {
  gateways::InboundRequest in{req.body(), {}, query};
  for (const auto& field : req) in.headers.emplace_back(field.name_string(), field.value());
  return in;
}

Response not_configured(std::string_view gateway) {
  return error_response(bhttp::status::not_found, "gateway_not_configured",
                        "no secret is configured for gateway '" + std::string(gateway) + "'");
}

// The common tail of every gateway route: quarantine or reject a bad request, or append a good one.
void finish(Services& s, std::string gateway, Verdict verdict, const Request& req, std::string_view query,
            Respond respond) {
  if (auto* rejected = std::get_if<Rejected>(&verdict)) {
    if (rejected->kind == RejectionKind::malformed_payload)
      return respond(error_response(bhttp::status::bad_request, "malformed_payload", rejected->message));
    // Our words only (the route's gateway, not the request's bytes); the line names the request.
    module_logger("webhooks").warn("refused a {} webhook whose signature does not verify; kept in quarantine", gateway);
    s.inbox.quarantine(std::move(gateway), rejected->message, std::string(query), req.body());
    return respond(error_response(bhttp::status::unauthorized, "invalid_signature", rejected->message));
  }
  auto& accepted = std::get<Accepted>(verdict);
  actors::InboundWebhook webhook{std::move(gateway), std::move(accepted.dedupe_key), std::move(accepted.event_type),
                                 std::move(accepted.order_reference), std::string(query), req.body()};
  s.inbox.receive(std::move(webhook), [respond = std::move(respond)](Result<actors::ReceiveResult> r) {
    if (!r) {
      respond(error_response(bhttp::status::service_unavailable, "storage_unavailable",
                             "the event could not be made durable; retry later"));
      return;
    }
    JsonWriter w;
    w.begin_object().field("status", r->duplicate ? "already_received" : "received").field("event_id", r->event_id).end_object();
    respond(json_response(bhttp::status::ok, std::move(w).str()));
  });
}

}  // namespace

void add_webhook_routes(Router& router, Services& s) {
  router.add(bhttp::verb::post, "/webhooks/wompi", [&s](const Request& req, const RouteParams& p, Respond respond) {
    const auto& cfg = s.gateways.wompi;
    if (cfg.events_secret.empty()) return respond(not_configured("wompi"));
    finish(s, "wompi", gateways::verify_wompi(inbound(req, p.query), cfg.events_secret), req, p.query, std::move(respond));
  });

  auto mercadopago = [&s](const Request& req, const RouteParams& p, Respond respond) {
    const auto& cfg = s.gateways.mercadopago;
    if (cfg.webhook_secret.empty() && !cfg.allow_ipn) return respond(not_configured("mercadopago"));
    auto in = inbound(req, p.query);
    auto verdict = cfg.allow_ipn && gateways::is_mercadopago_ipn(in)
                       ? gateways::accept_mercadopago_ipn(in, s.clock.now_us())
                       : gateways::verify_mercadopago(in, cfg.webhook_secret, s.clock.now_s(),
                                                     s.gateways.signature_tolerance_seconds);
    finish(s, "mercadopago", std::move(verdict), req, p.query, std::move(respond));
  };
  router.add(bhttp::verb::post, "/webhooks/mercadopago", mercadopago);
  router.add(bhttp::verb::post, "/webhooks/mp", mercadopago);

  router.add(bhttp::verb::post, "/webhooks/stripe", [&s](const Request& req, const RouteParams& p, Respond respond) {
    const auto& cfg = s.gateways.stripe;
    if (cfg.webhook_secret.empty()) return respond(not_configured("stripe"));
    finish(s, "stripe",
           gateways::verify_stripe(inbound(req, p.query), cfg.webhook_secret, s.clock.now_s(),
                                   s.gateways.signature_tolerance_seconds),
           req, p.query, std::move(respond));
  });

  router.add(bhttp::verb::post, "/webhooks/standard/{source}",
             [&s](const Request& req, const RouteParams& p, Respond respond) {
               const std::string& source = p[0];
               auto it = s.gateways.standard_webhooks.find(source);
               if (it == s.gateways.standard_webhooks.end() || it->second.empty())
                 return respond(not_configured(source));
               finish(s, source,
                      gateways::verify_standard(inbound(req, p.query), source, it->second, s.clock.now_s(),
                                                s.gateways.signature_tolerance_seconds),
                      req, p.query, std::move(respond));
             });

  router.add(bhttp::verb::post, "/webhooks/{gateway}", [](const Request&, const RouteParams& p, Respond respond) {
    respond(error_response(bhttp::status::not_found, "unknown_gateway",
                           "'" + p[0] + "' is not a gateway: use wompi, mercadopago, stripe or standard/{source}"));
  });
}

}  // namespace bitacora::http
