// Reading JSON responses in tests: parse once, then look fields up by JSON pointer.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace bitacora::testing {

class Json {
 public:
  explicit Json(const std::string& text) : padded_(text) {
    if (parser_.parse(padded_).get(root_)) throw std::runtime_error("not JSON: " + text.substr(0, 200));
  }
  [[nodiscard]] simdjson::dom::element at(const std::string& pointer) const {
    simdjson::dom::element e;
    if (root_.at_pointer(pointer).get(e)) throw std::runtime_error("no " + pointer);
    return e;
  }
  [[nodiscard]] bool has(const std::string& pointer) const {
    simdjson::dom::element e;
    return !root_.at_pointer(pointer).get(e);
  }
  [[nodiscard]] std::string str(const std::string& pointer) const { return std::string(at(pointer).get_string().value()); }
  [[nodiscard]] std::int64_t num(const std::string& pointer) const { return at(pointer).get_int64().value(); }
  [[nodiscard]] bool is_null(const std::string& pointer) const { return at(pointer).is_null(); }
  [[nodiscard]] std::size_t size(const std::string& pointer) const { return at(pointer).get_array().size(); }

 private:
  simdjson::padded_string padded_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

}  // namespace bitacora::testing
