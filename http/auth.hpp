// Authorization checks of API.md: the operators' bearer token. Pure; thread-safe.
#pragma once

#include <optional>

#include "http/context.hpp"
#include "http/message.hpp"

namespace bitacora::http {

// nullopt when the request carries `Authorization: Bearer <admin_token>`; else the 401 to send.
[[nodiscard]] std::optional<Response> require_admin(const Request& req, const AuthOptions& auth);

}  // namespace bitacora::http
