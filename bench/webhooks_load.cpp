// Webhook ingest benchmark (issue: foundation). Pre-builds distinct, correctly signed Stripe
// webhooks, then drives them over N keep-alive connections from one client thread and prints
// throughput and latency percentiles for:
//   1. a bare server — bitacora's own HTTP stack with a handler that answers 200 and does nothing
//      (the ceiling of this machine for this client), in a child process forked from this one;
//   2. the real `bitacora serve` binary with a fresh data directory, every answer fsync'd first,
//      and every webhook then processed in the background (always on in the binary: here each
//      names an order that does not exist, so each ends `failed` with a second batch of its own).
// For each, the server process's CPU (utime + stime) and context switches (all its threads) per
// webhook over the measured window, from /proc (bench/proc_usage.hpp); for the real binary also
// until processing has drained. Then the ratios durable / bare.
// Usage: bitacora_bench_webhooks [--connections 64] [--requests 200000] [--target-port P [--target-pid PID]]
// (--target-port drives a server already running with tests/harness test_config() secrets, for
// profiling; --target-pid also prints that process's CPU and context switches.)
#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/http.hpp>
#include <simdjson.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/load_driver.hpp"
#include "bench/proc_usage.hpp"
#include "http/server.hpp"
#include "support/metrics.hpp"
#include "tests/harness/http_client.hpp"
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

// The child's side of BareServer: the same HTTP stack answering 200 with no work, until SIGTERM.
[[noreturn]] void serve_bare(int port_pipe) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the benchmark
  metrics::Registry registry;
  http::Router router;
  router.add(bhttp::verb::post, "/webhooks/stripe", [](const http::Request&, const http::RouteParams&, http::Respond respond) {
    respond(http::json_response(bhttp::status::ok, R"({"status":"received","event_id":"wh_0"})"));
  });
  http::ServerOptions options;
  options.port = 0;
  http::Server bare(options, std::move(router), registry);
  bare.listen();
  boost::asio::signal_set signals(bare.io_context(), SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) bare.shutdown();
  });
  const std::uint16_t port = bare.port();
  if (write(port_pipe, &port, sizeof port) != sizeof port) std::_Exit(1);
  close(port_pipe);
  bare.run();
  std::_Exit(0);  // not exit(): stdio buffers and atexit handlers are the parent's
}

// The bare server in its own process, so that /proc/<pid> counts the server's threads only, as
// for the real binary, and never the client's. Forked before this process starts any thread.
class BareServer {
 public:
  BareServer() {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      close(fds[0]);
      serve_bare(fds[1]);
    }
    close(fds[1]);
    const bool got = read(fds[0], &port_, sizeof port_) == sizeof port_;
    close(fds[0]);
    if (!got) throw std::runtime_error("the bare server did not start");
  }
  ~BareServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  BareServer(const BareServer&) = delete;
  BareServer& operator=(const BareServer&) = delete;
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

struct Measured {
  bench::LoadSummary load;
  bench::UsageDelta server;   // over the measured window
  bench::UsageDelta client;   // this process (the load generator) over the same window
  bench::MachineCpu machine;  // every core, over the same window
};

double per(double x, std::size_t n) { return n ? x / static_cast<double>(n) : 0; }

void print_server(const char* label, const bench::UsageDelta& u, std::size_t webhooks, double seconds) {
  std::printf("  %-22s %6.1f CPU-us/webhook (user %.1f, sys %.1f; %.2f cores)  %5.2f ctx switches/webhook "
              "(voluntary %.2f, involuntary %.2f; %zu threads",
              label, per(u.cpu_us(), webhooks), per(u.user_us, webhooks), per(u.system_us, webhooks),
              u.cpu_us() / 1e6 / seconds, per(static_cast<double>(u.switches()), webhooks),
              per(static_cast<double>(u.voluntary), webhooks), per(static_cast<double>(u.involuntary), webhooks), u.threads);
  if (u.exited_threads) std::printf(", %zu exited: their switches are not counted", u.exited_threads);
  std::printf(")\n");
}

Measured measure(const char* name, pid_t server, std::uint16_t port, const std::vector<std::string>& wire, int connections) {
  const auto machine_before = bench::read_machine_cpu();
  const auto server_before = bench::read_usage(server);
  const auto client_before = bench::read_usage(getpid());
  auto result = bench::drive(port, wire, connections);
  const auto server_after = bench::read_usage(server);
  const auto client_after = bench::read_usage(getpid());
  const auto machine_after = bench::read_machine_cpu();
  Measured m{bench::report(name, std::move(result)), server_after - server_before, client_after - client_before,
             machine_after - machine_before};
  print_server("server:", m.server, m.load.requests, m.load.seconds);
  const double s = m.load.seconds * 1e6;  // CPU-us per core over the window
  std::printf("  %-22s %6.1f CPU-us/webhook (%.2f cores)\n", "client (this process):", per(m.client.cpu_us(), m.load.requests),
              m.client.cpu_us() / s);
  // On a machine shared with other work, the share this run did not have.
  std::printf("  %-22s %.2f of %.2f cores busy: server %.2f, client %.2f, everything else %.2f\n", "machine:",
              m.machine.busy_us / s, m.machine.all_us / s, m.server.cpu_us() / s, m.client.cpu_us() / s,
              (m.machine.busy_us - m.server.cpu_us() - m.client.cpu_us()) / s);
  return m;
}

