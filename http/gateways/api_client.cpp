#include "http/gateways/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <thread>

namespace bitacora::http::gateways {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using net::use_awaitable;

namespace {

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

std::optional<Url> parse_url(std::string_view url) {
  Url u;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  auto slash = url.find('/');
  auto authority = url.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
  } else {
    u.host = std::string(authority);
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.empty()) return std::nullopt;
  return u;
}

template <class Stream>
net::awaitable<ApiResponse> exchange(Stream& stream, const Url& url,
                                     const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url.target, 11};
  req.set(bhttp::field::host, url.host);
  req.set(bhttp::field::user_agent, "bitacora");
  req.set(bhttp::field::accept, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  co_await bhttp::async_write(stream, req, use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(4 * 1024 * 1024);
  co_await bhttp::async_read(stream, buffer, parser, use_awaitable);
  auto res = parser.release();
  co_return ApiResponse{static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace

struct ApiClient::Impl {
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  net::ssl::context tls{net::ssl::context::tls_client};
  std::thread thread;

  // `loaded` is set to the outcome of loading options.ca_file (success when there is none).
  Impl(const ApiClientOptions& options, boost::system::error_code& loaded) : timeout(options.timeout) {
    tls.set_default_verify_paths();
    if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file, loaded);
    tls.set_verify_mode(net::ssl::verify_peer);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Impl() {
    work.reset();
    ioc.stop();
    thread.join();
  }

  net::awaitable<ApiResponse> fetch(Url url, std::vector<std::pair<std::string, std::string>> headers) {
    auto ex = co_await net::this_coro::executor;
    net::ip::tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(url.host, url.port, use_awaitable);
    if (!url.tls) {
      beast::tcp_stream stream(ex);
      stream.expires_after(timeout);
      co_await stream.async_connect(endpoints, use_awaitable);
      co_return co_await exchange(stream, url, headers);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
    // SNI; SSL_set_tlsext_host_name is this call behind a macro with a C-style cast.
    if (!SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(url.host.c_str())))
      throw std::runtime_error("cannot set the TLS server name");
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_awaitable);
    co_await stream.async_handshake(net::ssl::stream_base::client, use_awaitable);
    co_return co_await exchange(stream, url, headers);
  }
};

ApiClient::ApiClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiClient::ApiClient(std::chrono::milliseconds timeout) {
  boost::system::error_code none;  // no ca_file: nothing to load
  impl_ = std::make_unique<Impl>(ApiClientOptions{timeout, {}}, none);
}

Result<std::unique_ptr<ApiClient>> ApiClient::open(const ApiClientOptions& options) {
  boost::system::error_code loaded;
  auto impl = std::make_unique<Impl>(options, loaded);
  if (loaded)
    return Error{Errc::invalid_argument, "cannot read certificate authorities from " + options.ca_file + ": " + loaded.message()};
  return std::unique_ptr<ApiClient>(new ApiClient(std::move(impl)));
}

ApiClient::~ApiClient() = default;

void ApiClient::get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                    std::function<void(Result<ApiResponse>)> done) {
  auto parsed = parse_url(url);
  if (!parsed) return done(Error{Errc::invalid_argument, "not an http(s) URL: " + url});
  net::co_spawn(impl_->ioc, impl_->fetch(std::move(*parsed), std::move(headers)),
                [done = std::move(done), url](std::exception_ptr e, ApiResponse res) {
                  if (!e) return done(std::move(res));
                  try {
                    std::rethrow_exception(e);
                  } catch (const std::exception& ex) {
                    done(Error{Errc::unavailable, "GET " + url + ": " + ex.what()});
                  }
                });
}

}  // namespace bitacora::http::gateways
