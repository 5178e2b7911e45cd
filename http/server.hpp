// Server: the Boost.Beast HTTP/1.1 server — acceptor, keep-alive sessions, limits, and graceful
// shutdown. It knows nothing of bitacora's resources: requests go to the Router.
//
// Limits (ServerOptions): body > max_body_bytes → 413; header block > max_header_bytes → 431;
// a new connection must send its first byte within first_byte_timeout_seconds, and an idle
// keep-alive connection is closed after idle_timeout_seconds; a request must arrive whole within
// read_timeout_seconds of its first byte. At max_connections, the connection idle the longest (one
// waiting for a request, never one being served) is closed to make room; when none is idle the new
// one is closed at once. One client address holds at most max_connections_per_address. Responses
// to unknown paths are 404, to a known path with another method 405.
//
// Accepting never spins: when the process is out of file descriptors (EMFILE, ENFILE) or memory,
// the acceptor waits (10 ms, doubling to 1 s) before trying again, and says so at most once in
// 10 seconds in the log.
//
// Threads: run() runs the io_context on `threads` threads and returns when the server has stopped.
// shutdown() may be called from any thread: it stops accepting, closes idle connections, lets
// in-flight requests finish (their responses carry `Connection: close`) for up to
// shutdown_grace_seconds, then stops.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <map>
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
  void on_accept_error(const boost::system::error_code& ec);
  // Whether a new connection from `address` may be taken, closing an idle one to make room when
  // the server is full. Called on the acceptor's strand; takes sessions_mu_.
  bool admit(const boost::asio::ip::address& address);
  void on_session_closed(Session* s);
  void stop_when_idle();

  // Declaration order matters: sessions still queued in ioc_ are destroyed with it and report to
  // the members above it, so ioc_ and acceptor_ come last.
  ServerOptions options_;
  Router router_;
  metrics::Registry& metrics_;
  metrics::Counter& rejected_connections_;
  metrics::Counter& rejected_per_address_;
  metrics::Counter& evicted_connections_;
  metrics::Counter& accept_errors_;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::map<boost::asio::ip::address, std::size_t> per_address_;  // open connections by client address
  std::atomic<std::size_t> connections_{0};
  // Accept errors: the back-off before the next attempt, and the rate limit of their log line.
  std::chrono::milliseconds accept_delay_{0};
  std::chrono::steady_clock::time_point accept_logged_{};
  std::size_t accept_errors_unlogged_ = 0;
  std::atomic<bool> draining_{false};
  std::uint16_t port_ = 0;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_timer_;  // the back-off after an accept error
};

}  // namespace bitacora::http
