// GET /api/streams/{stream}/events (API.md §5), admin only. `{stream}` may be URL-encoded
// (`product%2Fsku-1`) or plain (`/api/streams/product/sku-1/events`).
#include <boost/asio/post.hpp>

#include <charconv>

#include "http/auth.hpp"
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

}  // namespace

void add_stream_routes(Router& router, Services& s) {
  router.add(bhttp::verb::get, "/api/streams/{stream...}", [&s](const Request& req, const RouteParams& p, Respond respond) {
    if (auto denied = require_admin(req, s.auth)) return respond(std::move(*denied));
    // The pattern captures the rest of the path: it must end in "/events".
    constexpr std::string_view suffix = "/events";
    const std::string& rest = p[0];
    if (rest.size() <= suffix.size() || rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0)
      return respond(error_response(bhttp::status::not_found, "not_found", "use /api/streams/{stream}/events"));
    std::string stream = rest.substr(0, rest.size() - suffix.size());

    auto from_text = query_param(p.query, "from_version");
    auto limit_text = query_param(p.query, "limit");
    auto from = parse_number(from_text);
    auto limit = parse_number(limit_text);
    if (from_text && !from_text->empty() && !from)
      return respond(error_response(bhttp::status::bad_request, "invalid_parameter", "from_version: expected a non-negative integer",
                                    json_member("parameter", "from_version")));
    if (limit_text && !limit_text->empty() && (!limit || *limit < 1 || *limit > kMaxLimit))
      return respond(error_response(bhttp::status::bad_request, "invalid_parameter", "limit: expected an integer from 1 to 10000",
                                    json_member("parameter", "limit")));

    boost::asio::post(s.blocking, [&s, stream = std::move(stream), from = from.value_or(1),
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
