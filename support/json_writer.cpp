#include "support/json_writer.hpp"

#include <charconv>

#include "support/text.hpp"

namespace bitacora {

void json_escape(std::string& out, std::string_view s) {
  static constexpr char hexd[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the bytes not yet copied: they need no escape
  std::size_t i = 0;
  auto flush = [&] { out.append(s.data() + run, i - run); };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      // Well-formed UTF-8 goes out as it is; any other byte as U+FFFD, so the text always parses
      // (simdjson refuses malformed UTF-8). Callers that must keep such bytes encode them first.
      if (const std::size_t n = utf8_sequence_length(s.substr(i)); n > 0) {
        i += n;
        continue;
      }
      flush();
      out += "\\ufffd";
      run = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hexd[c >> 4];
        out += hexd[c & 0xf];
    }
    run = ++i;
  }
  flush();
}

void JsonWriter::comma() {
  if (need_comma_) out_ += ',';
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  comma();
  out_ += '{';
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  comma();
  out_ += '[';
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  comma();
  out_ += '"';
  json_escape(out_, k);
  out_ += "\":";
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  comma();
  out_ += '"';
  json_escape(out_, s);
  out_ += '"';
  return *this;
}
JsonWriter& JsonWriter::value(std::int64_t n) {
  comma();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::value(std::uint64_t n) {
  comma();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::value(bool b) {
  comma();
  out_ += b ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::null() {
  comma();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  comma();
  out_ += json;
  return *this;
}

}  // namespace bitacora
