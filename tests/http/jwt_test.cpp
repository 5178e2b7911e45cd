#include "http/jwt.hpp"

#include <catch2/catch.hpp>

#include <limits>

using bitacora::Secret;
using bitacora::http::JwtClaims;
using bitacora::http::JwtError;
using bitacora::http::sign_jwt_hs256;
using bitacora::http::verify_jwt;

// Fixed vectors made by an independent implementation (Python 3 standard library), so that
// verify_jwt is not only checked against its own signer:
//
//   import base64, hashlib, hmac, json
//   def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
//   def enc(obj, compact=True):
//       return b64(json.dumps(obj, separators=(",", ":") if compact else None).encode())
//   def jwt(header, payload, secret, digest=hashlib.sha256, compact=True):
//       h = header if isinstance(header, str) else enc(header, compact)
//       p = payload if isinstance(payload, str) else enc(payload, compact)
//       sig = b64(hmac.new(secret, f"{h}.{p}".encode(), digest).digest())
//       return f"{h}.{p}.{sig}"
//   S = b"bitacora-test-secret"
//   HS256 = {"alg": "HS256", "typ": "JWT"}
//
// Each constant below names the call that made it.
namespace {

const Secret kSecret{"bitacora-test-secret"};
constexpr std::int64_t kNow = 1700000000;

// jwt(HS256, {"sub": "user-42", "exp": 1700003600}, S)
constexpr const char* kValid =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNzAwMDAzNjAwfQ."
    "z8sV0BUqtRjUFKDJbnwxxOGZN_fYoHjkrqGvryoLHUY";
// jwt(HS256, {"sub": "user-7"}, S)
constexpr const char* kNoExp =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTcifQ."
    "Q-M5cSGqgKA5oNXTmbqeoX35ZQjCBk4c_HjIGa1I0pk";
// jwt({"typ": "JWT", "alg": "HS256"}, {"sub": "user-9", "exp": 1700003600}, S, compact=False)
constexpr const char* kSpacedJson =
    "eyJ0eXAiOiAiSldUIiwgImFsZyI6ICJIUzI1NiJ9.eyJzdWIiOiAidXNlci05IiwgImV4cCI6IDE3MDAwMDM2MDB9."
    "3kL7MfBQQ4NnIyjPkkdepTdJU8QwrpoPKGvs97xdW8A";
// jwt(HS256, {"sub": "user-42", "exp": 1700003600}, b"some-other-secret")
constexpr const char* kWrongSecret =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNzAwMDAzNjAwfQ."
    "4XTxJHB8YIsZGV1rOWLdHiIkktMXReYbtaoEdmgU5gA";
// jwt(HS256, {"sub": "user-42", "exp": 1699999000}, S)
constexpr const char* kExpired =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNjk5OTk5MDAwfQ."
    "x4XjNk9ap7_2wgyF3hex-SlzR9m4V7YKcY5-sZbHUHs";
// jwt(HS256, {"sub": "user-42", "exp": 1700000000.9}, S)
constexpr const char* kFloatExp =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNzAwMDAwMDAwLjl9."
    "DB98m_uETaFvCTt25_BFxHWzkgZhDaYZcyq9RBuBjlg";
// jwt(HS256, {"sub": "user-42", "exp": "1700003600"}, S)
constexpr const char* kStringExp =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoiMTcwMDAwMzYwMCJ9."
    "bQ-WQ-Ip6GjHGiz2hAmcYUytq9nZY9g6Cq_acM1JmFc";
// f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc({'sub': 'admin'})}."
constexpr const char* kNoneUnsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9.";
// jwt({"alg": "none", "typ": "JWT"}, {"sub": "admin"}, S)
constexpr const char* kNoneSigned =
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9."
    "9BDa2oHTQ_uDdt8QDcUfA5y6X6Ah47yWRxDGwT1Hsu8";
// jwt({"alg": "HS512", "typ": "JWT"}, {"sub": "user-42"}, S, hashlib.sha512)
constexpr const char* kHs512 =
    "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0."
    "uw6IrOcPZHjsCTZv_IUjZ3g56ipAclWB7RH9GgMgQUxs6flsgu3C2Y-a4MYK7WKqPu7xtNxBe3OoRsFFYPpR9A";
// jwt({"alg": "RS256", "typ": "JWT"}, {"sub": "user-42"}, S) — HMAC'd with S: algorithm confusion
constexpr const char* kRs256 =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0."
    "I9JW-7hZpNOxHMbTgtx6FFTKJkQYhpWBEI1u2hGYO0Q";
// jwt({"typ": "JWT"}, {"sub": "user-42"}, S)
constexpr const char* kNoAlg =
    "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyLTQyIn0.1NbB34C_uxM3flAoGcueBJCHsbyo_98nqnQWdMo03_w";
// kValid's header and signature around enc({"sub": "admin", "exp": 1700003600})
constexpr const char* kTampered =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMzYwMH0."
    "z8sV0BUqtRjUFKDJbnwxxOGZN_fYoHjkrqGvryoLHUY";
// jwt(HS256, b64(b"not json"), S)
constexpr const char* kNotJsonPayload =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.bm90IGpzb24.7KScGZOHxEhqZN-fBzZK-WKM3ShyxIeikllbf2X4VNs";
// jwt(HS256, b64(b'["user-42"]'), S)
constexpr const char* kArrayPayload =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.WyJ1c2VyLTQyIl0.mvS6_DkKYkwHBFgy3EoScfcIechJPCA5ga4u7Xjk_9s";
// jwt(HS256, {"exp": 1700003600}, S)
constexpr const char* kNoSub =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDM2MDB9."
    "yjAlSYudvX_DJCqyWV2hXX8uS_VS0M3wxoo1kYRGupo";
// jwt(HS256, {"sub": 42}, S)
constexpr const char* kNumericSub =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOjQyfQ.V3QqsaofZXe5lMmMd-_R-FSaipOaImqX4NxgkQmi3Uo";
// jwt(HS256, {"sub": ""}, S)
constexpr const char* kEmptySub =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIifQ.yv2wK_kpL3_LmSyXekSOAvQOzNsTf-tF_V4CdUL37cM";
// jwt(HS256, {"sub": "user-42"}, b"")
constexpr const char* kEmptySecret =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0.Fv1PNf6ZGxPCkfu-3vbYB0MEWpQ5f31nomMVEJdp898";

JwtClaims accepted(std::string_view token, std::int64_t now = kNow, std::int64_t leeway = 0) {
  auto result = verify_jwt(token, kSecret, now, leeway);
  if (auto* error = std::get_if<JwtError>(&result)) FAIL("refused: " << to_string(*error));
  return std::get<JwtClaims>(result);
}

JwtError refused(std::string_view token, const Secret& secret = kSecret, std::int64_t now = kNow) {
  auto result = verify_jwt(token, secret, now);
  if (std::holds_alternative<JwtClaims>(result)) FAIL("accepted: " << std::get<JwtClaims>(result).sub);
  return std::get<JwtError>(result);
}

}  // namespace

