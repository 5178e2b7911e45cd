#include "http/auth.hpp"

#include "http/jwt.hpp"
#include "support/crypto.hpp"

namespace bitacora::http {

namespace {

Response unauthorized(std::string_view message) {
  auto res = error_response(bhttp::status::unauthorized, "unauthorized", message);
  res.set(bhttp::field::www_authenticate, "Bearer");
  return res;
}

// The token of `Authorization: Bearer <token>`, or nullopt.
std::optional<std::string_view> bearer(const Request& req) {
  std::string_view header = req[bhttp::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() <= prefix.size() || !boost::beast::iequals(header.substr(0, prefix.size()), prefix))
    return std::nullopt;
  return header.substr(prefix.size());
}

bool is_admin_token(std::string_view token, const AuthOptions& auth) {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  return !auth.admin_token.empty() &&
         crypto::equal_constant_time(crypto::sha256_hex(token), crypto::sha256_hex(auth.admin_token.reveal()));
}

}  // namespace

std::optional<Response> require_admin(const Request& req, const AuthOptions& auth) {
  if (auth.admin_token.empty()) return unauthorized("no admin token is configured (auth.admin_token)");
  auto token = bearer(req);
  if (!token) return unauthorized("send Authorization: Bearer <admin token>");
  if (!is_admin_token(*token, auth)) return unauthorized("the admin token is not valid");
  return std::nullopt;
}

std::variant<Caller, Response> authenticate(const Request& req, const AuthOptions& auth, std::int64_t now_s,
                                            bool admin_allowed) {
  auto token = bearer(req);
  if (!token) return unauthorized("send Authorization: Bearer <JWT>");
  if (admin_allowed && is_admin_token(*token, auth)) return Caller{{}, true};
  auto verdict = verify_jwt(*token, auth.jwt_secret, now_s);
  if (auto* error = std::get_if<JwtError>(&verdict))
    return unauthorized(std::string("the token is not valid: ") + to_string(*error));
  return Caller{std::get<JwtClaims>(verdict).sub, false};
}

}  // namespace bitacora::http
