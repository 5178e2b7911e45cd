// ApiClient: asynchronous GET requests to gateway APIs (Mercado Pago's payments, …), on its own
// I/O thread. One connection per request; one deadline for the whole exchange, name resolution
// included; for https, TLS with certificate and host-name verification against the system's trust
// store (and, if given, a PEM file of further authorities: a proxy's or a test's).
//
// Bounded: at most `max_in_flight` exchanges at once; up to `max_queued` more wait their turn (their
// deadline starts when they start); past that a call fails at once with Errc::unavailable.
// Hostile input never reaches the wire: a URL whose path holds anything but visible ASCII, or a
// '?' or '#', is refused (Errc::invalid_argument), whoever builds it.
//
// Thread-safe: get() may be called from any thread; `done` runs on the client's thread (keep it
// short), exactly once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/result.hpp"

namespace bitacora::http::gateways {

struct ApiResponse {
  int status = 0;
  std::string body;
};

struct ApiClientOptions {
  std::chrono::milliseconds timeout = std::chrono::seconds(10);  // for a whole exchange, DNS included
  std::string ca_file;  // PEM certificates trusted besides the system's; empty: the system's only
  std::size_t max_in_flight = 16;  // exchanges at once
  std::size_t max_queued = 1024;   // calls waiting for a turn; more fail at once
};

class ApiClient {
 public:
  explicit ApiClient(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Errc::invalid_argument, naming the file, when options.ca_file holds no certificate it can read.
  [[nodiscard]] static Result<std::unique_ptr<ApiClient>> open(const ApiClientOptions& options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `url` is http://host[:port]/path or https://…. A connection, name resolution, TLS or timeout
  // failure, or a full queue, is Errc::unavailable; a URL that is not one (see above)
  // Errc::invalid_argument; any HTTP status is a response.
  void get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
           std::function<void(Result<ApiResponse>)> done);

 private:
  struct Impl;
  explicit ApiClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitacora::http::gateways
