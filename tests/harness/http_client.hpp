// A small blocking HTTP/1.1 client over loopback for tests: one keep-alive connection, reopened
// when the server closes it. Not thread-safe: one client per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bitacora::testing {

struct HttpResponse {
  int status = 0;  // 0: no response (connection failed or closed)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // why status is 0
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Connect from this local address (another loopback address, 127.0.0.2, is another client).
  void bind_to(std::string local_address) { local_address_ = std::move(local_address); }
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = {},
                       const Headers& headers = {});
  HttpResponse get(const std::string& target, const Headers& headers = {}) { return request("GET", target, {}, headers); }
  HttpResponse post(const std::string& target, const std::string& body, const Headers& headers = {}) {
    return request("POST", target, body, headers);
  }
  HttpResponse put(const std::string& target, const std::string& body, const Headers& headers = {}) {
    return request("PUT", target, body, headers);
  }
  HttpResponse del(const std::string& target, const Headers& headers = {}) { return request("DELETE", target, {}, headers); }
  void disconnect();

 private:
  bool connect(std::string& error);
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  std::string local_address_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace bitacora::testing
