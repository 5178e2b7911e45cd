// Webhook ingest benchmark (issue: foundation). Pre-builds distinct, correctly signed Stripe
// webhooks, then drives them over N keep-alive connections from one client thread and prints
// throughput and latency percentiles for:
//   1. a bare server — bitacora's own HTTP stack with a handler that answers 200 and does nothing
//      (the ceiling of this machine for this client), in this process;
//   2. the real `bitacora serve` binary with a fresh data directory, every answer fsync'd first.
// and the ratio of the two.
// Usage: bitacora_bench_webhooks [--connections 64] [--requests 200000] [--target-port P]
// (--target-port drives a server already running with tests/harness test_config() secrets, for profiling.)
#include <CLI/CLI.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/load_driver.hpp"
#include "http/server.hpp"
#include "support/metrics.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

namespace bhttp = boost::beast::http;
using namespace bitacora;

namespace {

std::vector<std::string> build_wire(std::size_t n, const std::string& tag) {
  std::vector<std::string> wire;
  wire.reserve(n);
  auto now = testing::unix_now();
  for (std::size_t i = 0; i < n; ++i) {
    auto w = testing::stripe_webhook("evt_" + tag + "_" + std::to_string(i), now);
    wire.push_back(bench::wire_request("POST", w.target, w.body, w.headers));
  }
  return wire;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 64;
  std::size_t requests = 200'000;
  int target_port = 0;  // drive an already running server (started with test secrets) instead
  CLI::App cli{"Webhook ingest: a bare Beast server, then bitacora (durable), over keep-alive connections"};
  cli.add_option("--connections", connections, "Keep-alive connections")->check(CLI::PositiveNumber);
  cli.add_option("--requests", requests, "Webhooks posted per run")->check(CLI::PositiveNumber);
  cli.add_option("--target-port", target_port, "Drive a server already running (with the test secrets) on this port");
  CLI11_PARSE(cli, argc, argv);
  if (target_port) {
    auto tag = std::to_string(testing::unix_now());
    bench::report("server on --target-port", bench::drive(static_cast<std::uint16_t>(target_port), build_wire(requests, tag), connections));
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
  double ceiling = bench::report("bare server (no work)", bench::drive(bare.port(), build_wire(requests, "bare"), connections));
  bare.shutdown();
  bare_thread.join();

  // 2. The real binary: verify, dedupe, append, fsync, answer.
  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
  server.start();
  double durable = bench::report("bitacora (durable, fsync)", bench::drive(server.port(), build_wire(requests, "real"), connections));
  server.terminate();

  std::printf("ratio durable / bare: %.2f\n", durable / ceiling);
  return 0;
}
