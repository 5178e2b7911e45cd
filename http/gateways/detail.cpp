#include "http/gateways/detail.hpp"

#include <charconv>

#include "support/crypto.hpp"

namespace bitacora::http::gateways::detail {

std::string event_type(std::string_view type) { return valid_name(type, 128) ? std::string(type) : "unknown"; }

std::string order_reference(std::optional<std::string_view> reference) {
  return reference && valid_identifier(*reference) ? std::string(*reference) : std::string();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  std::int64_t value = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (s.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

void for_each_pair(std::string_view header, const std::function<void(std::string_view, std::string_view)>& visit) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view piece = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    visit(trim(piece.substr(0, eq)), trim(piece.substr(eq + 1)));
  }
}

bool within_tolerance(std::int64_t t, std::int64_t now_s, int tolerance_s) {
  if (tolerance_s < 0) return false;
  // The distance between two int64 values always fits in uint64.
  const auto distance = t >= now_s
                            ? static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(now_s)
                            : static_cast<std::uint64_t>(now_s) - static_cast<std::uint64_t>(t);
  return distance <= static_cast<std::uint64_t>(tolerance_s);
}

std::optional<std::string> standard_webhooks_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (secret.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto key = crypto::base64_decode(secret.substr(prefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::optional<simdjson::dom::element> parse_object(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  if (!root.is_object()) return std::nullopt;
  return root;
}

std::optional<simdjson::dom::element> find(simdjson::dom::element root,
                                           std::string_view dotted_path) {
  simdjson::dom::element current = root;
  while (true) {
    const std::size_t dot = dotted_path.find('.');
    const std::string_view key = dotted_path.substr(0, dot);
    simdjson::dom::object object;
    if (current.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
    if (object.at_key(key).get(current) != simdjson::SUCCESS) return std::nullopt;
    if (dot == std::string_view::npos) return current;
    dotted_path.remove_prefix(dot + 1);
  }
}

std::optional<std::string_view> string_at(simdjson::dom::element root,
                                          std::string_view dotted_path) {
  const auto value = find(root, dotted_path);
  std::string_view text;
  if (!value || value->get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return text;
}

std::optional<std::string> scalar_text(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(value.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(value.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return std::to_string(value.get_uint64().value_unsafe());
    default:
      return std::nullopt;
  }
}

}  // namespace bitacora::http::gateways::detail
