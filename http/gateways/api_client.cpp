#include "http/gateways/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <deque>
#include <optional>
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

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == ':' || c == '[' || c == ']';
}

// Visible ASCII but '?' and '#': no space, CR or LF can split the request line, and nothing can
// add a query or a fragment to the path we meant.
bool target_char(char c) { return c > 0x20 && c < 0x7f && c != '?' && c != '#'; }

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
  if (u.host.empty() || u.port.empty() || !std::all_of(u.host.begin(), u.host.end(), host_char) ||
      !std::all_of(u.port.begin(), u.port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !std::all_of(u.target.begin(), u.target.end(), target_char))
    return std::nullopt;
  return u;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

template <class Stream>
net::awaitable<ApiResponse> exchange(Stream& stream, const Url& url, const Headers& headers) {
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
  // One call from get() to `done`. Everything it touches lives here, on the client's thread, so
  // the deadline can cancel whatever step the exchange is in, name resolution included.
  struct Call : std::enable_shared_from_this<Call> {
    Impl& impl;
    std::string url_text;
    Url url;
    Headers headers;
    std::function<void(Result<ApiResponse>)> done;
    net::steady_timer deadline;
    net::ip::tcp::resolver resolver;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    bool answered = false;

    Call(Impl& i, std::string text, Url u, Headers h, std::function<void(Result<ApiResponse>)> d)
        : impl(i), url_text(std::move(text)), url(std::move(u)), headers(std::move(h)), done(std::move(d)),
          deadline(i.ioc), resolver(i.ioc) {}

    // The first outcome wins: the exchange's, or the deadline's. Whatever is still pending is
    // cancelled; a name lookup already under way finishes in the background and is ignored.
    void finish(Result<ApiResponse> r) {
      if (answered) return;
      answered = true;
      deadline.cancel();
      resolver.cancel();
      beast::error_code ignored;
      if (plain) plain->socket().close(ignored);
      if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
      done(std::move(r));
      impl.ended();
    }
  };

  std::chrono::milliseconds timeout;
  std::size_t max_in_flight, max_queued;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  net::ssl::context tls{net::ssl::context::tls_client};
  std::size_t in_flight = 0;                   // on the client's thread only
  std::deque<std::shared_ptr<Call>> waiting;   // likewise
  std::thread thread;

  // `loaded` is set to the outcome of loading options.ca_file (success when there is none).
  Impl(const ApiClientOptions& options, boost::system::error_code& loaded)
      : timeout(options.timeout), max_in_flight(std::max<std::size_t>(1, options.max_in_flight)),
        max_queued(options.max_queued) {
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

  void submit(std::shared_ptr<Call> call) {
    if (in_flight < max_in_flight) return start(std::move(call));
    if (waiting.size() >= max_queued)
      return call->done(Error{Errc::unavailable, "GET " + call->url_text + ": too many gateway calls waiting"});
    waiting.push_back(std::move(call));
  }

  void start(std::shared_ptr<Call> call) {
    ++in_flight;
    call->deadline.expires_after(timeout);
    call->deadline.async_wait([call](boost::system::error_code ec) {
      if (!ec)
        call->finish(Error{Errc::unavailable, "GET " + call->url_text + ": no answer within " +
                                                  std::to_string(call->impl.timeout.count()) + " ms"});
    });
    net::co_spawn(ioc, fetch(call), [call](std::exception_ptr e, ApiResponse res) {
      if (!e) return call->finish(std::move(res));
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        call->finish(Error{Errc::unavailable, "GET " + call->url_text + ": " + ex.what()});
      }
    });
  }

  void ended() {
    --in_flight;
    if (waiting.empty()) return;
    auto next = std::move(waiting.front());
    waiting.pop_front();
    start(std::move(next));
  }

  net::awaitable<ApiResponse> fetch(std::shared_ptr<Call> call) {
    const Url& url = call->url;
    auto endpoints = co_await call->resolver.async_resolve(url.host, url.port, use_awaitable);
    if (!url.tls) {
      auto& stream = call->plain.emplace(ioc);
      co_await stream.async_connect(endpoints, use_awaitable);
      co_return co_await exchange(stream, url, call->headers);
    }
    auto& stream = call->secure.emplace(ioc, tls);
    // SNI; SSL_set_tlsext_host_name is this call behind a macro with a C-style cast.
    if (!SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(url.host.c_str())))
      throw std::runtime_error("cannot set the TLS server name");
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_awaitable);
    co_await stream.async_handshake(net::ssl::stream_base::client, use_awaitable);
    co_return co_await exchange(stream, url, call->headers);
  }
};

ApiClient::ApiClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiClient::ApiClient(std::chrono::milliseconds timeout) {
  boost::system::error_code none;  // no ca_file: nothing to load
  ApiClientOptions options;
  options.timeout = timeout;
  impl_ = std::make_unique<Impl>(options, none);
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
  if (!parsed)
    return done(Error{Errc::invalid_argument,
                      "not an http(s) URL with a plain host, port and path (no space, control character, '?' or '#')"});
  auto call = std::make_shared<Impl::Call>(*impl_, url, std::move(*parsed), std::move(headers), std::move(done));
  net::post(impl_->ioc, [impl = impl_.get(), call = std::move(call)]() mutable { impl->submit(std::move(call)); });
}

}  // namespace bitacora::http::gateways
