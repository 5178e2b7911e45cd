#include "bench/load_driver.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

namespace bitacora::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Clock = std::chrono::steady_clock;

std::size_t LoadResult::total() const {
  std::size_t n = 0;
  for (const auto& [status, count] : statuses) n += count;
  return n;
}

std::string wire_request(const std::string& method, const std::string& target, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return req;
}

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, const std::vector<std::string>& wire, std::size_t& next, LoadResult& result)
      : socket_(ioc), wire_(wire), next_(next), result_(result) {}
  void start(std::uint16_t port) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    socket_.set_option(net::ip::tcp::no_delay(true));
    send();
  }

 private:
  void send() {
    if (next_ >= wire_.size()) return;
    index_ = next_++;
    const std::string& req = wire_[index_];
    started_ = Clock::now();
    net::async_write(socket_, net::buffer(req), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->parser_.emplace();
      bhttp::async_read(self->socket_, self->buffer_, *self->parser_, [self](beast::error_code rec, std::size_t) {
        if (rec) return;
        self->result_.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - self->started_).count());
        ++self->result_.statuses[self->parser_->get().result_int()];
        if (!self->result_.bodies.empty()) {
          self->result_.bodies[self->index_] = std::move(self->parser_->get().body());
          self->result_.answered_at_us[self->index_] = std::chrono::duration_cast<std::chrono::microseconds>(
                                                          std::chrono::system_clock::now().time_since_epoch())
                                                          .count();
        }
        self->send();
      });
    });
  }

  net::ip::tcp::socket socket_;
  const std::vector<std::string>& wire_;
  std::size_t& next_;
  LoadResult& result_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  Clock::time_point started_;
  std::size_t index_ = 0;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

LoadResult drive(std::uint16_t port, const std::vector<std::string>& requests, int connections, bool keep) {
  net::io_context ioc;
  LoadResult result;
  result.latencies_us.reserve(requests.size());
  if (keep) {
    result.bodies.resize(requests.size());
    result.answered_at_us.resize(requests.size());
  }
  std::size_t next = 0;
  auto begin = Clock::now();
  for (int i = 0; i < connections; ++i) std::make_shared<Connection>(ioc, requests, next, result)->start(port);
  ioc.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return result;
}

LoadSummary report(const char* name, LoadResult r) {
  LoadSummary s{r.total(), r.seconds, static_cast<double>(r.total()) / r.seconds, percentile(r.latencies_us, 0.50),
                percentile(r.latencies_us, 0.99), percentile(r.latencies_us, 0.999)};
  std::string statuses;
  for (const auto& [status, count] : r.statuses) statuses += std::to_string(count) + "×" + std::to_string(status) + " ";
  std::printf("%-30s %-22s %9.0f req/s  p50 %7.0f us  p99 %7.0f us  p999 %7.0f us\n", name, statuses.c_str(), s.rate,
              s.p50_us, s.p99_us, s.p999_us);
  return s;
}

}  // namespace bitacora::bench
