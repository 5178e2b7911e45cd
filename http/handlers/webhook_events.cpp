// GET /api/webhook-events and GET /api/webhook-events/{id} (API.md §2), admin only.
#include <boost/asio/post.hpp>

#include <charconv>

#include "http/auth.hpp"
#include "http/json_body.hpp"
#include "http/routes.hpp"
#include "events/json_fields.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

void write_item(JsonWriter& w, const actors::WebhookItem& item) {
  const auto& s = item.summary;
  if (!item.undecodable.empty()) {
    // A damaged record: listed with what can be said of it, so one bad row never fails a page.
    w.field("id", item.id).key("gateway").null().key("type").null().field("status", "undecodable");
    w.field("attempts", 0).key("next_retry_at").null().field("last_error", item.undecodable);
    w.key("received_at").null().key("order_reference").null().key("key").null();
    return;
  }
  w.field("id", item.id).field("gateway", s.gateway);
  s.event_type.empty() ? w.key("type").null() : w.field("type", s.event_type);
  w.field("status", domain::to_string(s.status)).field("attempts", static_cast<std::uint64_t>(s.attempts));
  s.next_retry_at ? w.field("next_retry_at", format_rfc3339(s.next_retry_at)) : w.key("next_retry_at").null();
  s.last_error.empty() ? w.key("last_error").null() : w.field("last_error", s.last_error);
  w.field("received_at", format_rfc3339(s.received_at));
  s.order_reference.empty() ? w.key("order_reference").null() : w.field("order_reference", s.order_reference);
  s.key.empty() ? w.key("key").null() : w.field("key", s.key);
}

Response bad_parameter(std::string_view name, std::string_view why) {
  return error_response(bhttp::status::bad_request, "invalid_parameter", std::string(name) + ": " + std::string(why),
                        json_member("parameter", name));
}


// Parses the list filter from the query string, or the 400 to send.
std::variant<actors::WebhookFilter, Response> parse_filter(std::string_view query) {
  actors::WebhookFilter f;
  if (auto status = query_param(query, "status"); status && !status->empty()) {
    domain::WebhookStatus parsed;
    if (!domain::parse_webhook_status(*status, parsed))
      return bad_parameter("status", "expected pending, processing, succeeded, failed or quarantined");
    f.status = parsed;
  }
  if (auto g = query_param(query, "gateway"); g && !g->empty()) f.gateway = *g;
  if (auto t = query_param(query, "type"); t && !t->empty()) f.type = *t;
  if (auto c = query_param(query, "cursor"); c && !c->empty()) f.cursor = *c;
  if (auto l = query_param(query, "limit"); l && !l->empty()) {
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || ptr != l->data() + l->size() || n < 1 || n > 500)
      return bad_parameter("limit", "expected an integer from 1 to 500");
    f.limit = n;
  }
  return f;
}

}  // namespace

void add_webhook_event_routes(Router& router, Services& s) {
  // Bulk retry: {"status":"failed","gateway":"…"} → 202 {"count":N}. Registered before the
  // per-event routes so that "retry" is not taken for an id.
  router.add(bhttp::verb::post, "/api/webhook-events/retry", [&s](const Request& req, const RouteParams&, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    JsonBody body(req.body());
    auto status = body.optional_string("status", 32).value_or("failed");
    auto gateway = body.optional_string("gateway", 64);
    if (auto error = body.error()) return respond(std::move(*error));
    if (status != "failed")
      return respond(error_response(bhttp::status::unprocessable_entity, "invalid_argument", "only failed webhook events can be retried",
                                    json_member("field", "status")));
    boost::asio::post(s.blocking, [&s, gateway, respond] {
      s.processor.retry_failed(gateway, [respond](Result<std::size_t> n) {
        if (!n) return respond(storage_response());
        respond(json_response(bhttp::status::accepted, "{\"count\":" + std::to_string(*n) + "}"));
      });
    });
  });

  router.add(bhttp::verb::post, "/api/webhook-events/{id}/retry", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    boost::asio::post(s.blocking, [&s, id = p[0], respond] {
      s.processor.retry(id, [respond, id](Status st) {
        if (st) {
          JsonWriter w;
          w.begin_object().field("id", id).field("status", "pending").end_object();
          return respond(json_response(bhttp::status::accepted, std::move(w).str()));
        }
        if (st.error().code == Errc::not_found) return respond(error_response(bhttp::status::not_found, "not_found", st.error().message));
        if (st.error().code == Errc::conflict) return respond(error_response(bhttp::status::conflict, "not_failed", st.error().message));
        respond(storage_response());
      });
    });
  });

  router.add(bhttp::verb::get, "/api/webhook-events", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    auto parsed = parse_filter(p.query);
    if (auto* error = std::get_if<Response>(&parsed)) return respond(std::move(*error));
    boost::asio::post(s.blocking, [&s, f = std::get<actors::WebhookFilter>(std::move(parsed)), respond]() {
      auto page = s.queries.list(f);
      if (!page) {
        if (page.error().code == Errc::invalid_argument) return respond(bad_parameter("cursor", page.error().message));
        return respond(storage_response());
      }
      JsonWriter w;
      w.begin_object().key("items").begin_array();
      for (const auto& item : page->items) {
        w.begin_object();
        write_item(w, item);
        w.end_object();
      }
      w.end_array();
      page->next_cursor ? w.field("next_cursor", *page->next_cursor) : w.key("next_cursor").null();
      w.end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });

  router.add(bhttp::verb::get, "/api/webhook-events/{id}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    boost::asio::post(s.blocking, [&s, id = p[0], respond]() {
      auto found = s.queries.find(id);
      if (!found) return respond(storage_response());
      if (!found->has_value())
        return respond(error_response(bhttp::status::not_found, "not_found", "no webhook event " + id));
      const auto& d = **found;
      JsonWriter w;
      w.begin_object();
      write_item(w, d.item);
      if (d.item.undecodable.empty()) {
        events::json::write_bytes(w, "payload", d.payload);  // "payload_base64" too when not UTF-8
        events::json::write_bytes(w, "query", d.query);
      }
      if (!d.quarantine_reason.empty()) w.field("quarantine_reason", d.quarantine_reason);
      w.key("history").begin_array();
      for (const auto& ev : d.history) w.raw(events::to_json(ev.seq, ev.envelope));
      w.end_array().end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
