#include "support/text.hpp"

#include <algorithm>

namespace bitacora {

std::size_t utf8_sequence_length(std::string_view s) noexcept {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte (RFC 3629's table)
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 == 0xe0) n = 3, lo = 0xa0;
  else if (b0 == 0xed) n = 3, hi = 0x9f;  // no surrogates
  else if (b0 >= 0xe1 && b0 <= 0xef) n = 3;
  else if (b0 == 0xf0) n = 4, lo = 0x90;
  else if (b0 == 0xf4) n = 4, hi = 0x8f;  // nothing past U+10FFFF
  else if (b0 >= 0xf1 && b0 <= 0xf3) n = 4;
  else return 0;
  if (s.size() < n) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string utf8_lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  // Back up over at most three continuation bytes to the lead byte of the sequence the cut splits.
  for (std::size_t back = 0; back < 3 && end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80; ++back) --end;
  if ((static_cast<unsigned char>(s[end]) & 0xc0) != 0x80) return s.substr(0, end);
  return s.substr(0, max_bytes);  // not UTF-8 there anyway
}

bool valid_identifier(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.empty() || s.size() > max_bytes) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_name(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.empty() || s.size() > max_bytes) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) return false;
    if (n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) return false;  // C1: U+0080–U+009F
    i += n;
  }
  return true;
}

bool valid_currency(std::string_view s) noexcept {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace bitacora
