// GET /api/events (operators): the notification feed — what the log says downstream systems should
// hear of (domain/notifications.hpp), paged by sequence, with an optional long poll.
//   ?after=SEQ      notifications past this sequence (default 0: from the start)
//   ?types=a,b      only these types (default: all); an unknown type is a 400
//   ?limit=N        at most N (1 to 500, default 100)
//   ?wait=SECONDS   0 to 60: when nothing is there yet, wait this long for it
// → 200 {"data":[{"id","seq","type","timestamp","data"}…],"next_after":SEQ}: pass next_after as
// `after` for the next page. A page may be empty and still move next_after on (the feed scans a
// bounded stretch of the log per request).
#include "http/auth.hpp"
#include "http/params.hpp"
#include "http/routes.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

constexpr std::size_t kMaxTypesText = 512;
constexpr std::uint64_t kMaxWaitSeconds = 60;

std::variant<actors::NotificationQuery, Response> query_of(std::string_view query) {
  actors::NotificationQuery q;
  auto after = number_param(query, "after", UINT64_MAX, "expected a sequence number (a non-negative integer)");
  if (auto* bad = std::get_if<Response>(&after)) return std::move(*bad);
  q.after = std::get<std::optional<std::uint64_t>>(after).value_or(0);
  auto wait = number_param(query, "wait", kMaxWaitSeconds, "expected a number of seconds from 0 to 60");
  if (auto* bad = std::get_if<Response>(&wait)) return std::move(*bad);
  q.wait = std::chrono::seconds(std::get<std::optional<std::uint64_t>>(wait).value_or(0));
  if (auto types = query_param(query, "types"); types && !types->empty()) {
    if (types->size() > kMaxTypesText) return bad_parameter("types", "too long");
    for (std::string_view rest = *types; !rest.empty();) {
      const auto comma = rest.find(',');
      const std::string_view type = rest.substr(0, comma);
      if (!domain::is_notification_type(type))
        return bad_parameter("types", "expected a comma-separated list of order.paid, order.expired, order.cancelled, "
                                      "order.needs_attention, order.refunded, webhook.failed, product.stock_low");
      q.types.emplace(type);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  auto limit = limit_param(query, "limit", 100, 500);
  if (auto* bad = std::get_if<Response>(&limit)) return std::move(*bad);
  q.limit = std::get<std::size_t>(limit);
  return q;
}

std::string notification_page_json(const actors::NotificationPage& page) {
  JsonWriter w;
  w.begin_object().key("data").begin_array();
  for (const auto& n : page.items) w.raw(domain::notification_json(n));
  w.end_array().field("next_after", page.next_after).end_object();
  return std::move(w).str();
}

}  // namespace

void add_event_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/api/events", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    auto q = query_of(p.query);
    if (auto* bad = std::get_if<Response>(&q)) return respond(std::move(*bad));
    s.notifications.poll(std::get<actors::NotificationQuery>(std::move(q)), [respond](Result<actors::NotificationPage> page) {
      if (!page && page.error().code == Errc::exhausted) {
        auto busy = error_response(bhttp::status::service_unavailable, "busy", page.error().message);
        busy.set(bhttp::field::retry_after, "1");
        return respond(std::move(busy));
      }
      if (!page) return respond(storage_response());
      respond(json_response(bhttp::status::ok, notification_page_json(*page)));
    });
  });
}

}  // namespace bitacora::http
