// Black-box: what supervisors and log collectors read, on the real binary — liveness and
// readiness, X-Request-Id (kept when sane, made otherwise, echoed and in the access log), the
// access log itself (routes, never raw targets), JSON log lines, the process's metrics and the
// build's, and the exit status of a usage error.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/seed_log.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

// test_config with its [log] section replaced by `log`.
std::string with_log(const std::string& config, const std::string& log) {
  std::string out = config;
  const auto at = out.find("[log]\n");
  out.replace(at, out.find('\n', at + 6) + 1 - at, "[log]\n" + log);
  return out;
}

std::string header(const HttpResponse& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("livez and readyz answer supervisors", "[blackbox][observability]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto live = c.get("/livez");
  CHECK(live.status == 200);
  CHECK(Json(live.body).str("/status") == "alive");
  auto ready = c.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(Json(ready.body).str("/status") == "ready");
  // /health keeps its body, but shows no path of the disk to anyone.
  CHECK(Json(c.get("/health", as_admin()).body).is_null("/storage/dir"));
}

TEST_CASE("X-Request-Id is kept when sane, made otherwise, echoed, and in the access log line", "[blackbox][observability]") {
  TempDir dir;
  ServerProcess server(dir.str(), with_log(test_config(dir.str("data")), "level = \"info\"\n"));
  server.start();
  HttpClient c(server.port());

  CHECK(header(c.get("/livez", {{"X-Request-Id", "req-42.a:b_c"}}), "x-request-id") == "req-42.a:b_c");
  const std::regex made("[0-9a-f]{16}");
  const auto first = header(c.get("/livez"), "x-request-id");
  const auto second = header(c.get("/livez"), "x-request-id");
  CHECK(std::regex_match(first, made));
  CHECK(std::regex_match(second, made));
  CHECK(first != second);
  for (const std::string& bad : {std::string("has space"), std::string("a\"b"), std::string(129, 'x')})
    CHECK(std::regex_match(header(c.get("/livez", {{"X-Request-Id", bad}}), "x-request-id"), made));

  // A hostile target reaches the log as its route's pattern, never as sent.
  auto hostile = c.get("/api/products/evil%0Aline%22quote", {{"X-Request-Id", "hostile-1"}});
  CHECK(hostile.status == 400);
  std::string access;
  REQUIRE(eventually([&] {
    for (const auto& line : lines_of(dir.str() + "/server.log"))
      if (line.find("[access]") != std::string::npos && line.find("request_id=hostile-1") != std::string::npos) access = line;
    return !access.empty();
  }));
  CHECK(access.find("GET /api/products/{sku} 400") != std::string::npos);
  CHECK(access.find("evil") == std::string::npos);
}

TEST_CASE("log.format = json writes one JSON object per line, and log.access = false has no access lines", "[blackbox][observability]") {
  TempDir dir;
  ServerProcess server(dir.str(), with_log(test_config(dir.str("data")), "level = \"info\"\nformat = \"json\"\naccess = false\n"));
  server.start();
  HttpClient c(server.port());
  REQUIRE(c.get("/livez").status == 200);
  server.terminate();
  auto lines = lines_of(dir.str() + "/server.log");
  REQUIRE(lines.size() >= 2);  // at least "listening" and "stopped"
  bool listening = false;
  for (const auto& line : lines) {
    INFO(line);
    Json j(line);  // throws (fails) on a line that is not JSON
    CHECK(j.str("/time").size() == 24);
    CHECK_FALSE(j.str("/level").empty());
    CHECK(j.str("/module") != "access");
    listening |= j.str("/message").find("listening on") != std::string::npos;
  }
  CHECK(listening);
}

TEST_CASE("a line a request causes names its request id, in text and in JSON", "[blackbox][observability]") {
  for (const std::string format : {"text", "json"}) {
    INFO(format);
    TempDir dir;
    ServerProcess server(dir.str(), with_log(test_config(dir.str("data")), "level = \"info\"\nformat = \"" + format + "\"\n"));
    server.start();
    HttpClient c(server.port());
    // A webhook whose signature does not verify: the handler says so in the log.
    auto refused = c.post("/webhooks/stripe", R"({"id":"evt_1"})",
                          {{"Stripe-Signature", "t=1,v1=00"}, {"X-Request-Id", "trace-me-7"}});
    REQUIRE(refused.status == 401);
    std::string line;
    REQUIRE(eventually([&] {
      for (const auto& l : lines_of(dir.str() + "/server.log"))
        if (l.find("refused a stripe webhook") != std::string::npos) line = l;
      return !line.empty();
    }));
    INFO(line);
    if (format == "text") {
      CHECK(line.ends_with(" request_id=trace-me-7"));
    } else {
      Json j(line);
      CHECK(j.str("/module") == "webhooks");
      CHECK(j.str("/request_id") == "trace-me-7");
    }
    // Lines outside any request carry none.
    for (const auto& l : lines_of(dir.str() + "/server.log"))
      if (l.find("listening on") != std::string::npos) CHECK(l.find("request_id") == std::string::npos);
  }
}

TEST_CASE("metrics show the process and the build", "[blackbox][observability]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto text = c.get("/metrics").body;
  CHECK(metric(c, "process_open_fds") > 3);
  CHECK(metric(c, "process_resident_memory_bytes") > 1e6);
  CHECK(metric(c, "process_cpu_seconds_total") >= 0);
  CHECK(metric(c, "process_max_fds") > 0);
  CHECK(metric(c, "process_start_time_seconds") > 1.7e9);
  CHECK(text.find("bitacora_build_info{version=\"0.1.0\",commit=\"") != std::string::npos);
}

TEST_CASE("a usage error exits 2, help and version exit 0", "[blackbox][observability]") {
  CHECK(run_cli("serve --no-such-flag").exit_code == 2);
  CHECK(run_cli("").exit_code == 2);  // a subcommand is required
  CHECK(run_cli("audit").exit_code == 2);  // --data-dir is required
  CHECK(run_cli("--help").exit_code == 0);
  auto version = run_cli("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.text().rfind("bitacora 0.1.0 (", 0) == 0);
}

TEST_CASE("every series /metrics exports is listed in docs/api.md", "[blackbox][observability]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  std::ifstream doc(std::string(BITACORA_SOURCE_DIR) + "/docs/api.md");
  const std::string api((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  REQUIRE(api.find("### `GET /metrics`") != std::string::npos);
  std::istringstream text(c.get("/metrics").body);
  int series = 0;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    const std::string name = line.substr(7, line.find(' ', 7) - 7);
    ++series;
    INFO(name);
    CHECK(api.find("`" + name) != std::string::npos);
  }
  CHECK(series > 20);
}

TEST_CASE("audit and export show progress with a rate and an ETA on a terminal, and nothing when piped", "[blackbox][observability]") {
  TempDir dir;
  const std::string data = dir.str("data");
  seed_carts(data, 5000, 100);  // long enough to audit (> 100 ms) for a progress line
  // `script` runs the command on a pseudo-terminal and copies what it writes there.
  const auto on_terminal = [&](const std::string& args) {
    const std::string command = "script -qec '" + bitacora_binary() + " " + args + " >/dev/null' /dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    for (int ch; (ch = std::fgetc(pipe)) != EOF;) out += static_cast<char>(ch);
    CHECK(WEXITSTATUS(pclose(pipe)) == 0);
    return out;
  };
  // "audited 40961 of 500000 events (20%), 812k/s, ETA 1s"
  const std::string progress = R"( \d+ of 500000 events \(\d+%\), [0-9.]+[kM]?/s, ETA [0-9hms]+)";
  const std::string audit = on_terminal("audit --data-dir " + data);
  INFO(audit);
  CHECK(std::regex_search(audit, std::regex("audited" + progress)));
  const std::string exported = on_terminal("export --data-dir " + data);
  INFO(exported);
  CHECK(std::regex_search(exported, std::regex("exported" + progress)));
  CHECK_THAT(exported, Catch::Matchers::Contains("\033[K500000 events"));
  // Piped (no terminal): standard error stays quiet.
  CHECK_THAT(run_cli("audit --data-dir " + data, true).text(), !Catch::Matchers::Contains("ETA"));
}
