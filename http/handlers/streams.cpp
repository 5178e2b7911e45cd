// GET /api/streams/{stream}/events and GET /api/streams/{stream}/state (API.md §5), operators
// only. `{stream}` may be URL-encoded (`product%2Fsku-1`) or plain (`/api/streams/product/sku-1/events`).
#include <boost/asio/post.hpp>

#include <charconv>

#include "http/auth.hpp"
#include "http/params.hpp"
#include "http/routes.hpp"
#include "http/url.hpp"
#include "support/json_writer.hpp"

namespace bitacora::http {
namespace {

constexpr std::size_t kDefaultLimit = 1000;
constexpr std::size_t kMaxLimit = 10000;

std::optional<std::uint64_t> parse_number(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || ptr != text->data() + text->size()) return std::nullopt;
  return n;
}

bool ends_with(const std::string& rest, std::string_view suffix) {
  return rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ?as_of=RFC3339 or ?seq=N (not both; neither: now) → the state after the stream's last event
// within it, as `bitacora replay --last` prints it.
void stream_state(Services& s, std::string stream, const RouteParams& p, Respond respond) {
  auto as_of = time_param(p.query, "as_of");
  if (auto* bad = std::get_if<Response>(&as_of)) return respond(std::move(*bad));
  auto seq_text = query_param(p.query, "seq");
  auto seq = parse_number(seq_text);
  if (seq_text && !seq_text->empty() && !seq) return respond(bad_parameter("seq", "expected a non-negative integer"));
  const auto at = std::get<std::optional<Micros>>(as_of);
  if (at && seq) return respond(bad_parameter("seq", "give as_of or seq, not both"));
  post_blocking(s, [&s, stream = std::move(stream), max_seq = seq.value_or(UINT64_MAX),
                                 max_at = at.value_or(INT64_MAX), respond] {
    auto found = s.streams.state_at(stream, max_seq, max_at);
    if (!found && found.error().code == Errc::data_loss)
      return respond(error_response(bhttp::status::internal_server_error, "data_loss", found.error().message));
    if (!found) return respond(storage_response());
    if (!*found) return respond(error_response(bhttp::status::not_found, "not_found", "the stream has no events by then"));
    const auto& f = **found;
    JsonWriter w;
    w.begin_object();
    events::write_fields(w, f.last.seq, f.last.envelope);
    w.key("state").raw(f.state_json).end_object();
    respond(json_response(bhttp::status::ok, std::move(w).str()));
  });
}

}  // namespace

void add_stream_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/api/streams/{stream...}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    // The pattern captures the rest of the path: it must end in "/events" or "/state".
    const std::string& rest = p[0];
    if (ends_with(rest, "/state")) return stream_state(s, rest.substr(0, rest.size() - 6), p, std::move(respond));
    constexpr std::string_view suffix = "/events";
    if (!ends_with(rest, suffix))
      return respond(error_response(bhttp::status::not_found, "not_found", "use /api/streams/{stream}/events or /state"));
    std::string stream = rest.substr(0, rest.size() - suffix.size());

    auto from_text = query_param(p.query, "from_version");
    auto limit_text = query_param(p.query, "limit");
    auto from = parse_number(from_text);
    auto limit = parse_number(limit_text);
    if (from_text && !from_text->empty() && !from)
      return respond(error_response(bhttp::status::bad_request, "invalid_parameter", "from_version: expected a non-negative integer",
                                    json_member("field", "from_version")));
    if (limit_text && !limit_text->empty() && (!limit || *limit < 1 || *limit > kMaxLimit))
      return respond(error_response(bhttp::status::bad_request, "invalid_parameter", "limit: expected an integer from 1 to 10000",
                                    json_member("field", "limit")));

    post_blocking(s, [&s, stream = std::move(stream), from = from.value_or(1),
                                   limit = static_cast<std::size_t>(limit.value_or(kDefaultLimit)), respond]() {
      auto page = s.streams.read(stream, from, limit);
      if (!page) return respond(storage_response());
      JsonWriter w;
      w.begin_object().key("items").begin_array();
      for (const auto& ev : page->events) w.raw(events::to_json(ev.seq, ev.envelope));
      w.end_array();
      page->next_from_version ? w.field("next_from_version", *page->next_from_version) : w.key("next_from_version").null();
      w.end_object();
      respond(json_response(bhttp::status::ok, std::move(w).str()));
    });
  });
}

}  // namespace bitacora::http
