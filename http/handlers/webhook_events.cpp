// /api/webhook-events (API.md §2), operators only: list with filters, counts by status, one
// event's detail, and retries (one, the ones named, or every failed one a filter matches).
#include <boost/asio/post.hpp>

#include <tuple>

#include "http/auth.hpp"
#include "http/json_body.hpp"
#include "http/params.hpp"
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

constexpr std::size_t kMaxFilterText = 256;  // gateway, type, reference: longer matches nothing stored
constexpr std::size_t kMaxRetryIds = 500;

// Parses the list filter from the query string, or the 400 to send.
std::variant<actors::WebhookFilter, Response> parse_filter(std::string_view query) {
  actors::WebhookFilter f;
  if (auto status = query_param(query, "status"); status && !status->empty()) {
    domain::WebhookStatus parsed;
    if (!domain::parse_webhook_status(*status, parsed))
      return bad_parameter("status", "expected pending, processing, succeeded, failed or quarantined");
    f.status = parsed;
  }
  for (auto [name, member] : {std::pair{"gateway", &f.gateway}, std::pair{"type", &f.type}, std::pair{"reference", &f.reference}}) {
    auto text = query_param(query, name);
    if (!text || text->empty()) continue;
    if (text->size() > kMaxFilterText) return bad_parameter(name, "longer than 256 bytes");
    *member = std::move(*text);
  }
  for (auto [name, member] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
    auto t = time_param(query, name);
    if (auto* bad = std::get_if<Response>(&t)) return std::move(*bad);
    *member = std::get<std::optional<Micros>>(t);
  }
  if (f.from && f.to && *f.to <= *f.from) return bad_parameter("to", "must be after from");
  if (auto c = query_param(query, "cursor"); c && !c->empty()) f.cursor = *c;
  auto limit = limit_param(query, "limit", 50, 500);
  if (auto* bad = std::get_if<Response>(&limit)) return std::move(*bad);
  f.limit = std::get<std::size_t>(limit);
  return f;
}

// The filter of a bulk retry's body: the list's filters as members (status, when given, must be
// "failed": only failed events are retried).
std::variant<actors::WebhookFilter, Response> body_filter(JsonBody& body) {
  actors::WebhookFilter f;
  auto status = body.optional_string("status", 32).value_or("failed");
  f.gateway = body.optional_string("gateway", kMaxFilterText);
  f.type = body.optional_string("type", kMaxFilterText);
  f.reference = body.optional_string("reference", kMaxFilterText);
  auto from = body.optional_string("from", 64);
  auto to = body.optional_string("to", 64);
  if (auto error = body.error()) return std::move(*error);
  if (status != "failed")
    return error_response(bhttp::status::unprocessable_entity, "invalid_argument", "only failed webhook events can be retried",
                          json_member("field", "status"));
  for (auto [name, text, member] : {std::tuple{"from", &from, &f.from}, std::tuple{"to", &to, &f.to}}) {
    if (!*text) continue;
    *member = parse_rfc3339(**text);
    if (!*member)
      return error_response(bhttp::status::unprocessable_entity, "invalid_argument",
                            std::string(name) + " must be an RFC 3339 time", json_member("field", name));
  }
  return f;
}

}  // namespace

void add_webhook_event_routes(Router& router, Services& s) {
  // Bulk retry → 202 {"count":N}: {"ids":[…]} retries those that are failed; otherwise every failed
  // event the body's filter members match. Registered before the per-event routes so that
  // "retry" and "counts" are not taken for ids.
  router.add(bhttp::verb::post, "/api/webhook-events/retry", [&s](const Request& req, const RouteParams&, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    JsonBody body(req.body());
    auto note = body.optional_string("note", kMaxNoteLength).value_or("");
    auto ids = body.nullable_strings("ids", kMaxRetryIds, 32);
    auto filter = body_filter(body);
    if (auto* bad = std::get_if<Response>(&filter)) return respond(std::move(*bad));
    actors::WebhookProcessor::RetryBy by{std::get<Operator>(who).name, std::move(note)};
    auto counted = [respond](Result<std::size_t> n) {
      if (!n) return respond(storage_response());
      respond(json_response(bhttp::status::accepted, "{\"count\":" + std::to_string(*n) + "}"));
    };
    post_blocking(s, [&s, ids = std::move(ids), f = std::get<actors::WebhookFilter>(std::move(filter)),
                                   by = std::move(by), counted]() mutable {
      if (ids) return s.processor.retry_each(std::move(*ids), std::move(by), counted);
      s.processor.retry_failed(f, std::move(by), counted);
    });
  });

  router.add(bhttp::verb::get, "/api/webhook-events/counts", [&s](const Request& req, const RouteParams&, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    JsonWriter w;
    w.begin_object()
        .field("pending", s.inbox.pending())
        .field("succeeded", s.inbox.succeeded())
        .field("failed", s.inbox.failed())
        .field("quarantined", s.inbox.quarantined())
        .end_object();
    respond(json_response(bhttp::status::ok, std::move(w).str()));
  });

  router.add(bhttp::verb::post, "/api/webhook-events/{id}/retry", [&s](const Request& req, const RouteParams& p, Respond respond) {
    auto who = authenticate_operator(req, s.auth);
    if (auto* denied = std::get_if<Response>(&who)) return respond(std::move(*denied));
    auto note = note_of(req.body());
    if (auto* bad = std::get_if<Response>(&note)) return respond(std::move(*bad));
    actors::WebhookProcessor::RetryBy by{std::get<Operator>(who).name, std::get<std::string>(std::move(note))};
    post_blocking(s, [&s, id = p[0], by = std::move(by), respond]() mutable {
      s.processor.retry(id, std::move(by), [respond, id](Status st) {
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
    post_blocking(s, [&s, f = std::get<actors::WebhookFilter>(std::move(parsed)), respond]() {
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
    post_blocking(s, [&s, id = p[0], respond]() {
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
