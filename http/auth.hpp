// Authorization checks of API.md: operators' bearer tokens and shoppers' JWTs. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "http/context.hpp"
#include "http/message.hpp"

namespace bitacora::http {

// The operator whose token the request carries (`Authorization: Bearer <token>`): "admin" for the
// admin token, else the named operator whose token_sha256 it matches. Every configured token is
// compared, in constant time, whichever matches.
struct Operator {
  std::string name;
};
[[nodiscard]] std::variant<Operator, Response> authenticate_operator(const Request& req, const AuthOptions& auth);

// nullopt when the request carries an operator's token; else the 401 to send.
[[nodiscard]] std::optional<Response> require_admin(const Request& req, const AuthOptions& auth);

// Who is asking: a shopper (the JWT's `sub`) or an operator.
struct Caller {
  std::string user;      // empty for an operator
  bool admin = false;    // an operator
  std::string operator_name{};  // the operator's name when `admin`
};

// A shopper's HS256 JWT (API.md §4), or — where `admin_allowed` — an operator's token; else the 401.
[[nodiscard]] std::variant<Caller, Response> authenticate(const Request& req, const AuthOptions& auth,
                                                          std::int64_t now_s, bool admin_allowed = false);

}  // namespace bitacora::http
