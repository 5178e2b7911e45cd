// URL pieces: percent-decoding, query-string lookup, path splitting. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bitacora::http {

// Decodes %XX escapes (and '+' as space when `plus_as_space`). nullopt on a malformed escape.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space = false);

// The decoded value of the first `name=` parameter in a raw query string (no leading '?').
// A parameter present without '=' yields an empty string; absent → nullopt.
[[nodiscard]] std::optional<std::string> query_param(std::string_view query, std::string_view name);

// Splits a target "/a/b?x=1" into path "/a/b" and query "x=1".
struct Target {
  std::string_view path;
  std::string_view query;
};
[[nodiscard]] Target split_target(std::string_view target);

}  // namespace bitacora::http
