#include "http/jwt.hpp"

#include <limits>

#include <simdjson.h>

#include "support/crypto.hpp"
#include "support/text.hpp"

namespace bitacora::http {

namespace {

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";
constexpr auto kMaxI64 = std::numeric_limits<std::int64_t>::max();
constexpr auto kMinI64 = std::numeric_limits<std::int64_t>::min();

struct Parts {
  std::string_view header_b64, payload_b64, signature_b64;
  std::string header, payload;
};

// Splits on exactly two dots and decodes the three parts; nullopt when any of that fails.
std::optional<Parts> split(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  Parts p{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
          {}, {}};
  auto header = crypto::base64url_decode(p.header_b64);
  auto payload = crypto::base64url_decode(p.payload_b64);
  if (!header || !payload || !crypto::base64url_decode(p.signature_b64)) return std::nullopt;
  p.header = std::move(*header);
  p.payload = std::move(*payload);
  return p;
}

// One parser per thread: elements it returns live until its next parse.
simdjson::dom::parser& parser() {
  thread_local simdjson::dom::parser instance;
  return instance;
}

std::optional<simdjson::dom::object> parse_object(std::string_view json) {
  simdjson::dom::object object;
  if (parser().parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) return std::nullopt;
  return object;
}

// A JSON number as whole seconds: integers as they are (saturated), doubles truncated (saturated).
std::optional<std::int64_t> seconds(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64: return value.get_int64().value_unsafe();
    case simdjson::dom::element_type::UINT64: return kMaxI64;  // only values above INT64_MAX land here
    case simdjson::dom::element_type::DOUBLE: {
      const double d = value.get_double().value_unsafe();
      // 2^63 is exact as a double; anything at or beyond it would be undefined to convert.
      if (d >= 9223372036854775808.0) return kMaxI64;
      if (d <= -9223372036854775808.0) return kMinI64;
      return static_cast<std::int64_t>(d);
    }
    default: return std::nullopt;
  }
}

}  // namespace

const char* to_string(JwtError e) {
  switch (e) {
    case JwtError::malformed: return "malformed";
    case JwtError::unsupported_algorithm: return "unsupported_algorithm";
    case JwtError::bad_signature: return "bad_signature";
    case JwtError::expired: return "expired";
    case JwtError::not_yet_valid: return "not_yet_valid";
    case JwtError::wrong_issuer: return "wrong_issuer";
    case JwtError::wrong_audience: return "wrong_audience";
    case JwtError::missing_subject: return "missing_subject";
    case JwtError::invalid_subject: return "invalid_subject";
  }
  return "unknown";
}

std::variant<JwtClaims, JwtError> verify_jwt(std::string_view token, const Secret& secret, std::int64_t now_s,
                                             std::int64_t leeway_s) {
  JwtPolicy policy;
  policy.leeway_s = leeway_s;
  return verify_jwt(token, secret, now_s, policy);
}

std::variant<JwtClaims, JwtError> verify_jwt(std::string_view token, const Secret& secret,
                                             std::int64_t now_s, const JwtPolicy& policy) {
  if (token.size() > kMaxJwtBytes) return JwtError::malformed;
  auto parts = split(token);
  if (!parts) return JwtError::malformed;

  // The algorithm is settled before any key touches the token: no "none", no algorithm confusion.
  {
    auto header = parse_object(parts->header);
    if (!header) return JwtError::malformed;
    std::string_view alg;
    if (header->at_key("alg").get_string().get(alg) != simdjson::SUCCESS || alg != "HS256") {
      return JwtError::unsupported_algorithm;
    }
  }

  if (secret.empty()) return JwtError::bad_signature;
  // Comparing the canonical text (not the decoded bytes) also refuses a signature whose last
  // character carries different unused bits: one signature, one spelling.
  std::string_view signature = parts->signature_b64;
  while (!signature.empty() && signature.back() == '=') signature.remove_suffix(1);
  const std::string signing_input =
      std::string(parts->header_b64).append(".").append(parts->payload_b64);
  const auto mac = crypto::hmac_sha256(secret.reveal(), signing_input);
  const std::string expected = crypto::base64url(
      std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  if (!crypto::equal_constant_time(expected, signature)) return JwtError::bad_signature;

  auto payload = parse_object(parts->payload);
  if (!payload) return JwtError::malformed;

  JwtClaims claims;
  simdjson::dom::element exp;
  if (payload->at_key("exp").get(exp) == simdjson::SUCCESS) {
    claims.exp = seconds(exp);
    if (!claims.exp) return JwtError::malformed;
  }
  std::optional<std::int64_t> nbf;
  simdjson::dom::element nbf_element;
  if (payload->at_key("nbf").get(nbf_element) == simdjson::SUCCESS) {
    nbf = seconds(nbf_element);
    if (!nbf) return JwtError::malformed;
  }
  const std::string_view claim = policy.user_claim.empty() ? std::string_view("sub") : std::string_view(policy.user_claim);
  simdjson::dom::element user;
  if (payload->at_key(claim).get(user) != simdjson::SUCCESS) return JwtError::missing_subject;
  std::string_view sub;
  if (user.get_string().get(sub) == simdjson::SUCCESS) {
    if (sub.empty()) return JwtError::missing_subject;
    if (!valid_name(sub)) return JwtError::invalid_subject;
    claims.sub = std::string(sub);
  } else if (std::uint64_t id = 0; claim != "sub" && user.get_uint64().get(id) == simdjson::SUCCESS) {
    claims.sub = std::to_string(id);
  } else {
    return JwtError::missing_subject;
  }

  const std::int64_t leeway = policy.leeway_s > 0 ? policy.leeway_s : 0;
  if (claims.exp) {
    const std::int64_t deadline = *claims.exp > kMaxI64 - leeway ? kMaxI64 : *claims.exp + leeway;
    if (now_s > deadline) return JwtError::expired;
  }
  if (nbf) {
    const std::int64_t start = *nbf < kMinI64 + leeway ? kMinI64 : *nbf - leeway;
    if (now_s < start) return JwtError::not_yet_valid;
  }
  if (!policy.issuer.empty()) {
    std::string_view iss;
    if (payload->at_key("iss").get_string().get(iss) != simdjson::SUCCESS || iss != policy.issuer) return JwtError::wrong_issuer;
  }
  if (!policy.audience.empty()) {
    simdjson::dom::element aud;
    if (payload->at_key("aud").get(aud) != simdjson::SUCCESS) return JwtError::wrong_audience;
    bool named = false;
    std::string_view one;
    if (aud.get_string().get(one) == simdjson::SUCCESS) {
      named = one == policy.audience;
    } else if (simdjson::dom::array list; aud.get_array().get(list) == simdjson::SUCCESS) {
      for (auto item : list)
        if (item.get_string().get(one) == simdjson::SUCCESS && one == policy.audience) named = true;
    }
    if (!named) return JwtError::wrong_audience;
  }
  return claims;
}

std::string sign_jwt_hs256(std::string_view payload_json, std::string_view secret) {
  std::string token = crypto::base64url(kHs256Header);
  token.append(".").append(crypto::base64url(payload_json));
  const auto mac = crypto::hmac_sha256(secret, token);
  token.append(".").append(crypto::base64url(
      std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())));
  return token;
}

}  // namespace bitacora::http