TEST_CASE("a token signed by an independent implementation is accepted", "[jwt]") {
  const auto claims = accepted(kValid);
  CHECK(claims.sub == "user-42");
  CHECK(claims.exp == std::optional<std::int64_t>{1700003600});
}

TEST_CASE("a token without exp never expires", "[jwt]") {
  const auto claims = accepted(kNoExp, 4102444800);  // year 2100
  CHECK(claims.sub == "user-7");
  CHECK_FALSE(claims.exp.has_value());
}

TEST_CASE("the header is read as JSON, whatever its spacing and key order", "[jwt]") {
  CHECK(accepted(kSpacedJson).sub == "user-9");
}

TEST_CASE("base64url padding is tolerated, and signed as it is written", "[jwt]") {
  // A producer that pads signs the padded text, so the padding is part of the signing input:
  //   e = lambda o: base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).decode()
  //   h, p = e(HS256), e({"sub": "user-7"})
  //   sig = base64.urlsafe_b64encode(hmac.new(S, f"{h}.{p}".encode(), hashlib.sha256).digest()).decode()
  const std::string padded = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTcifQ==."
                             "5FAaifUOuxN-2tRHcodlVMHGhjGp9Tx6kXoUMvY7SVs=";
  CHECK(accepted(padded).sub == "user-7");
  // Padding the signature of an unpadded token changes nothing.
  CHECK(accepted(std::string(kNoExp) + "=").sub == "user-7");
  // Padding the payload after signing changes the signing input.
  const std::string repadded = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTcifQ==."
                               "Q-M5cSGqgKA5oNXTmbqeoX35ZQjCBk4c_HjIGa1I0pk";
  CHECK(refused(repadded) == JwtError::bad_signature);
}

