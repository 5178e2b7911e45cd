// Black-box: resource faults end in clear errors and recovery, never a spin or an abort. File
// descriptors run out, one client holds every connection it can, the log's disk fails and comes
// back — on the real binary, with real limits and a real full file system.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/resource.h>

#include <fstream>
#include <memory>
#include <thread>

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/raw_connection.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

std::string with_server(const std::string& data_dir, const std::string& server_keys) {
  std::string cfg = test_config(data_dir);
  cfg.replace(cfg.find("[server]\n"), 9, "[server]\n" + server_keys);
  return cfg;
}

// CPU the server spends over `window` while nothing is asked of it.
double cpu_over(pid_t pid, std::chrono::milliseconds window) {
  const double before = cpu_seconds(pid);
  std::this_thread::sleep_for(window);  // measuring an idle interval, not waiting for work
  return cpu_seconds(pid) - before;
}

// Opens up to `n` connections that never send a byte (connect() succeeds while the kernel's
// backlog has room, whatever the server then does with them).
std::vector<std::unique_ptr<RawConnection>> idle_connections(std::uint16_t port, int n, const std::string& from = {}) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < n; ++i) {
    try {
      held.push_back(std::make_unique<RawConnection>(port, from));
    } catch (const std::exception&) {
      break;  // the backlog is full: enough
    }
  }
  return held;
}

}  // namespace

TEST_CASE("with 256 file descriptors and 400 idle connections the server neither spins nor floods its log, and answers",
          "[blackbox][resources][fds]") {
  TempDir dir;
  ServerProcess server(dir.str(), with_server(dir.str("data"), "max_connections_per_address = 0\n"));
  server.set_open_files_limit(256);
  server.start();
  CHECK(server.log_tail().find("max_connections lowered from 4096 to 128") != std::string::npos);

  auto idle = idle_connections(server.port(), 400);
  REQUIRE(idle.size() >= 300);
  // The server is full of connections that say nothing: a new one still gets in (the one idle
  // the longest makes room) and is answered.
  HttpClient c(server.port(), std::chrono::seconds(5));
  auto w = stripe_webhook("evt_fd_1", unix_now());
  CHECK(c.post(w.target, w.body, w.headers).status == 200);
  CHECK(cpu_over(server.pid(), std::chrono::seconds(2)) < 0.5);

  // Now take descriptors away from it outright: accept() fails with EMFILE.
  rlimit few{40, 256};
  REQUIRE(prlimit(server.pid(), RLIMIT_NOFILE, &few, nullptr) == 0);
  auto more = idle_connections(server.port(), 100, "127.0.0.3");
  const auto log_before = server.log_bytes();
  CHECK(cpu_over(server.pid(), std::chrono::seconds(2)) < 0.5);
  CHECK(server.log_bytes() - log_before < 4096);  // a line per 10 s, not one per failed accept
  CHECK(server.log_tail().find("accept failed") != std::string::npos);

  // Descriptors come back: so does service.
  rlimit enough{256, 256};
  REQUIRE(prlimit(server.pid(), RLIMIT_NOFILE, &enough, nullptr) == 0);
  more.clear();
  idle.clear();
  CHECK(eventually(
      [&] {
        HttpClient fresh(server.port(), std::chrono::seconds(2));
        auto again = stripe_webhook("evt_fd_2", unix_now());
        return fresh.post(again.target, again.body, again.headers).status == 200;
      },
      std::chrono::seconds(15)));
  CHECK(server.terminate() == 0);
}

TEST_CASE("one client address cannot take every connection, and a connection that sends nothing is dropped",
          "[blackbox][resources][connections]") {
  TempDir dir;
  ServerProcess server(dir.str(), with_server(dir.str("data"),
                                              "max_connections = 200\nmax_connections_per_address = 100\n"
                                              "first_byte_timeout_seconds = 2\n"));
  server.start();
  auto hog = idle_connections(server.port(), 300);  // all from 127.0.0.1

  HttpClient other(server.port(), std::chrono::seconds(5));
  other.bind_to("127.0.0.2");
  CHECK(other.get("/health").status == 200);

  // The hog's connections are closed once the first-byte timeout passes; then it may connect again.
  CHECK(eventually([&] { return HttpClient(server.port(), std::chrono::seconds(1)).get("/health").status == 200; },
                   std::chrono::seconds(10)));
  CHECK(metric(other, "bitacora_http_connections_rejected_per_address_total") >= 100);
}

