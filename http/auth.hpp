// Authorization checks of API.md: the operators' bearer token. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "http/context.hpp"
#include "http/message.hpp"

namespace bitacora::http {

// nullopt when the request carries `Authorization: Bearer <admin_token>`; else the 401 to send.
[[nodiscard]] std::optional<Response> require_admin(const Request& req, const AuthOptions& auth);

// Who is asking: a shopper (the JWT's `sub`) or an operator (the admin token).
struct Caller {
  std::string user;   // empty for an operator
  bool admin = false;
};

// A shopper's HS256 JWT (API.md §4), or — where `admin_allowed` — the admin token; else the 401.
[[nodiscard]] std::variant<Caller, Response> authenticate(const Request& req, const AuthOptions& auth,
                                                          std::int64_t now_s, bool admin_allowed = false);

}  // namespace bitacora::http