TEST_CASE("a token signed with another secret has a bad signature", "[jwt]") {
  CHECK(refused(kWrongSecret) == JwtError::bad_signature);
  CHECK(refused(kValid, Secret{"some-other-secret"}) == JwtError::bad_signature);
}

TEST_CASE("an empty secret verifies nothing, not even a token signed with the empty key", "[jwt]") {
  CHECK(refused(kEmptySecret, Secret{}) == JwtError::bad_signature);
  CHECK(refused(kValid, Secret{}) == JwtError::bad_signature);
}

TEST_CASE("a token past its exp is expired, unless within the leeway", "[jwt]") {
  CHECK(refused(kExpired) == JwtError::expired);
  CHECK(accepted(kExpired, kNow, 1000).sub == "user-42");  // now == exp + leeway still passes
  CHECK(std::get<JwtError>(verify_jwt(kExpired, kSecret, kNow, 999)) == JwtError::expired);
  CHECK(accepted(kExpired, 1699999000).exp == std::optional<std::int64_t>{1699999000});
}

TEST_CASE("a fractional exp is truncated to whole seconds", "[jwt]") {
  CHECK(accepted(kFloatExp).exp == std::optional<std::int64_t>{1700000000});
  CHECK(refused(kFloatExp, kSecret, kNow + 1) == JwtError::expired);
}

TEST_CASE("an exp beyond 64 bits saturates instead of overflowing", "[jwt]") {
  const auto far_future = [](std::string_view exp) {
    return sign_jwt_hs256(R"({"sub":"u","exp":)" + std::string(exp) + "}", kSecret.reveal());
  };
  CHECK(accepted(far_future("1e300")).exp == std::numeric_limits<std::int64_t>::max());
  CHECK(accepted(far_future("18446744073709551615")).exp == std::numeric_limits<std::int64_t>::max());
  CHECK(accepted(far_future("9223372036854775807"), kNow, std::numeric_limits<std::int64_t>::max()).sub == "u");
  CHECK(refused(far_future("-1e300")) == JwtError::expired);
}

TEST_CASE("an exp that is not a number makes the token malformed", "[jwt]") {
  CHECK(refused(kStringExp) == JwtError::malformed);
}

TEST_CASE("alg none is refused with or without a signature", "[jwt]") {
  CHECK(refused(kNoneUnsigned) == JwtError::unsupported_algorithm);
  CHECK(refused(kNoneSigned) == JwtError::unsupported_algorithm);
}

TEST_CASE("a correctly signed HS512 token is refused for its algorithm", "[jwt]") {
  CHECK(refused(kHs512) == JwtError::unsupported_algorithm);
}

TEST_CASE("an RS256 header is refused even when HMAC'd with the secret", "[jwt]") {
  CHECK(refused(kRs256) == JwtError::unsupported_algorithm);
}

TEST_CASE("a header without alg is refused for its algorithm", "[jwt]") {
  CHECK(refused(kNoAlg) == JwtError::unsupported_algorithm);
}

TEST_CASE("the algorithm is judged before the signature", "[jwt]") {
  CHECK(refused(kNoneSigned, Secret{"wrong"}) == JwtError::unsupported_algorithm);
  CHECK(refused(kHs512, Secret{}) == JwtError::unsupported_algorithm);
}

TEST_CASE("a payload changed after signing has a bad signature", "[jwt]") {
  CHECK(refused(kTampered) == JwtError::bad_signature);
}

