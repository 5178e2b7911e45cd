#include "tests/harness/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

#include <cctype>

namespace bitacora::testing {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {}

bool HttpClient::connect(std::string& error) {
  stream_.emplace(ioc_);
  buffer_.clear();
  beast::error_code ec;
  stream_->expires_after(timeout_);
  if (!local_address_.empty()) {
    stream_->socket().open(net::ip::tcp::v4(), ec);
    if (!ec) stream_->socket().bind({net::ip::make_address(local_address_), 0}, ec);
  }
  if (!ec) stream_->socket().connect({net::ip::make_address("127.0.0.1"), port_}, ec);
  if (ec) {
    error = "connect: " + ec.message();
    stream_.reset();
    return false;
  }
  return true;
}

void HttpClient::disconnect() {
  if (!stream_) return;
  beast::error_code ec;
  stream_->socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.reset();
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const Headers& headers) {
  HttpResponse out;
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() && req[bhttp::field::content_type].empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();

  // A kept-alive connection may have been closed by the server since: retry once on a fresh one,
  // but only when nothing at all came back (the request may not have been seen).
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!stream_ && !connect(out.error)) return out;
    beast::error_code ec;
    stream_->expires_after(timeout_);
    bhttp::write(*stream_, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) bhttp::read(*stream_, buffer_, parser, ec);
    if (ec) {
      out.error = ec.message();
      bool stale = attempt == 0 && (ec == bhttp::error::end_of_stream || ec == net::error::connection_reset ||
                                    ec == net::error::broken_pipe);
      disconnect();
      if (stale) continue;
      return out;
    }
    auto res = parser.release();
    out.status = res.result_int();
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.error.clear();
    if (!res.keep_alive()) disconnect();
    return out;
  }
  return out;
}

}  // namespace bitacora::testing
