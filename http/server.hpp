// Server: the Boost.Beast HTTP/1.1 server — acceptor, keep-alive sessions, limits, and graceful
// shutdown. It knows nothing of bitacora's resources: requests go to the Router.
//
// Limits (ServerOptions): body > max_body_bytes → 413; header block > max_header_bytes → 431;
// an idle keep-alive connection is closed after idle_timeout_seconds; a request must arrive whole
// within read_timeout_seconds of its first byte; connections past max_connections are closed at
// once. Responses to unknown paths are 404, to a known path with another method 405.
//
// Threads: run() runs the io_context on `threads` threads and returns when the server has stopped.
// shutdown() may be called from any thread: it stops accepting, closes idle connections, lets
// in-flight requests finish (their responses carry `Connection: close`) for up to
// shutdown_grace_seconds, then stops.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/router.hpp"
#include "http/server_options.hpp"
#include "support/metrics.hpp"

namespace bitacora::http {

class Session;

class Server {
 public:
  Server(ServerOptions options, Router router, metrics::Registry& metrics);
  ~Server();

  // Binds and listens; throws std::system_error if the address cannot be bound.
  void listen();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  void run();
  void shutdown();

  [[nodiscard]] boost::asio::io_context& io_context() noexcept { return ioc_; }
  [[nodiscard]] const ServerOptions& options() const noexcept { return options_; }
  [[nodiscard]] const Router& router() const noexcept { return router_; }
  [[nodiscard]] bool draining() const noexcept { return draining_.load(); }

  // Request accounting for /metrics, called by sessions.
  void record(std::string_view route, unsigned status, double seconds);

 private:
  friend class Session;
  void accept();
  void on_session_closed(Session* s);
  void stop_when_idle();

  // Declaration order matters: sessions still queued in ioc_ are destroyed with it and report to
  // the members above it, so ioc_ and acceptor_ come last.
  ServerOptions options_;
  Router router_;
  metrics::Registry& metrics_;
  metrics::Counter& rejected_connections_;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<bool> draining_{false};
  std::uint16_t port_ = 0;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace bitacora::http