TEST_CASE("a signature spelled with different unused trailing bits is refused", "[jwt]") {
  // kValid's signature ends in 'Y' (011000); 'Z' (011001) decodes to the same 32 bytes.
  std::string respelled = kValid;
  respelled.back() = 'Z';
  CHECK(refused(respelled) == JwtError::bad_signature);
}

TEST_CASE("a token without exactly three base64url parts is malformed", "[jwt]") {
  const std::string valid = kValid;
  const std::string two_parts = valid.substr(0, valid.rfind('.'));
  CHECK(refused(two_parts) == JwtError::malformed);
  CHECK(refused(valid + ".") == JwtError::malformed);
  CHECK(refused(valid + ".eyJ9") == JwtError::malformed);
  CHECK(refused("") == JwtError::malformed);
  CHECK(refused("..") == JwtError::malformed);
  std::string bad_base64 = valid;
  bad_base64[valid.find('.') + 3] = '*';
  CHECK(refused(bad_base64) == JwtError::malformed);
  std::string standard_alphabet = valid;
  standard_alphabet[valid.rfind('_')] = '/';  // '_' is in kValid's signature
  CHECK(refused(standard_alphabet) == JwtError::malformed);
}

TEST_CASE("a header that is not a JSON object is malformed", "[jwt]") {
  // b64(b"HS256") and b64(b'["HS256"]') in front of kValid's payload and signature.
  const std::string rest = std::string(kValid).substr(std::string(kValid).find('.'));
  CHECK(refused("SFMyNTY" + rest) == JwtError::malformed);
  CHECK(refused("WyJIUzI1NiJd" + rest) == JwtError::malformed);
}

TEST_CASE("a signed payload that is not a JSON object is malformed", "[jwt]") {
  CHECK(refused(kNotJsonPayload) == JwtError::malformed);
  CHECK(refused(kArrayPayload) == JwtError::malformed);
}

TEST_CASE("a token longer than 8192 bytes is malformed", "[jwt]") {
  const std::string big_payload = R"({"sub":"user-42","pad":")" + std::string(8000, 'x') + R"("})";
  const std::string token = sign_jwt_hs256(big_payload, kSecret.reveal());
  REQUIRE(token.size() > 8192);
  CHECK(refused(token) == JwtError::malformed);
}

TEST_CASE("a token without a string subject is refused for its subject", "[jwt]") {
  CHECK(refused(kNoSub) == JwtError::missing_subject);
  CHECK(refused(kNumericSub) == JwtError::missing_subject);
  CHECK(refused(kEmptySub) == JwtError::missing_subject);
}

TEST_CASE("a subject with a control character or past 256 bytes is refused: it names a cart stream", "[jwt]") {
  CHECK(refused(sign_jwt_hs256(R"({"sub":"victim\u0000ZZ"})", kSecret.reveal())) == JwtError::invalid_subject);
  CHECK(refused(sign_jwt_hs256(R"({"sub":"line\nbreak"})", kSecret.reveal())) == JwtError::invalid_subject);
  CHECK(refused(sign_jwt_hs256(R"({"sub":")" + std::string(257, 'a') + R"("})", kSecret.reveal())) ==
        JwtError::invalid_subject);
  auto ok = verify_jwt(sign_jwt_hs256(R"({"sub":")" + std::string(256, 'a') + R"("})", kSecret.reveal()), kSecret, 0);
  CHECK(std::holds_alternative<JwtClaims>(ok));
}

TEST_CASE("sign_jwt_hs256 matches the independent implementation byte for byte", "[jwt]") {
  CHECK(sign_jwt_hs256(R"({"sub":"user-42","exp":1700003600})", kSecret.reveal()) == kValid);
  CHECK(sign_jwt_hs256(R"({"sub":"user-7"})", kSecret.reveal()) == kNoExp);
}

TEST_CASE("a token from sign_jwt_hs256 round-trips through verify_jwt", "[jwt]") {
  const auto token = sign_jwt_hs256(R"({"sub":"shopper-1","exp":1700000060,"iat":1700000000})",
                                    kSecret.reveal());
  const auto claims = accepted(token);
  CHECK(claims.sub == "shopper-1");
  CHECK(claims.exp == std::optional<std::int64_t>{1700000060});
}

