// Shoppers' JWTs (http/jwt.hpp): the whole input as a token, verified with a fixed secret and now;
// then the input as a payload, signed the way sign_jwt_hs256 does, which must never be refused for
// its algorithm or signature — under the default policy and under one that names another user
// claim, an issuer and an audience.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz/check.hpp"
#include "http/jwt.hpp"

using namespace bitacora;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Secret secret{"dev-only-jwt-secret-change-me"};  // config/dev.toml
  constexpr std::int64_t now_s = 1767225600;                    // 2026-01-01T00:00:00Z
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto verdict = http::verify_jwt(input, secret, now_s, 30);
  if (const auto* claims = std::get_if<http::JwtClaims>(&verdict)) FUZZ_CHECK(!claims->sub.empty());
  (void)http::verify_jwt(input, Secret{}, now_s);

  static const http::JwtPolicy strict{"user_id", "https://shop.example", "bitacora", 30};
  const auto token = http::sign_jwt_hs256(input, secret.reveal());
  for (const auto& policy : {http::JwtPolicy{}, strict}) {
    const auto signed_verdict = http::verify_jwt(token, secret, now_s, policy);
    if (const auto* e = std::get_if<http::JwtError>(&signed_verdict)) {
      FUZZ_CHECK(*e != http::JwtError::unsupported_algorithm && *e != http::JwtError::bad_signature);
      FUZZ_CHECK(token.size() <= http::kMaxJwtBytes || *e == http::JwtError::malformed);
    } else {
      FUZZ_CHECK(!std::get<http::JwtClaims>(signed_verdict).sub.empty());
    }
  }
  return 0;
}
