// Black-box: `bitacora export` beside a live server (API.md §6).
#include <catch2/catch.hpp>

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

std::vector<std::string> run_lines(const std::string& args, int& exit_code) {
  auto run = run_cli(args);
  exit_code = run.exit_code;
  return run.lines;
}

}  // namespace

TEST_CASE("export writes every event as a JSON line in sequence order, beside the live server, and resumes exactly",
          "[blackbox][export]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 5);
  define_product(c, "sku-2", 5);
  fill_cart(c, "ana", {{"sku-1", 1}});
  const auto last = Json(c.get("/health").body).num("/storage/last_seq");
  REQUIRE(last >= 5);

  int code = -1;
  auto all = run_lines("export --data-dir " + dir.str("data"), code);
  REQUIRE(code == 0);
  REQUIRE(all.size() == static_cast<std::size_t>(last));
  std::int64_t expected = 1;
  for (const auto& line : all) {
    Json j(line);
    CHECK(j.num("/seq") == expected++);
    CHECK(j.has("/stream"));
    CHECK(j.has("/version"));
    CHECK(j.has("/type"));
    CHECK(j.has("/at"));
    CHECK(j.has("/data"));
  }

  auto resumed = run_lines("export --data-dir " + dir.str("data") + " --from-seq 3", code);
  REQUIRE(code == 0);
  REQUIRE(resumed.size() == all.size() - 2);
  CHECK(resumed.front() == all[2]);

  auto products = run_lines("export --data-dir " + dir.str("data") + " --stream-prefix product/sku-2", code);
  REQUIRE(code == 0);
  REQUIRE(products.size() == 2);
  for (const auto& line : products) CHECK(Json(line).str("/stream") == "product/sku-2");

  run_lines("export --data-dir " + dir.str("nowhere"), code);
  CHECK(code == 2);
  run_lines("export", code);
  CHECK(code != 0);  // --data-dir is required
}
