// Carts and checkout benchmark (issue: catalog, carts and checkout). Against the real
// `bitacora serve` binary with a fresh data directory, every answer fsync'd first:
//   1. durable cart bulk-updates: 10,000 shoppers, each request a change to one shopper's cart,
//      over 64 keep-alive connections;
//   2. checkout under contention: 1,000 shoppers with one unit each in their carts, contending
//      for 10 products of 50 units (so half of them get 409 insufficient_stock);
//   3. checkout with a coupon under contention: 1,000 shoppers with a coupon of 100 uses attached
//      and one unit of one of 10 well-stocked products (100 get 201, 900 get 409 coupon_invalid),
//      beside the same 1,000 checkouts without the coupon (all 201), in the same run.
// Usage: bitacora_bench_commerce [--connections 64] [--updates 200000] [--users 10000]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
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

  // 3. The same shape of checkout with and without a coupon, in the same run: 10 products with
  // stock for everyone, so only the coupon limits who checks out. A coupon of 100 uses (the
  // contended case: 900 are refused), and one of 1,000 (every checkout holds a use, as the plain
  // ones all reserve: the like-for-like cost).
  auto scenario = [&](const std::string& name, std::optional<int> uses) {
    define_products(server.port(), kContended, kBuyers, (name + "-").c_str());
    testing::HttpClient c(server.port());
    auto h = admin();
    if (uses && c.request("PUT", "/api/coupons/" + name, R"({"kind":"percent","value":10,"max_uses":)" + std::to_string(*uses) + "}",
                          {h.begin(), h.end()}).status != 200) {
      std::fprintf(stderr, "could not define the coupon\n");
      std::exit(1);
    }
    std::vector<std::string> carts_of, attach, checkout_of;
    for (int u = 0; u < kBuyers; ++u) {
      auto who = shopper(name + "-" + std::to_string(u));
      carts_of.push_back(bench::wire_request("POST", "/api/cart/bulk-update", R"({")" + name + "-" + std::to_string(u % kContended) + R"(":1})", who));
      if (uses) attach.push_back(bench::wire_request("POST", "/api/cart/coupon", R"({"code":")" + name + R"("})", who));
      checkout_of.push_back(bench::wire_request("POST", "/api/checkout", R"({"gateway":"stripe"})", who));
    }
    (void)bench::drive(server.port(), carts_of, connections);
    if (uses) (void)bench::drive(server.port(), attach, connections);  // after the carts: a coupon needs a line
    const auto label = uses ? "checkout, coupon of " + std::to_string(*uses) + " uses" : std::string("checkout, no coupon");
    return bench::report(label.c_str(), bench::drive(server.port(), checkout_of, connections));
  };
  std::printf("checkout, same run: %d shoppers over %d products, without and with a coupon\n", kBuyers, kContended);
  auto plain = scenario("PLAIN", std::nullopt);
  auto contended = scenario("C100", 100);
  auto every = scenario("C1000", 1000);
  std::printf("cost per checkout vs no coupon: coupon of 100 uses %.2fx, coupon of 1000 uses %.2fx (target <= 1.20x)\n",
              plain.rate / contended.rate, plain.rate / every.rate);
  server.terminate();
  return 0;
}
