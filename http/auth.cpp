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

bool any_operator(const AuthOptions& auth) { return !auth.admin_token.empty() || !auth.operators.empty(); }

// The operator whose token this is, or nullopt. Hashes are compared, so the time taken does not
// depend on the tokens' lengths, and every one is compared, so it does not say which matched.
std::optional<std::string> operator_of(std::string_view token, const AuthOptions& auth) {
  const std::string hash = crypto::sha256_hex(token);
  std::optional<std::string> found;
  if (!auth.admin_token.empty() && crypto::equal_constant_time(hash, crypto::sha256_hex(auth.admin_token.reveal())))
    found = "admin";
  for (const auto& op : auth.operators)
    if (crypto::equal_constant_time(hash, op.token_sha256) && !found) found = op.name;
  return found;
}

}  // namespace

std::variant<Operator, Response> authenticate_operator(const Request& req, const AuthOptions& auth) {
  if (!any_operator(auth)) return unauthorized("no operator is configured (auth.admin_token or [operators.<name>])");
  auto token = bearer(req);
  if (!token) return unauthorized("send Authorization: Bearer <operator token>");
  auto name = operator_of(*token, auth);
  if (!name) return unauthorized("the operator token is not valid");
  return Operator{std::move(*name)};
}

std::optional<Response> require_admin(const Request& req, const AuthOptions& auth) {
  auto who = authenticate_operator(req, auth);
  if (auto* denied = std::get_if<Response>(&who)) return std::move(*denied);
  return std::nullopt;
}

std::variant<Caller, Response> authenticate(const Request& req, const AuthOptions& auth, std::int64_t now_s,
                                            bool admin_allowed) {
  auto token = bearer(req);
  if (!token) return unauthorized("send Authorization: Bearer <JWT>");
  if (admin_allowed) {
    if (auto name = operator_of(*token, auth)) return Caller{{}, true, std::move(*name)};
  }
  auto verdict = verify_jwt(*token, auth.jwt_secret, now_s, auth.jwt);
  if (auto* error = std::get_if<JwtError>(&verdict))
    return unauthorized(std::string("the token is not valid: ") + to_string(*error));
  return Caller{std::get<JwtClaims>(verdict).sub, false};
}

}  // namespace bitacora::http
