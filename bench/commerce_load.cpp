// Carts and checkout benchmark (issue: catalog, carts and checkout). Against the real
// `bitacora serve` binary with a fresh data directory, every answer fsync'd first:
//   1. durable cart bulk-updates: 10,000 shoppers, each request a change to one shopper's cart,
//      over 64 keep-alive connections;
//   2. checkout under contention: 1,000 shoppers with one unit each in their carts, contending
//      for 10 products of 50 units (so half of them get 409 insufficient_stock).
// Usage: bitacora_bench_commerce [--connections 64] [--updates 200000] [--users 10000]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "bench/load_driver.hpp"
#include "http/jwt.hpp"
#include "tests/harness/http_client.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora;

namespace {

constexpr const char* kJwtSecret = "test-jwt-secret";  // tests/harness test_config()
constexpr int kProducts = 20;

std::vector<std::pair<std::string, std::string>> shopper(const std::string& user) {
  return {{"Authorization", "Bearer " + http::sign_jwt_hs256(R"({"sub":")" + user + R"("})", kJwtSecret)}};
}

std::vector<std::pair<std::string, std::string>> admin() {
  return {{"Authorization", std::string("Bearer ") + testing::secrets::admin_token}};
}

void define_products(std::uint16_t port, int count, int stock, const char* prefix) {
  testing::HttpClient c(port);
  for (int p = 0; p < count; ++p) {
    auto body = R"({"name":"bench product","price_in_cents":1000,"currency":"COP","stock":)" + std::to_string(stock) + "}";
    auto h = admin();
    if (c.request("PUT", "/api/products/" + std::string(prefix) + std::to_string(p), body, {h.begin(), h.end()}).status != 200) {
      std::fprintf(stderr, "could not define products\n");
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 64;
  std::size_t updates = 200'000;
  int users = 10'000;
  CLI::App cli{"Cart bulk-updates and checkouts against the real binary, durable"};
  cli.add_option("--connections", connections, "Keep-alive connections")->check(CLI::PositiveNumber);
  cli.add_option("--updates", updates, "Cart bulk-updates posted")->check(CLI::PositiveNumber);
  cli.add_option("--users", users, "Distinct shoppers")->check(CLI::PositiveNumber);
  CLI11_PARSE(cli, argc, argv);

  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
  server.start();

  // 1. Cart bulk-updates: request i changes shopper (i mod users)'s line of one product, so every
  // request is a real change (a new event, a new version).
  define_products(server.port(), kProducts, 1'000'000, "sku-");
  std::vector<std::vector<std::pair<std::string, std::string>>> tokens;
  for (int u = 0; u < users; ++u) tokens.push_back(shopper("shopper-" + std::to_string(u)));
  std::vector<std::string> wire;
  wire.reserve(updates);
  for (std::size_t i = 0; i < updates; ++i) {
    auto round = i / static_cast<std::size_t>(users);
    auto body = R"({"sku-)" + std::to_string(round % kProducts) + R"(":)" + std::to_string(1 + round % 3) + "}";
    wire.push_back(bench::wire_request("POST", "/api/cart/bulk-update", body, tokens[i % static_cast<std::size_t>(users)]));
  }
  std::printf("carts: %zu bulk-updates from %d shoppers over %d connections, one client thread\n", updates, users, connections);
  bench::report("cart bulk-update (durable)", bench::drive(server.port(), wire, connections));

  // 2. Checkout: 1,000 shoppers, 10 products of 50 units.
  constexpr int kBuyers = 1000, kContended = 10, kStock = 50;
  define_products(server.port(), kContended, kStock, "hot-");
  std::vector<std::string> carts, checkouts;
  for (int u = 0; u < kBuyers; ++u) {
    auto who = shopper("buyer-" + std::to_string(u));
    carts.push_back(bench::wire_request("POST", "/api/cart/bulk-update", R"({"hot-)" + std::to_string(u % kContended) + R"(":1})", who));
    checkouts.push_back(bench::wire_request("POST", "/api/checkout", R"({"gateway":"stripe"})", who));
  }
  (void)bench::drive(server.port(), carts, connections);
  std::printf("checkout: %d shoppers contending for %d products of %d units over %d connections\n", kBuyers, kContended,
              kStock, connections);
  bench::report("checkout (durable)", bench::drive(server.port(), checkouts, connections));
  server.terminate();
  return 0;
}
