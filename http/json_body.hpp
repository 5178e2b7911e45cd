// Reading request bodies: a JSON object whose fields are looked up with their expected type, and
// the 400 to send when one is missing or of the wrong type. Not thread-safe; one per request.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "support/text.hpp"

namespace bitacora::http {

class JsonBody {
 public:
  explicit JsonBody(std::string_view body);

  // nullopt when the body is a JSON object; else the 400 to send.
  [[nodiscard]] std::optional<Response> error() const;
  [[nodiscard]] const simdjson::dom::object& object() const { return object_; }

  // Required fields: record the first problem (see error()) and return a default when absent.
  std::string string(const char* key, std::size_t max_length = 1024);
  std::int64_t integer(const char* key);
  // Optional field: nullopt when absent (a wrong type is still an error).
  std::optional<std::string> optional_string(const char* key, std::size_t max_length = 1024);
  // Optional fields that may also be null: nullopt when absent or null.
  std::optional<std::string> nullable_string(const char* key, std::size_t max_length = 1024);
  std::optional<std::int64_t> nullable_integer(const char* key);
  // An array of at most `max_items` strings of at most `max_length` each.
  std::optional<std::vector<std::string>> nullable_strings(const char* key, std::size_t max_items, std::size_t max_length);
  bool boolean(const char* key, bool absent);
  // The member itself, or nullopt when absent or null.
  std::optional<simdjson::dom::element> nullable(const char* key);

 private:
  void fail(std::string message, const char* field);
  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
  std::optional<std::string> problem_;
  std::string field_;
};

// Identifiers in paths and bodies (skus, order references) are checked with support/text.hpp's
// valid_identifier: 1–64 of [A-Za-z0-9._-].

}  // namespace bitacora::http
