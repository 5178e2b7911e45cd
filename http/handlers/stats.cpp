// Checkout statistics (API.md §4 "Statistics"): GET /api/stats/checkouts?from=&to= (admin), from
// the `checkouts` projection, on the blocking pool.
#include <boost/asio/post.hpp>

#include <cstdio>

#include "http/auth.hpp"
#include "http/commerce_views.hpp"
#include "http/params.hpp"
#include "http/routes.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

void write_map(JsonWriter& w, std::string_view key, const std::map<std::string, std::int64_t>& m) {
  w.key(key).begin_object();
  for (const auto& [k, v] : m) w.field(k, v);
  w.end_object();
}

std::string ratio(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

}  // namespace

void add_stats_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/api/stats/checkouts", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    std::optional<Micros> bounds[2];
    const char* names[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
      auto text = query_param(p.query, names[i]);
      if (!text || text->empty()) return respond(bad_parameter(names[i], "required, an RFC 3339 time"));
      bounds[i] = parse_rfc3339(*text);
      if (!bounds[i]) return respond(bad_parameter(names[i], "expected an RFC 3339 time such as 2026-12-01T00:00:00Z"));
    }
    const Micros from = *bounds[0], to = *bounds[1];
    if (from < 0 || to <= from) return respond(bad_parameter("to", "must be after from"));
    post_blocking(s, [&s, from, to, respond] {
      auto stats = s.commerce_queries.checkout_stats(from, to);
      if (!stats && stats.error().code == Errc::invalid_argument)
        return respond(error_response(bhttp::status::unprocessable_entity, "range_too_large", stats.error().message,
                                      json_member("field", "to")));
      if (!stats) return respond(storage_response(stats.error()));
      JsonWriter w;
      w.begin_object().field("from", format_rfc3339(from)).field("to", format_rfc3339(to)).field("created", stats->created);
      for (const auto& [status, n] : stats->by_status) w.field(status, n);
      w.key("conversion_rate").raw(ratio(stats->by_status["paid"], stats->created));
      write_map(w, "revenue_in_cents", stats->revenue_in_cents);
      write_map(w, "discount_in_cents", stats->discount_in_cents);
      write_map(w, "delivery_fees_in_cents", stats->delivery_fees_in_cents);
      write_map(w, "coupon_uses", stats->coupon_uses);
      w.end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
