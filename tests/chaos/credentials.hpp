// Who the chaos clients are: shoppers with HS256 tokens and the operator with the admin token,
// both test_config()'s. (tests/harness/shop.hpp has the same, but its other helpers assert with
// Catch, which this executable does not run.) Pure; thread-safe.
#pragma once

#include <string>

#include "http/jwt.hpp"
#include "tests/harness/http_client.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::chaos {

inline testing::Headers as_shopper(const std::string& user) {
  return {{"Authorization", "Bearer " + http::sign_jwt_hs256(R"({"sub":")" + user + R"("})", "test-jwt-secret")}};
}

inline testing::Headers as_admin() { return {{"Authorization", std::string("Bearer ") + testing::secrets::admin_token}}; }

}  // namespace bitacora::chaos