TEST_CASE("a failed log write recovers without a restart once the disk takes writes again, and SIGTERM exits 0",
          "[blackbox][resources][storage]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  const auto now = unix_now();
  std::vector<std::string> acked;
  auto send = [&](const std::string& id) {
    auto w = stripe_webhook(id, now);
    auto r = c.post(w.target, w.body, w.headers);
    if (r.status == 200) acked.push_back("stripe:" + id);
    return r;
  };
  for (int i = 0; i < 10; ++i) REQUIRE(send("evt_before_" + std::to_string(i)).status == 200);

  // No file of the server may grow: the WAL write fails. (Only the soft limit moves: raising a
  // hard limit again needs a capability a test cannot count on.)
  rlimit limits{};
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, nullptr, &limits) == 0);
  rlimit none{0, limits.rlim_max};
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, &none, nullptr) == 0);
  for (int i = 0; i < 5; ++i) {
    auto r = send("evt_during_" + std::to_string(i));
    CHECK(r.status == 503);
    CHECK(Json(r.body).str("/error") == "storage_unavailable");
    CHECK(r.body.find(dir.str()) == std::string::npos);  // no path of the server's disk
  }
  CHECK(c.get("/health").status == 503);

  // Room again: it recovers by itself, and takes webhooks again.
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, &limits, nullptr) == 0);
  CHECK(eventually([&] { return c.get("/health").status == 200; }, std::chrono::seconds(15)));
  for (int i = 0; i < 10; ++i) CHECK(send("evt_after_" + std::to_string(i)).status == 200);

  CHECK(server.terminate() == 0);  // no abort on the way out
  server.start();
  HttpClient after(server.port());
  auto listed = listed_webhooks(after);
  for (const auto& key : acked) CHECK(listed.count(key) == 1);
  server.terminate();
  auto audit = run_cli("audit --data-dir " + dir.str("data"), true);
  INFO(audit.text());
  CHECK(audit.exit_code == 0);
}

TEST_CASE("a full disk (ENOSPC) answers 503, and service comes back when space does", "[blackbox][resources][storage]") {
  TempDir dir;
  const std::string mount_point = dir.str("disk");
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=48m") != 0) {
    WARN("cannot mount a tmpfs here (" << std::strerror(errno) << "): the ENOSPC test needs root; skipped");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};

  ServerProcess server(dir.str(), test_config(mount_point + "/data"));
  server.start();
  HttpClient c(server.port());
  const auto now = unix_now();
  std::vector<std::string> acked;
  int next = 0;
  auto send = [&] {
    auto id = "evt_disk_" + std::to_string(next++);
    auto w = stripe_webhook(id, now);
    auto r = c.post(w.target, w.body, w.headers);
    if (r.status == 200) acked.push_back("stripe:" + id);
    return r.status;
  };
  for (int i = 0; i < 20; ++i) REQUIRE(send() == 200);

  // Fill what is left of the disk.
  const std::string filler = mount_point + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 20, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
  }
  int refused = 0;
  for (int i = 0; i < 50 && refused == 0; ++i) {
    const int status = send();
    CHECK((status == 200 || status == 503));  // a write may still fit in the WAL's last block
    if (status == 503) ++refused;
  }
  REQUIRE(refused > 0);
  CHECK(c.get("/health").status == 503);

  std::filesystem::remove(filler);
  CHECK(eventually([&] { return c.get("/health").status == 200; }, std::chrono::seconds(15)));
  CHECK(send() == 200);
  CHECK(server.terminate() == 0);

  server.start();
  HttpClient after(server.port());
  auto listed = listed_webhooks(after);
  for (const auto& key : acked) CHECK(listed.count(key) == 1);
}
