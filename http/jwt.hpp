// Shoppers' bearer tokens (API.md §4): verification of compact JWTs signed with HS256, and only
// HS256 — "none", HS512, RS256 and anything else are refused before the signature is looked at.
// Pure functions, no shared state beyond a per-thread JSON parser: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "support/secret.hpp"

namespace bitacora::http {

// The claims bitacora uses; any other claim (iat, nbf, aud, ...) is ignored.
struct JwtClaims {
  std::string sub;                  // the shopper's user id: a valid name, never empty
  std::optional<std::int64_t> exp;  // seconds since the epoch; a fractional exp is truncated
};

enum class JwtError {
  malformed,              // not three base64url parts, JSON that is not an object, a non-numeric exp,
                          // or longer than kMaxJwtBytes
  unsupported_algorithm,  // the header's "alg" is missing or anything but "HS256"
  bad_signature,          // HMAC mismatch, or the secret is empty
  expired,                // now_s > exp + leeway_s
  missing_subject,        // "sub" absent, empty or not a string
  invalid_subject,        // "sub" longer than 256 bytes or holding a control character: it names
                          // the shopper's cart stream, so it must be a valid name (support/text.hpp)
};

inline constexpr std::size_t kMaxJwtBytes = 8192;

[[nodiscard]] const char* to_string(JwtError e);

// Checks in this order: shape and base64url ('=' padding tolerated), header JSON, algorithm,
// signature (constant time), payload JSON, exp is a number, sub (present, then a valid name), expiry. A payload that is not JSON
// is therefore reported as bad_signature unless it was signed with the secret. A negative leeway
// counts as 0.
[[nodiscard]] std::variant<JwtClaims, JwtError> verify_jwt(std::string_view token, const Secret& secret,
                                                           std::int64_t now_s, std::int64_t leeway_s = 0);

// For tests and benchmarks: header {"alg":"HS256","typ":"JWT"}, the payload bytes as given, unpadded.
[[nodiscard]] std::string sign_jwt_hs256(std::string_view payload_json, std::string_view secret);

}  // namespace bitacora::http
