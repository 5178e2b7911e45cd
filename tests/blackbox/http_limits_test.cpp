// Black-box: the HTTP layer's limits and operations endpoints (API.md §1, §5).
#include <catch2/catch.hpp>

#include "tests/harness/json.hpp"
#include "tests/harness/raw_connection.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

TEST_CASE("a silent new connection, an idle keep-alive connection and a slow request are each closed by their timeouts",
          "[blackbox][http]") {
  TempDir dir;
  std::string cfg = test_config(dir.str("data"));
  cfg.replace(cfg.find("[server]\n"), 9,
              "[server]\nfirst_byte_timeout_seconds = 1\nidle_timeout_seconds = 2\nread_timeout_seconds = 1\n");
  ServerProcess limited(dir.str(), cfg);
  limited.start();

  RawConnection silent(limited.port());
  CHECK(silent.closed_by_server_within(std::chrono::seconds(4)));

  // A keep-alive connection that was answered once waits the (longer) idle timeout for the next.
  RawConnection kept(limited.port());
  kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto answered_at = std::chrono::steady_clock::now();
  auto answer = kept.read_until_closed(std::chrono::seconds(6));
  CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(std::chrono::steady_clock::now() - answered_at >= std::chrono::milliseconds(1500));

  RawConnection slow(limited.port());
  slow.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":");  // and then nothing
  CHECK(slow.closed_by_server_within(std::chrono::seconds(4)));

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
