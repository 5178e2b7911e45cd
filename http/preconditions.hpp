// Conditional requests on versioned resources (carts, products, orders; docs/api.md
// "Conditional requests"): the version is the resource's stream version, sent as a strong ETag
// `"7"`. If-None-Match on a read answers 304; If-Match on a write makes it conditional, decided
// where the version is (the aggregate's actor), never by a read beforehand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"

namespace bitacora::http {

[[nodiscard]] std::string etag(std::uint64_t version);  // "\"7\""
// The answer with `ETag: "<version>"`.
[[nodiscard]] Response with_etag(Response res, std::uint64_t version);

// `If-Match: "7"` (also 7 or W/"7") → 7; absent or `*` → nullopt; anything else → 400
// {"error":"invalid_request","field":"If-Match"}.
[[nodiscard]] std::variant<std::optional<std::uint64_t>, Response> if_match(const Request& req);

// If-None-Match names this version (a list, weak tags and `*` included): the read answers 304.
[[nodiscard]] bool not_modified(const Request& req, std::uint64_t version);
[[nodiscard]] Response not_modified_response(std::uint64_t version);  // 304, ETag, no body

// 412 {"error":"precondition_failed","message", "<name>": <the current resource>}.
[[nodiscard]] Response precondition_failed(std::string_view name, std::string_view message, const std::string& resource_json,
                                           std::uint64_t version);

}  // namespace bitacora::http