struct WebhookCounts {
  std::int64_t pending = -1, failed = -1;
};

WebhookCounts webhook_counts(testing::HttpClient& client) {
  WebhookCounts counts;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto body = client.get("/health").body;
  if (parser.parse(body).get(doc)) return counts;
  if (doc["webhooks"]["pending"].get(counts.pending) || doc["webhooks"]["failed"].get(counts.failed)) return {};
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 64;
  std::size_t requests = 200'000;
  int target_port = 0;  // drive an already running server (started with test secrets) instead
  int target_pid = 0;
  CLI::App cli{"Webhook ingest: a bare Beast server, then bitacora (durable), over keep-alive connections"};
  cli.add_option("--connections", connections, "Keep-alive connections")->check(CLI::PositiveNumber);
  cli.add_option("--requests", requests, "Webhooks posted per run")->check(CLI::PositiveNumber);
  auto* port_option =
      cli.add_option("--target-port", target_port, "Drive a server already running (with the test secrets) on this port");
  cli.add_option("--target-pid", target_pid, "With --target-port: that server's process id, for its CPU and context switches")
      ->needs(port_option);
  CLI11_PARSE(cli, argc, argv);
  if (target_port) {
    auto wire = build_wire(requests, std::to_string(testing::unix_now()));
    auto port = static_cast<std::uint16_t>(target_port);
    if (target_pid) (void)measure("server on --target-port", target_pid, port, wire, connections);
    else bench::report("server on --target-port", bench::drive(port, wire, connections));
    return 0;
  }
  std::printf("webhook ingest: %zu distinct signed Stripe webhooks over %d keep-alive connections, one client thread\n",
              requests, connections);

  // 1. The ceiling: the same HTTP stack answering 200 with no work.
  auto bare_wire = build_wire(requests, "bare");
  Measured bare;
  {
    BareServer server;
    bare = measure("bare server (no work)", server.pid(), server.port(), bare_wire, connections);
  }
  bare_wire = {};

  // 2. The real binary: verify, dedupe, append, fsync, answer; then process each webhook.
  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
  server.start();
  const auto real_wire = build_wire(requests, "real");
  const auto before = bench::read_usage(server.pid());
  Measured durable = measure("bitacora (durable, fsync)", server.pid(), server.port(), real_wire, connections);
  // Processing runs behind the answers: the window above may end with webhooks still pending.
  // Polled every 10 ms; each poll is one small request, negligible beside the run's.
  const auto window_end = std::chrono::steady_clock::now();
  testing::HttpClient health(server.port());
  WebhookCounts counts;
  const auto give_up = window_end + std::chrono::minutes(5);
  while ((counts = webhook_counts(health)).pending != 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (counts.pending != 0)
    std::printf("  processing did not drain within 5 minutes (%lld pending)\n", static_cast<long long>(counts.pending));
  const double drain_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - window_end).count();
  const auto drained = bench::read_usage(server.pid()) - before;
  std::printf("  processing drained %.2f s after the window (%lld webhooks failed: unknown order); until then:\n", drain_s,
              static_cast<long long>(counts.failed));
  print_server("server, with drain:", drained, durable.load.requests, durable.load.seconds + drain_s);
  server.terminate();

  auto cpu = [](const Measured& m) { return per(m.server.cpu_us(), m.load.requests); };
  auto switches = [](const Measured& m) { return per(static_cast<double>(m.server.switches()), m.load.requests); };
  std::printf("\n%-26s %9s %9s %23s %22s\n", "", "req/s", "p99 us", "server CPU-us/webhook", "ctx switches/webhook");
  std::printf("%-26s %9.0f %9.0f %23.1f %22.2f\n", "bare", bare.load.rate, bare.load.p99_us, cpu(bare), switches(bare));
  std::printf("%-26s %9.0f %9.0f %23.1f %22.2f\n", "durable", durable.load.rate, durable.load.p99_us, cpu(durable),
              switches(durable));
  std::printf("%-26s %9s %9s %23.1f %22.2f\n", "durable, until drained", "", "", per(drained.cpu_us(), durable.load.requests),
              per(static_cast<double>(drained.switches()), durable.load.requests));
  std::printf("%-26s %9.2f %9.2f %23.2f", "durable / bare", durable.load.rate / bare.load.rate,
              durable.load.p99_us / bare.load.p99_us, cpu(durable) / cpu(bare));
  // An uncontended bare server never sleeps (epoll always has work): no switches to divide by.
  if (switches(bare) >= 0.01) std::printf(" %22.2f\n", switches(durable) / switches(bare));
  else std::printf(" %22s\n", "n/a (bare < 0.01)");
  std::printf("ratio durable / bare: %.2f\n", durable.load.rate / bare.load.rate);
  return 0;
}
