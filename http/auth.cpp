#include "http/auth.hpp"

#include "support/crypto.hpp"

namespace bitacora::http {

std::optional<Response> require_admin(const Request& req, const AuthOptions& auth) {
  auto unauthorized = [](std::string_view message) {
    auto res = error_response(bhttp::status::unauthorized, "unauthorized", message);
    res.set(bhttp::field::www_authenticate, "Bearer");
    return res;
  };
  if (auth.admin_token.empty()) return unauthorized("no admin token is configured (auth.admin_token)");
  std::string_view header = req[bhttp::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() <= prefix.size() || !boost::beast::iequals(header.substr(0, prefix.size()), prefix))
    return unauthorized("send Authorization: Bearer <admin token>");
  // Hash both sides so the comparison takes the same time whatever the lengths.
  if (!crypto::equal_constant_time(crypto::sha256_hex(header.substr(prefix.size())),
                                   crypto::sha256_hex(auth.admin_token.reveal())))
    return unauthorized("the admin token is not valid");
  return std::nullopt;
}

}  // namespace bitacora::http
