// Webhook ingest benchmark (issue: foundation). Pre-builds distinct, correctly signed Stripe
// webhooks, then drives them over N keep-alive connections from one client thread and prints
// throughput and latency percentiles for:
//   1. a bare server — bitacora's own HTTP stack with a handler that answers 200 and does nothing
//      (the ceiling of this machine for this client), in this process;
//   2. the real `bitacora serve` binary with a fresh data directory, every answer fsync'd first.
// and the ratio of the two.
// Usage: bitacora_bench_webhooks [--connections 64] [--requests 200000] [--target-port P]
// (--target-port drives a server already running with tests/harness test_config() secrets, for profiling.)
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "support/metrics.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Clock = std::chrono::steady_clock;
using namespace bitacora;

namespace {

struct Result {
  double seconds = 0;
  std::size_t ok = 0, failed = 0;
  std::vector<double> latencies_us;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, const std::vector<std::string>& wire, std::size_t& next, Result& result)
      : socket_(ioc), wire_(wire), next_(next), result_(result) {}
  void start(std::uint16_t port) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    socket_.set_option(net::ip::tcp::no_delay(true));
    send();
  }

 private:
  void send() {
    if (next_ >= wire_.size()) return;
    const std::string& req = wire_[next_++];
    started_ = Clock::now();
    net::async_write(socket_, net::buffer(req), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->parser_.emplace();
      bhttp::async_read(self->socket_, self->buffer_, *self->parser_, [self](beast::error_code rec, std::size_t) {
        if (rec) return;
        auto us = std::chrono::duration<double, std::micro>(Clock::now() - self->started_).count();
        self->result_.latencies_us.push_back(us);
        (self->parser_->get().result_int() == 200 ? self->result_.ok : self->result_.failed)++;
        self->send();
      });
    });
  }

  net::ip::tcp::socket socket_;
  const std::vector<std::string>& wire_;
  std::size_t& next_;
  Result& result_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  Clock::time_point started_;
};

Result drive(std::uint16_t port, const std::vector<std::string>& wire, int connections) {
  net::io_context ioc;
  Result result;
  result.latencies_us.reserve(wire.size());
  std::size_t next = 0;
  auto begin = Clock::now();
  for (int i = 0; i < connections; ++i) std::make_shared<Connection>(ioc, wire, next, result)->start(port);
  ioc.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return result;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

double report(const char* name, Result r) {
  double rate = static_cast<double>(r.ok + r.failed) / r.seconds;
  std::printf("%-28s %8zu ok %6zu non-200  %9.0f req/s  p50 %7.0f us  p99 %7.0f us  p999 %7.0f us\n", name, r.ok,
              r.failed, rate, percentile(r.latencies_us, 0.50), percentile(r.latencies_us, 0.99),
              percentile(r.latencies_us, 0.999));
  return rate;
}

std::vector<std::string> build_wire(std::size_t n, const std::string& tag) {
  std::vector<std::string> wire;
  wire.reserve(n);
  auto now = testing::unix_now();
  for (std::size_t i = 0; i < n; ++i) {
    auto w = testing::stripe_webhook("evt_" + tag + "_" + std::to_string(i), now);
    std::string req = "POST " + w.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for (auto& [k, v] : w.headers) req += k + ": " + v + "\r\n";
    req += "Content-Length: " + std::to_string(w.body.size()) + "\r\n\r\n" + w.body;
    wire.push_back(std::move(req));
  }
  return wire;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 64;
  std::size_t requests = 200'000;
  int target_port = 0;  // drive an already running server (started with test secrets) instead
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--connections")) connections = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--requests")) requests = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--target-port")) target_port = std::atoi(argv[i + 1]);
  }
  if (target_port) {
    auto tag = std::to_string(testing::unix_now());
    report("server on --target-port", drive(static_cast<std::uint16_t>(target_port), build_wire(requests, tag), connections));
    return 0;
  }
  std::printf("webhook ingest: %zu distinct signed Stripe webhooks over %d keep-alive connections, one client thread\n",
              requests, connections);

  // 1. The ceiling: the same HTTP stack answering 200 with no work.
  metrics::Registry registry;
  http::Router router;
  router.add(bhttp::verb::post, "/webhooks/stripe", [](const http::Request&, const http::RouteParams&, http::Respond respond) {
    respond(http::json_response(bhttp::status::ok, R"({"status":"received","event_id":"wh_0"})"));
  });
  http::ServerOptions options;
  options.port = 0;
  http::Server bare(options, std::move(router), registry);
  bare.listen();
  std::thread bare_thread([&] { bare.run(); });
  double ceiling = report("bare server (no work)", drive(bare.port(), build_wire(requests, "bare"), connections));
  bare.shutdown();
  bare_thread.join();

  // 2. The real binary: verify, dedupe, append, fsync, answer.
  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
  server.start();
  double durable = report("bitacora (durable, fsync)", drive(server.port(), build_wire(requests, "real"), connections));
  server.terminate();

  std::printf("ratio durable / bare: %.2f\n", durable / ceiling);
  return 0;
}
