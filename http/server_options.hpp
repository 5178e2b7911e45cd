// Options of the HTTP server ([server] in the TOML file, API.md §7). Defaults are the values below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "http/jwt.hpp"
#include "support/secret.hpp"

namespace bitacora::http {

struct ServerOptions {
  std::string host = "127.0.0.1";           // [server] listen = "host:port"
  std::uint16_t port = 8080;                // port 0 picks a free port (logged and written to the data dir)
  std::size_t max_body_bytes = 1048576;     // larger bodies → 413
  std::size_t max_header_bytes = 16384;     // larger header blocks → 431
  std::size_t max_connections = 4096;       // past this, an idle connection makes room, else the new one is closed
                                            // (lowered at start to fit the open-files limit, see app/serve.cpp)
  std::size_t max_connections_per_address = 256;  // from one client address; 0: no limit (behind a proxy)
  int first_byte_timeout_seconds = 5;       // a new connection must start a request within this
  int idle_timeout_seconds = 60;            // keep-alive connection with no request
  int read_timeout_seconds = 15;            // a request must arrive whole within this
  int threads = 1;                          // I/O threads
  int shutdown_grace_seconds = 10;          // SIGTERM: time in-flight requests get to finish
  bool access_log = true;                   // [log] access: one line per request ("access" module, info)
};

// A named operator ([operators.<name>] token_sha256): only the SHA-256 of their token is kept.
struct OperatorToken {
  std::string name;          // [a-z0-9_-]{1,64}, never "admin" (the admin token's) nor "owner"
  std::string token_sha256;  // 64 lower-case hex digits
};

// [auth]: the shoppers' JWT key (HS256) and the operators' bearer tokens — the admin token (the
// operator "admin") and the named operators'.
struct AuthOptions {
  Secret jwt_secret;
  Secret admin_token;
  std::vector<OperatorToken> operators;
  JwtPolicy jwt{};  // [auth] user_claim, issuer, audience
};

// [http]: the conventions frontends rely on (docs/api.md "Conventions").
struct HttpOptions {
  std::vector<std::string> cors_origins{};  // origins allowed on shopper routes ("*": any); empty: no CORS
  bool serve_demo = false;                  // the demo storefront at /demo/
  int idempotency_ttl_seconds = 86'400;     // how long an Idempotency-Key's answer is kept
};

}  // namespace bitacora::http
