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

// The claims bitacora uses; any other claim (iat, jti, ...) is ignored.
struct JwtClaims {
  std::string sub;                  // the shopper's user id (the policy's user_claim): a valid name, never empty
  std::optional<std::int64_t> exp;  // seconds since the epoch; a fractional exp is truncated
};

// What a token must say besides its signature ([auth] user_claim, issuer, audience).
struct JwtPolicy {
  std::string user_claim = "sub";  // the claim naming the shopper; `sub` must be a string, any other
                                   // claim may also be a non-negative integer (Django SimpleJWT's user_id)
  std::string issuer{};            // when set, `iss` must equal it
  std::string audience{};          // when set, `aud` (a string or an array of strings) must name it
  std::int64_t leeway_s = 0;       // for exp and nbf
};

enum class JwtError {
  malformed,              // not three base64url parts, JSON that is not an object, a non-numeric exp,
                          // or longer than kMaxJwtBytes
  unsupported_algorithm,  // the header's "alg" is missing or anything but "HS256"
  bad_signature,          // HMAC mismatch, or the secret is empty
  expired,                // now_s > exp + leeway_s
  not_yet_valid,          // now_s < nbf - leeway_s (a non-numeric nbf is malformed)
  wrong_issuer,           // the policy names an issuer and `iss` is absent or another
  wrong_audience,         // the policy names an audience and `aud` does not include it
  missing_subject,        // the user claim absent, empty or not a string (an integer, for a claim other than sub)
  invalid_subject,        // the user claim longer than 256 bytes or holding a control character: it names
                          // the shopper's cart stream, so it must be a valid name (support/text.hpp)
};

inline constexpr std::size_t kMaxJwtBytes = 8192;

[[nodiscard]] const char* to_string(JwtError e);

// Checks in this order: shape and base64url ('=' padding tolerated), header JSON, algorithm,
// signature (constant time), payload JSON, exp and nbf are numbers, the user claim (present, then
// a valid name), expiry, not-before, issuer, audience. A payload that is not JSON is therefore
// reported as bad_signature unless it was signed with the secret. A negative leeway counts as 0.
[[nodiscard]] std::variant<JwtClaims, JwtError> verify_jwt(std::string_view token, const Secret& secret,
                                                           std::int64_t now_s, const JwtPolicy& policy);
// The default policy (user id in `sub`, no issuer or audience) with this leeway.
[[nodiscard]] std::variant<JwtClaims, JwtError> verify_jwt(std::string_view token, const Secret& secret,
                                                           std::int64_t now_s, std::int64_t leeway_s = 0);

// For tests and benchmarks: header {"alg":"HS256","typ":"JWT"}, the payload bytes as given, unpadded.
[[nodiscard]] std::string sign_jwt_hs256(std::string_view payload_json, std::string_view secret);

}  // namespace bitacora::http
