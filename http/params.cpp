#include "http/params.hpp"

#include <charconv>

#include "http/json_body.hpp"
#include "http/url.hpp"

namespace bitacora::http {

Response bad_parameter(std::string_view name, std::string_view why) {
  return error_response(bhttp::status::bad_request, "invalid_parameter", std::string(name) + ": " + std::string(why),
                        json_member("field", name));
}

std::variant<std::size_t, Response> limit_param(std::string_view query, std::string_view name, std::size_t fallback,
                                                std::size_t max) {
  auto text = query_param(query, name);
  if (!text || text->empty()) return fallback;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || ptr != text->data() + text->size() || n < 1 || n > max)
    return bad_parameter(name, "expected an integer from 1 to " + std::to_string(max));
  return n;
}

std::variant<std::optional<std::uint64_t>, Response> number_param(std::string_view query, std::string_view name,
                                                                 std::uint64_t max, std::string_view expected) {
  auto text = query_param(query, name);
  if (!text || text->empty()) return std::optional<std::uint64_t>();
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || ptr != text->data() + text->size() || n > max) return bad_parameter(name, expected);
  return std::optional<std::uint64_t>(n);
}

std::variant<std::optional<Micros>, Response> time_param(std::string_view query, std::string_view name) {
  auto text = query_param(query, name);
  if (!text || text->empty()) return std::optional<Micros>();
  auto t = parse_rfc3339(*text);
  if (!t || *t < 0) return bad_parameter(name, "expected an RFC 3339 time such as 2026-12-01T00:00:00Z");
  return t;
}

std::variant<std::string, Response> note_of(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  JsonBody json(body);
  auto note = json.optional_string("note", kMaxNoteLength);
  if (auto error = json.error()) return std::move(*error);
  return note.value_or("");
}

}  // namespace bitacora::http
