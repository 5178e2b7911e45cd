#include "http/preconditions.hpp"

#include <charconv>

namespace bitacora::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "7", 7 or W/"7" → 7.
std::optional<std::uint64_t> version_of(std::string_view tag) {
  tag = trim(tag);
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), n);
  if (tag.empty() || ec != std::errc() || ptr != tag.data() + tag.size()) return std::nullopt;
  return n;
}

}  // namespace

std::string etag(std::uint64_t version) { return "\"" + std::to_string(version) + "\""; }

Response with_etag(Response res, std::uint64_t version) {
  res.set(bhttp::field::etag, etag(version));
  return res;
}

std::variant<std::optional<std::uint64_t>, Response> if_match(const Request& req) {
  std::string_view v = trim(req[bhttp::field::if_match]);
  if (v.empty() || v == "*") return std::optional<std::uint64_t>();
  auto n = version_of(v);
  if (!n)
    return error_response(bhttp::status::bad_request, "invalid_request", "If-Match must be one version such as \"3\"",
                          json_member("field", "If-Match"));
  return n;
}

bool not_modified(const Request& req, std::uint64_t version) {
  std::string_view list = trim(req[bhttp::field::if_none_match]);
  if (list.empty()) return false;
  if (list == "*") return true;
  while (!list.empty()) {
    auto comma = list.find(',');
    if (auto n = version_of(list.substr(0, comma)); n && *n == version) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Response not_modified_response(std::uint64_t version) {
  Response res{bhttp::status::not_modified, 11};
  res.set(bhttp::field::etag, etag(version));
  res.prepare_payload();  // no body, so no Content-Length either
  return res;
}

Response precondition_failed(std::string_view name, std::string_view message, const std::string& resource_json,
                             std::uint64_t version) {
  std::string extra = "\"";
  extra.append(name).append("\":").append(resource_json);
  return with_etag(error_response(bhttp::status::precondition_failed, "precondition_failed", message, extra), version);
}

}  // namespace bitacora::http
