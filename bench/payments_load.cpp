// End-to-end payments benchmark (issue: webhook processing). Against the real `bitacora serve`
// binary with a fresh data directory:
//   1. N shoppers change their carts (once each unless --cart-changes) and check out (setup, not measured);
//   2. their Wompi APPROVED notifications are posted as fast as 64 keep-alive connections allow;
//   3. the run waits until no webhook is pending and no reservation is held.
// It prints webhooks/s accepted, the time from the first post until every order was paid,
// payments applied per second over that time, and the latency from a webhook's 200 to its
// PaymentApproved event (the event's own `at`), p50/p99/max, over every order. Then `bitacora
// audit` over the log the run left (orders and webhooks, not only carts), with its events/s.
// Usage: bitacora_bench_payments [--orders 20000] [--connections 64] [--cart-changes 1] [--keep-log DIR]
// (--keep-log: a copy of the run's data directory is left in DIR, to profile `bitacora audit`).
#include <CLI/CLI.hpp>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "bench/load_driver.hpp"
#include "http/jwt.hpp"
#include "support/time.hpp"
#include "tests/harness/cli.hpp"
#include "tests/harness/http_client.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora;

namespace {

std::vector<std::pair<std::string, std::string>> admin() {
  return {{"Authorization", std::string("Bearer ") + testing::secrets::admin_token}};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int orders = 20'000, connections = 64, cart_changes = 1;
  std::string keep_log;
  CLI::App cli{"Checkouts, then their Wompi approvals as fast as they are accepted, until every order is paid; "
               "then bitacora audit over the log"};
  cli.add_option("--orders", orders, "Orders checked out and paid")->check(CLI::PositiveNumber);
  cli.add_option("--connections", connections, "Keep-alive connections")->check(CLI::PositiveNumber);
  cli.add_option("--cart-changes", cart_changes,
                 "Cart changes each shopper makes before checking out (1-1000), for a log closer to a shop's")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--keep-log", keep_log, "Leave a copy of the run's data directory here (to profile bitacora audit)");
  CLI11_PARSE(cli, argc, argv);
  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
  server.start();
  {
    testing::HttpClient c(server.port());
    auto h = admin();
    c.request("PUT", "/api/products/bench-1", R"({"name":"bench","price_in_cents":1000,"currency":"COP","stock":10000000})",
              {h.begin(), h.end()});
  }

  // Setup: each shopper's cart changes (the quantity goes 1, 2, 3, 1, 2, 3 …: each change is an
  // event), then a checkout per shopper.
  std::vector<std::vector<std::string>> cart_rounds(static_cast<std::size_t>(cart_changes));
  std::vector<std::string> checkouts;
  for (int u = 0; u < orders; ++u) {
    std::vector<std::pair<std::string, std::string>> who{
        {"Authorization", "Bearer " + http::sign_jwt_hs256(R"({"sub":"payer-)" + std::to_string(u) + R"("})", "test-jwt-secret")}};
    for (int k = 0; k < cart_changes; ++k)
      cart_rounds[static_cast<std::size_t>(k)].push_back(
          bench::wire_request("POST", "/api/cart/bulk-update", R"({"bench-1":)" + std::to_string(1 + k % 3) + "}", who));
    checkouts.push_back(bench::wire_request("POST", "/api/checkout", R"({"gateway":"wompi"})", who));
  }
  for (const auto& round : cart_rounds) (void)bench::drive(server.port(), round, connections);
  auto placed = bench::drive(server.port(), checkouts, connections, true);
  std::vector<std::string> approvals;
  std::vector<std::string> references;
  simdjson::dom::parser parser;
  const auto now = testing::unix_now();
  for (int u = 0; u < orders; ++u) {
    simdjson::dom::element doc;
    std::string_view ref;
    std::int64_t amount = 0;
    if (parser.parse(placed.bodies[static_cast<std::size_t>(u)]).get(doc) || doc["reference"].get(ref) ||
        doc["amount_in_cents"].get(amount)) {
      std::fprintf(stderr, "checkout %d failed: %s\n", u, placed.bodies[static_cast<std::size_t>(u)].c_str());
      return 1;
    }
    references.emplace_back(ref);
    auto w = testing::wompi_webhook("tx-" + std::to_string(u), "APPROVED", amount, std::string(ref), now);
    approvals.push_back(bench::wire_request("POST", w.target, w.body, w.headers));
  }
  std::printf("payments: %d checked-out orders (%d cart changes each before), their Wompi approvals over %d connections, "
              "one client thread\n",
              orders, cart_changes, connections);

  // The measured part.
  const auto started = std::chrono::steady_clock::now();
  auto accepted = bench::drive(server.port(), approvals, connections, true);
  bench::report("webhooks accepted (durable)", accepted);
  testing::HttpClient c(server.port());
  for (;;) {
    auto health = c.get("/health").body;
    if (health.find("\"pending\":0,") != std::string::npos && health.find("\"active\":0}") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval of the finish line
  }
  const double all_paid_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("all %d orders paid %.2f s after the first post: %.0f payments applied/s\n", orders, all_paid_s,
              static_cast<double>(orders) / all_paid_s);

  // Accept → applied, from each order's PaymentApproved event.
  std::vector<std::string> reads;
  for (const auto& ref : references)
    reads.push_back(bench::wire_request("GET", "/api/streams/order/" + ref + "/events", "", admin()));
  auto streams = bench::drive(server.port(), reads, connections, true);
  std::vector<double> lag_ms;
  for (std::size_t i = 0; i < references.size(); ++i) {
    auto& body = streams.bodies[i];
    auto at = body.find("\"type\":\"PaymentApproved\",\"at\":\"");
    if (at == std::string::npos) continue;
    auto stamp = parse_rfc3339(std::string_view(body).substr(at + 31, 24));
    if (stamp) lag_ms.push_back(static_cast<double>(*stamp - accepted.answered_at_us[i]) / 1000.0);
  }
  std::printf("accept → applied over %zu orders: p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", lag_ms.size(),
              percentile(lag_ms, 0.5), percentile(lag_ms, 0.99), percentile(lag_ms, 1.0));
  server.terminate();
  if (std::getenv("BENCH_SERVER_LOG")) std::printf("--- server log ---\n%s\n", server.log_tail(20000).c_str());

  if (!keep_log.empty()) {
    std::filesystem::remove_all(keep_log);
    std::filesystem::copy(dir.str("data"), keep_log, std::filesystem::copy_options::recursive);
  }
  // The log this run left (carts, orders, reservations on one hot product, webhooks, payments)
  // audited: events/s on a log heavier than the recovery bench's cart-only one.
  const auto audit = testing::run_cli("audit --data-dir " + dir.str("data"), true);
  std::printf("audit of this run's log:\n");
  for (std::size_t n = 0; n < audit.lines.size(); ++n) {
    const auto& line = audit.lines[n];
    if (n < 3 || line.starts_with("violation") || line.find("violations:") != std::string::npos)
      std::printf("  %s\n", line.c_str());
  }
  if (audit.exit_code != 0) std::printf("  audit exited %d\n", audit.exit_code);
  return 0;
}
