// Black-box: the HTTP layer's limits and operations endpoints (API.md §1, §5).
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;
namespace net = boost::asio;

namespace {

// A raw connection, to behave as a slow or idle client would.
struct RawConnection {
  net::io_context ioc;
  net::ip::tcp::socket socket{ioc};
  explicit RawConnection(std::uint16_t port) { socket.connect({net::ip::make_address("127.0.0.1"), port}); }
  void send(const std::string& bytes) { net::write(socket, net::buffer(bytes)); }
  // True when the server closes the connection within `deadline` (reads and discards any answer).
  bool closed_by_server_within(std::chrono::seconds deadline) {
    ::timeval tv{static_cast<time_t>(deadline.count()), 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
      if (n == 0) return true;                    // orderly close
      if (n < 0) return errno == ECONNRESET;      // EAGAIN: the deadline passed with it open
    }
  }
};

}  // namespace

TEST_CASE("an idle keep-alive connection and a slow request are both closed by their timeouts", "[blackbox][http]") {
  TempDir dir;
  std::string cfg = test_config(dir.str("data"));
  cfg.replace(cfg.find("[server]\n"), 9, "[server]\nidle_timeout_seconds = 1\nread_timeout_seconds = 1\n");
  ServerProcess limited(dir.str(), cfg);
  limited.start();

  RawConnection idle(limited.port());
  CHECK(idle.closed_by_server_within(std::chrono::seconds(5)));

  RawConnection slow(limited.port());
  slow.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":");  // and then nothing
  CHECK(slow.closed_by_server_within(std::chrono::seconds(5)));

  HttpClient c(limited.port());
  CHECK(c.get("/health").status == 200);  // and the server is still fine
}

TEST_CASE("an oversized header block is 431, an unknown route 404, a wrong method 405, all in the error shape",
          "[blackbox][http]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto big = c.get("/health", {{"X-Padding", std::string(20000, 'a')}});
  CHECK(big.status == 431);
  CHECK(Json(big.body).str("/error") == "headers_too_large");

  HttpClient c2(server.port());
  auto missing = c2.get("/nope");
  CHECK(missing.status == 404);
  CHECK(Json(missing.body).has("/message"));
  auto wrong = c2.get("/webhooks/stripe");
  CHECK(wrong.status == 405);
  CHECK(Json(wrong.body).str("/error") == "method_not_allowed");
}

TEST_CASE("connections past max_connections are closed at once, and room frees up again", "[blackbox][http]") {
  TempDir dir;
  std::string cfg = test_config(dir.str("data"));
  cfg.replace(cfg.find("[server]\n"), 9, "[server]\nmax_connections = 3\n");
  ServerProcess server(dir.str(), cfg);
  server.start();
  // start() polled /health on connections of its own; wait until the server has let them go.
  std::vector<std::unique_ptr<HttpClient>> held;
  REQUIRE(eventually([&] {
    held.clear();
    for (int i = 0; i < 3; ++i) {
      held.push_back(std::make_unique<HttpClient>(server.port()));
      if (held.back()->get("/health").status != 200) return false;
    }
    return true;
  }));
  RawConnection extra(server.port());
  CHECK(extra.closed_by_server_within(std::chrono::seconds(5)));

  held.pop_back();  // closes one
  CHECK(eventually([&] { return HttpClient(server.port()).get("/health").status == 200; }));
}

TEST_CASE("/health reports storage and webhooks, /metrics counts requests, appends and fsync batches",
          "[blackbox][operations]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto now = unix_now();
  // Standard Webhooks sources have no order effect: each is received, then processed (succeeded).
  for (int i = 0; i < 5; ++i) {
    auto w = standard_webhook("msg_m" + std::to_string(i), now, R"({"type":"ping"})");
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
  }
  REQUIRE(eventually([&] { return Json(c.get("/health").body).num("/storage/last_seq") == 10; }));
  Json health(c.get("/health").body);
  CHECK(health.str("/status") == "ok");
  CHECK(health.num("/webhooks/pending") == 0);
  CHECK(health.num("/webhooks/failed") == 0);
  CHECK(health.num("/reservations/active") == 0);
  CHECK(health.has("/uptime_s"));

  auto metrics = c.get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.headers["content-type"].rfind("text/plain", 0) == 0);
  const auto& text = metrics.body;
  CHECK(text.find("bitacora_http_requests_total{route=\"/webhooks/standard/{source}\",code=\"200\"} 5\n") != std::string::npos);
  CHECK(text.find("bitacora_http_request_duration_seconds_bucket{route=\"/webhooks/standard/{source}\",code=\"200\",le=\"+Inf\"} 5\n") !=
        std::string::npos);
  CHECK(text.find("bitacora_events_appended_total 10\n") != std::string::npos);
  CHECK(text.find("bitacora_fsync_batches_total ") != std::string::npos);
  CHECK(text.find("bitacora_fsync_batch_requests_count ") != std::string::npos);
  CHECK(text.find("bitacora_webhooks{status=\"pending\"} 0\n") != std::string::npos);
}
