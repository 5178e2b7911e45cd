// JsonWriter: builds compact JSON text into a string, for responses, event payloads and exports.
// The caller keeps the nesting right (object/array begin/end pair up); keys and strings are escaped,
// and bytes that are not well-formed UTF-8 come out as U+FFFD, so the text always parses (callers
// that must keep such bytes store them encoded beside it: events/json_fields.hpp's Bytes).
// Not thread-safe; one writer per document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bitacora {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  // Inserts already-serialised JSON (e.g. a stored payload) as a value.
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& field(std::string_view k, T&& v) {
    key(k);
    return value(std::forward<T>(v));
  }

  [[nodiscard]] const std::string& str() const& { return out_; }
  [[nodiscard]] std::string str() && { return std::move(out_); }

 private:
  void comma();
  std::string out_;
  bool need_comma_ = false;
};

// Appends `s` JSON-escaped (without quotes) to `out`; malformed UTF-8 as \ufffd.
void json_escape(std::string& out, std::string_view s);

}  // namespace bitacora
