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

}  // namespace bitacora::http
