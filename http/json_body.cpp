#include "http/json_body.hpp"

namespace bitacora::http {

JsonBody::JsonBody(std::string_view body) {
  simdjson::dom::element root;
  if (parser_.parse(body.data(), body.size()).get(root) || root.get_object().get(object_))
    problem_ = "the body must be a JSON object";
}

std::optional<Response> JsonBody::error() const {
  if (!problem_) return std::nullopt;
  return error_response(bhttp::status::bad_request, "invalid_request", *problem_,
                        field_.empty() ? std::string() : json_member("field", field_));
}

void JsonBody::fail(std::string message, const char* field) {
  if (problem_) return;
  problem_ = std::move(message);
  field_ = field;
}

std::string JsonBody::string(const char* key, std::size_t max_length) {
  auto v = optional_string(key, max_length);
  if (!v && !problem_) fail(std::string(key) + " is required", key);
  return v.value_or("");
}

std::optional<std::string> JsonBody::optional_string(const char* key, std::size_t max_length) {
  if (problem_) return std::nullopt;
  simdjson::dom::element e;
  if (object_[key].get(e)) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s)) {
    fail(std::string(key) + " must be a string", key);
    return std::nullopt;
  }
  if (s.size() > max_length) {
    fail(std::string(key) + " is longer than " + std::to_string(max_length) + " characters", key);
    return std::nullopt;
  }
  return std::string(s);
}

std::int64_t JsonBody::integer(const char* key) {
  if (problem_) return 0;
  simdjson::dom::element e;
  if (object_[key].get(e)) {
    fail(std::string(key) + " is required", key);
    return 0;
  }
  std::int64_t n = 0;
  if (e.get_int64().get(n)) fail(std::string(key) + " must be an integer", key);
  return n;
}

std::optional<simdjson::dom::element> JsonBody::nullable(const char* key) {
  if (problem_) return std::nullopt;
  simdjson::dom::element e;
  if (object_[key].get(e) || e.is_null()) return std::nullopt;
  return e;
}

std::optional<std::string> JsonBody::nullable_string(const char* key, std::size_t max_length) {
  if (!nullable(key)) return std::nullopt;
  return optional_string(key, max_length);
}

std::optional<std::int64_t> JsonBody::nullable_integer(const char* key) {
  if (!nullable(key)) return std::nullopt;
  return integer(key);
}

std::optional<std::vector<std::string>> JsonBody::nullable_strings(const char* key, std::size_t max_items,
                                                                   std::size_t max_length) {
  auto e = nullable(key);
  if (!e) return std::nullopt;
  simdjson::dom::array items;
  if (e->get_array().get(items)) {
    fail(std::string(key) + " must be an array of strings", key);
    return std::nullopt;
  }
  if (items.size() > max_items) {
    fail(std::string(key) + " holds more than " + std::to_string(max_items) + " items", key);
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (auto item : items) {
    std::string_view s;
    if (item.get_string().get(s) || s.size() > max_length) {
      fail(std::string(key) + " must be an array of strings of at most " + std::to_string(max_length) + " characters", key);
      return std::nullopt;
    }
    out.emplace_back(s);
  }
  return out;
}

bool JsonBody::boolean(const char* key, bool absent) {
  auto e = nullable(key);
  if (!e) return absent;
  bool b = absent;
  if (e->get_bool().get(b)) fail(std::string(key) + " must be true or false", key);
  return b;
}

}  // namespace bitacora::http
