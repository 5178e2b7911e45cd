#include "support/log.hpp"
#include "http/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <random>

#include "http/server.hpp"

namespace bitacora::http {

namespace {
spdlog::logger& log() { return module_logger("http"); }
spdlog::logger& access_log() { return module_logger("access"); }

constexpr std::size_t kMaxRequestId = 128;

// A client's X-Request-Id is kept when it is 1 to 128 of A-Z a-z 0-9 . _ : - (it goes into logs
// and back into a header); anything else is replaced by one made here.
bool valid_request_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestId && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  auto bits = random();
  for (char& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}
}  // namespace

namespace net = boost::asio;
namespace beast = boost::beast;

Session::Session(net::ip::tcp::socket socket, Server& server, net::ip::address address)
    : stream_(std::move(socket)), server_(server), address_(std::move(address)) {}

Session::~Session() { server_.on_session_closed(this); }

void Session::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
}

void Session::drain() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::idle) self->close();
  });
}

void Session::evict() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::idle) self->close();
  });
}

std::optional<std::chrono::steady_clock::time_point> Session::idle_since() const {
  const auto ticks = idle_since_.load(std::memory_order_relaxed);
  if (ticks == 0) return std::nullopt;
  return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(ticks));
}

void Session::wait_for_request() {
  if (server_.draining()) return close();
  state_ = State::idle;
  if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
  idle_since_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  // Wait for the first byte of the next request: briefly on a new connection (one that never
  // sends anything only holds a slot), up to the idle timeout on a keep-alive one.
  stream_.expires_after(std::chrono::seconds(served_ ? server_.options().idle_timeout_seconds
                                                     : server_.options().first_byte_timeout_seconds));
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->buffer_.commit(n);
    if (ec) return self->close();
    self->read_header();
  });
}

void Session::read_header() {
  state_ = State::reading;
  idle_since_.store(0, std::memory_order_relaxed);
  started_ = std::chrono::steady_clock::now();
  route_ = "unmatched";
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
  parser_->body_limit(server_.options().max_body_bytes);
  // From its first byte, the whole request must arrive within the read timeout (slow clients).
  stream_.expires_after(std::chrono::seconds(server_.options().read_timeout_seconds));
  bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_header(ec);
  });
}

void Session::on_header(beast::error_code ec) {
  if (ec) return fail_read(ec);
  if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
    auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
    bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
      if (wec) return self->close();
      self->read_body();
    });
    return;
  }
  read_body();
}

void Session::read_body() {
  if (parser_->is_done()) return on_body({});
  bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_body(ec);
  });
}

void Session::on_body(beast::error_code ec) {
  if (ec) return fail_read(ec);
  request_ = parser_->release();
  parser_.reset();
  dispatch();
}

void Session::fail_read(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    state_ = State::busy;
    return send(error_response(bhttp::status::payload_too_large, "payload_too_large",
                               "the body is larger than " + std::to_string(server_.options().max_body_bytes) + " bytes"),
                true);
  }
  if (ec == bhttp::error::header_limit) {
    state_ = State::busy;
    return send(error_response(bhttp::status::request_header_fields_too_large, "headers_too_large",
                               "the header block is larger than " + std::to_string(server_.options().max_header_bytes) + " bytes"),
                true);
  }
  const auto& http_errors = bhttp::make_error_code(bhttp::error::end_of_stream).category();
  if (ec.category() == http_errors && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    state_ = State::busy;
    return send(error_response(bhttp::status::bad_request, "bad_request", "the request is not valid HTTP/1.1"), true);
  }
  close();  // end of stream, timeout, reset: nobody to answer
}

void Session::dispatch() {
  state_ = State::busy;
  const std::string_view given = request_["X-Request-Id"];
  request_id_ = valid_request_id(given) ? std::string(given) : new_request_id();
  auto match = server_.router().match(request_.method(), request_.target());
  if (!match.handler) {
    route_ = match.path_known ? "known_path" : "unmatched";
    return send(match.path_known
                    ? error_response(bhttp::status::method_not_allowed, "method_not_allowed",
                                     "this path does not take " + std::string(request_.method_string()))
                    : error_response(bhttp::status::not_found, "not_found", "no such route"));
  }
  route_ = match.pattern;
  Respond respond = [self = shared_from_this()](Response res) {
    net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  };
  RequestScope scope(request_id_);  // every line the handler logs on this thread names the request
  try {
    (*match.handler)(request_, match.params, std::move(respond));
  } catch (const std::exception& e) {
    log().error("handler for {} threw: {}", route_, e.what());
    send(error_response(bhttp::status::internal_server_error, "internal_error", "the server failed this request"));
  }
}

void Session::send(Response res, bool force_close) {
  if (state_ == State::closed) return;
  const bool close_after = force_close || server_.draining() || !request_.keep_alive();
  res.keep_alive(!close_after);
  if (request_id_.empty()) request_id_ = new_request_id();  // refused before dispatch (413, 431, 400)
  res.set("X-Request-Id", request_id_);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  server_.record(route_, res.result_int(), seconds);
  // The route's pattern, never the raw target: what a client sent does not reach the log.
  if (server_.options().access_log) {
    RequestScope scope(request_id_);  // the line ends " request_id=<id>" (a member in JSON)
    access_log().info("{} {} {} {} {:.3f}ms", std::string_view(request_.method_string()).substr(0, 16),
                      route_.empty() ? std::string_view("-") : route_, res.result_int(), res.body().size(), seconds * 1000);
  }
  response_ = std::make_shared<Response>(std::move(res));
  stream_.expires_after(std::chrono::seconds(server_.options().read_timeout_seconds));
  bhttp::async_write(stream_, *response_, [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
    self->on_written(close_after, ec);
  });
}

void Session::on_written(bool close_after, beast::error_code ec) {
  served_ = true;
  response_.reset();
  request_ = {};
  request_id_.clear();
  if (ec || close_after) return close();
  wait_for_request();
}

void Session::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  idle_since_.store(0, std::memory_order_relaxed);
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace bitacora::http
