// Reading what a request adds to its route: query parameters (a bounded limit, an RFC 3339 time)
// and the optional {"note"} body of an operator's action, each with the 400 to send when it is
// malformed ({"error":"invalid_parameter","field"} for queries, {"error":"invalid_request","field"} for bodies).
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"
#include "support/time.hpp"

namespace bitacora::http {

// 400 {"error":"invalid_parameter","message":"<name>: <why>","field":"<name>"}.
[[nodiscard]] Response bad_parameter(std::string_view name, std::string_view why);

// ?<name>= as an integer from 1 to `max`; `fallback` when absent or empty.
[[nodiscard]] std::variant<std::size_t, Response> limit_param(std::string_view query, std::string_view name,
                                                              std::size_t fallback, std::size_t max);

// ?<name>= as an integer from 0 to `max`; nullopt when absent or empty; else a 400 saying `expected`.
[[nodiscard]] std::variant<std::optional<std::uint64_t>, Response> number_param(std::string_view query, std::string_view name,
                                                                                std::uint64_t max, std::string_view expected);

// ?<name>= as an RFC 3339 time; nullopt when absent or empty.
[[nodiscard]] std::variant<std::optional<Micros>, Response> time_param(std::string_view query, std::string_view name);

// An operator's note: the body's optional "note" (at most 500 characters); "" for an empty body.
inline constexpr std::size_t kMaxNoteLength = 500;
[[nodiscard]] std::variant<std::string, Response> note_of(std::string_view body);

}  // namespace bitacora::http
