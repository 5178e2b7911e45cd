// ApiClient: asynchronous GET requests to gateway APIs (Mercado Pago's payments, …), on its own
// I/O thread. One connection per request, a deadline for the whole exchange, and for https TLS
// with certificate and host-name verification against the system's trust store (and, if given,
// a PEM file of further authorities: a proxy's or a test's). Thread-safe:
// get() may be called from any thread; `done` runs on the client's thread (keep it short).
#pragma once

#include <chrono>
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
  std::chrono::milliseconds timeout = std::chrono::seconds(10);  // for a whole exchange
  std::string ca_file;  // PEM certificates trusted besides the system's; empty: the system's only
};

class ApiClient {
 public:
  explicit ApiClient(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Errc::invalid_argument, naming the file, when options.ca_file holds no certificate it can read.
  [[nodiscard]] static Result<std::unique_ptr<ApiClient>> open(const ApiClientOptions& options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `url` is http://host[:port]/path or https://…. A connection, TLS or timeout failure is
  // Errc::unavailable; any HTTP status is a response.
  void get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
           std::function<void(Result<ApiResponse>)> done);

 private:
  struct Impl;
  explicit ApiClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitacora::http::gateways
