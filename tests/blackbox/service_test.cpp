// Black-box: what running bitacora as a service relies on — sd_notify READY=1 once the port is
// bound and STOPPING=1 on shutdown (a Type=notify unit), secrets read from files and from systemd
// credentials, and `check-config` validating and showing the settings with every secret hidden.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>

#include "tests/harness/cli.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;
using Catch::Matchers::Contains;

namespace {

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  [[nodiscard]] const std::string& path() const { return path_; }

  // Messages received until one contains `what` (all of them, joined), or until the deadline.
  std::string until(const std::string& what, std::chrono::seconds deadline = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (received_.find(what) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) received_.append(buffer, static_cast<std::size_t>(n)).append("\n");
    }
    return received_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::string received_;
};

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// test_config without its admin token line (so it can come from elsewhere).
std::string without_admin_token(std::string config) {
  const auto at = config.find("admin_token");
  REQUIRE(at != std::string::npos);
  config.erase(at, config.find('\n', at) + 1 - at);
  return config;
}

}  // namespace

TEST_CASE("a Type=notify supervisor hears READY=1 once the port is bound, and STOPPING=1 on shutdown", "[blackbox][service]") {
  TempDir dir;
  NotifySocket notify(dir.str("notify.sock"));
  ServerProcess server(dir.str(), test_config(dir.str("data")), {"NOTIFY_SOCKET=" + notify.path()});
  server.start();
  const std::string ready = notify.until("READY=1");
  CHECK_THAT(ready, Contains("READY=1"));
  CHECK_THAT(ready, Contains("STATUS=listening on 127.0.0.1:" + std::to_string(server.port())));
  CHECK(server.terminate() == 0);
  CHECK_THAT(notify.until("STOPPING=1"), Contains("STOPPING=1"));
}

TEST_CASE("the admin token can come from a file or a systemd credential instead of the config", "[blackbox][service]") {
  TempDir dir;
  write(dir.str("admin-token"), "token-from-a-file\n");
  SECTION("admin_token_file") {
    std::string config = without_admin_token(test_config(dir.str("data")));
    config.replace(config.find("[auth]\n"), 7, "[auth]\nadmin_token_file = \"" + dir.str("admin-token") + "\"\n");
    ServerProcess server(dir.str(), config);
    server.start();
    HttpClient c(server.port());
    CHECK(c.get("/api/scheduler", {{"Authorization", "Bearer token-from-a-file"}}).status == 200);
    CHECK(c.get("/api/scheduler", as_admin()).status == 401);
  }
  SECTION("$CREDENTIALS_DIRECTORY/auth.admin_token") {
    std::filesystem::create_directories(dir.str("credentials"));
    write(dir.str("credentials/auth.admin_token"), "token-from-a-credential\n");
    ServerProcess server(dir.str(), without_admin_token(test_config(dir.str("data"))),
                         {"CREDENTIALS_DIRECTORY=" + dir.str("credentials")});
    server.start();
    HttpClient c(server.port());
    CHECK(c.get("/api/scheduler", {{"Authorization", "Bearer token-from-a-credential"}}).status == 200);
  }
}

TEST_CASE("check-config validates and prints the settings in effect, never a secret", "[blackbox][service]") {
  TempDir dir;
  const std::string config = test_config(dir.str("data"));
  write(dir.str("good.toml"), config);
  auto good = run_cli("check-config --config " + dir.str("good.toml"), true);
  INFO(good.text());
  CHECK(good.exit_code == 0);
  CHECK_THAT(good.text(), Contains("valid") && Contains("[storage]") && Contains("dir = \"" + dir.str("data") + "\""));
  CHECK_THAT(good.text(), Contains("# admin_token: set (hidden)"));
  for (const char* secret : {secrets::admin_token, secrets::wompi_events, secrets::mercadopago, secrets::stripe, secrets::standard})
    CHECK_THAT(good.text(), !Contains(secret));

  write(dir.str("bad.toml"), config + "\n[server]\nmax_body_bytes = -1\n");
  auto bad = run_cli("check-config --config " + dir.str("bad.toml"), true);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.text(), Contains(dir.str("bad.toml")));

  auto typo = run_cli("check-config --config " + dir.str("good.toml") + " --conifg x", true);
  CHECK(typo.exit_code == 2);
}
