// Session: one keep-alive HTTP connection. Reads a request (header, then body, within the limits),
// hands it to the router, writes the response, and reads again. All its work runs on its strand.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "http/message.hpp"

namespace bitacora::http {

class Server;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, Server& server, boost::asio::ip::address address);
  ~Session();
  void start();
  // Called on shutdown: an idle connection closes now, a busy one after its response.
  void drain();
  // Called when the server is full and this connection has waited longest for a request: it
  // closes if it is still waiting (a request that began meanwhile is served).
  void evict();
  // Since when the connection has been waiting for a request (its first, or the next on a
  // keep-alive connection); nullopt while a request is being read or served. Any thread.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> idle_since() const;
  [[nodiscard]] const boost::asio::ip::address& address() const noexcept { return address_; }

 private:
  void wait_for_request();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void dispatch();
  void send(Response res, bool force_close = false);
  void on_written(bool close, boost::beast::error_code ec);
  void fail_read(boost::beast::error_code ec);
  void close();

  enum class State { idle, reading, busy, closed };

  boost::beast::tcp_stream stream_;
  Server& server_;
  const boost::asio::ip::address address_;
  bool served_ = false;  // a request has been answered on this connection
  // idle_since() as steady_clock ticks; 0 while not idle. Written on the strand, read by the acceptor.
  std::atomic<std::chrono::steady_clock::rep> idle_since_{0};
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  std::shared_ptr<Response> response_;
  State state_ = State::idle;
  std::string_view route_;
  std::string request_id_;  // X-Request-Id: the client's when valid, else made here; echoed and logged
  std::chrono::steady_clock::time_point started_;
};

}  // namespace bitacora::http
