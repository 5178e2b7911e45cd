// Key encodings of the column families (DESIGN.md "Storage layout"). Big-endian integers so that
// RocksDB's bytewise order is numeric order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bitacora::storage::keys {

[[nodiscard]] inline std::string be64(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

[[nodiscard]] inline std::optional<std::uint64_t> read_be64(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// `streams` family: the stream id escaped, 0x00, version (BE). The escape makes the key
// unambiguous whatever the id holds: 0x00 is written 0x01 0x01 and 0x01 is written 0x01 0x02, so
// no escaped id contains 0x00 and one id's prefix never matches another's entries. Ids without
// those bytes (every id bitacora makes: names are checked at the edge) are written as they are, so
// logs written before the escape read the same.
inline void append_escaped_stream(std::string& k, std::string_view stream) {
  for (char c : stream) {
    if (c == '\0' || c == '\1') {
      k.push_back('\1');
      k.push_back(c == '\0' ? '\1' : '\2');
    } else {
      k.push_back(c);
    }
  }
}

// The bytes every entry of `stream` starts with: the escaped id and 0x00.
[[nodiscard]] inline std::string stream_prefix(std::string_view stream) {
  std::string k;
  k.reserve(stream.size() + 9);
  append_escaped_stream(k, stream);
  k.push_back('\0');
  return k;
}

[[nodiscard]] inline std::string stream_entry(std::string_view stream, std::uint64_t version) {
  std::string k = stream_prefix(stream);
  k += be64(version);
  return k;
}

// `timers` family: due time (µs since epoch, BE), kind, 0x00, target — so a forward scan yields
// timers in due order. Kind and target never contain 0x00.
[[nodiscard]] inline std::string timer(std::uint64_t due_us, std::string_view kind, std::string_view target) {
  std::string k = be64(due_us);
  k.append(kind);
  k.push_back('\0');
  k.append(target);
  return k;
}

struct TimerParts {
  std::uint64_t due_us = 0;
  std::string_view kind;
  std::string_view target;
};

[[nodiscard]] inline std::optional<TimerParts> read_timer(std::string_view key) {
  if (key.size() < 9) return std::nullopt;
  auto due = read_be64(key.substr(0, 8));
  auto rest = key.substr(8);
  auto sep = rest.find('\0');
  if (!due || sep == std::string_view::npos) return std::nullopt;
  return TimerParts{*due, rest.substr(0, sep), rest.substr(sep + 1)};
}

}  // namespace bitacora::storage::keys