TEST_CASE("every error has a name", "[jwt]") {
  CHECK(std::string(to_string(JwtError::malformed)) == "malformed");
  CHECK(std::string(to_string(JwtError::unsupported_algorithm)) == "unsupported_algorithm");
  CHECK(std::string(to_string(JwtError::bad_signature)) == "bad_signature");
  CHECK(std::string(to_string(JwtError::expired)) == "expired");
  CHECK(std::string(to_string(JwtError::missing_subject)) == "missing_subject");
}

TEST_CASE("the policy names the user claim: sub stays a string, another claim may be an integer", "[jwt]") {
  bitacora::http::JwtPolicy policy;
  policy.user_claim = "user_id";
  auto check = [&](const std::string& payload) { return verify_jwt(sign_jwt_hs256(payload, kSecret.reveal()), kSecret, 0, policy); };
  CHECK(std::get<JwtClaims>(check(R"({"user_id":42})")).sub == "42");
  CHECK(std::get<JwtClaims>(check(R"({"user_id":"u-9"})")).sub == "u-9");
  CHECK(std::get<JwtError>(check(R"({"sub":"u-9"})")) == JwtError::missing_subject);
  CHECK(std::get<JwtError>(check(R"({"user_id":-1})")) == JwtError::missing_subject);
  CHECK(std::get<JwtError>(check(R"({"user_id":1.5})")) == JwtError::missing_subject);
  CHECK(std::get<JwtError>(check(R"({"user_id":""})")) == JwtError::missing_subject);
}

TEST_CASE("nbf, issuer and audience are checked when the token or the policy asks", "[jwt]") {
  bitacora::http::JwtPolicy policy;
  policy.issuer = "https://shop.example";
  policy.audience = "bitacora";
  policy.leeway_s = 5;
  auto check = [&](const std::string& payload, std::int64_t now = 1000) {
    return verify_jwt(sign_jwt_hs256(payload, kSecret.reveal()), kSecret, now, policy);
  };
  const std::string who = R"("sub":"ana","iss":"https://shop.example")";
  CHECK(std::holds_alternative<JwtClaims>(check("{" + who + R"(,"aud":"bitacora"})")));
  CHECK(std::holds_alternative<JwtClaims>(check("{" + who + R"(,"aud":["x","bitacora"]})")));
  CHECK(std::get<JwtError>(check("{" + who + R"(,"aud":["x"]})")) == JwtError::wrong_audience);
  CHECK(std::get<JwtError>(check("{" + who + R"(,"aud":7})")) == JwtError::wrong_audience);
  CHECK(std::get<JwtError>(check("{" + who + "}")) == JwtError::wrong_audience);
  CHECK(std::get<JwtError>(check(R"({"sub":"ana","aud":"bitacora"})")) == JwtError::wrong_issuer);
  CHECK(std::get<JwtError>(check(R"({"sub":"ana","iss":"https://shop.example/","aud":"bitacora"})")) == JwtError::wrong_issuer);
  // nbf within the leeway passes; beyond it the token is not valid yet; a non-number is malformed.
  CHECK(std::holds_alternative<JwtClaims>(check("{" + who + R"(,"aud":"bitacora","nbf":1005})")));
  CHECK(std::get<JwtError>(check("{" + who + R"(,"aud":"bitacora","nbf":1006})")) == JwtError::not_yet_valid);
  CHECK(std::get<JwtError>(check("{" + who + R"(,"aud":"bitacora","nbf":"soon"})")) == JwtError::malformed);
  // Without a policy's issuer or audience, the token's are ignored.
  CHECK(std::holds_alternative<JwtClaims>(verify_jwt(sign_jwt_hs256(R"({"sub":"ana","iss":"x","aud":"y"})", kSecret.reveal()), kSecret, 0)));
  CHECK(std::string(to_string(JwtError::not_yet_valid)) == "not_yet_valid");
  CHECK(std::string(to_string(JwtError::wrong_issuer)) == "wrong_issuer");
  CHECK(std::string(to_string(JwtError::wrong_audience)) == "wrong_audience");
}
