// Fault tests: SIGKILL mid-load, and a log that cannot be written. The real binary, real RocksDB.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

TEST_CASE("every webhook answered 200 survives a SIGKILL, listed exactly once (three kill points)",
          "[blackbox][crash]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  constexpr int kConnections = 32;
  constexpr int kPerConnection = 160;  // 5,120 distinct webhooks per round
  std::map<std::string, std::string> acked;  // key → event_id, across all rounds

  for (int round : {1, 2, 3}) {
    const int kill_after = round * 1200;  // acknowledgements before the kill: a different point each round
    INFO("round " << round << ", kill after " << kill_after << " acknowledgements");
    server.start();
    const auto now = unix_now();
    std::vector<std::vector<SignedWebhook>> work(kConnections);
    for (int t = 0; t < kConnections; ++t)
      for (int i = 0; i < kPerConnection; ++i)
        work[t].push_back(stripe_webhook("evt_r" + std::to_string(round) + "_" + std::to_string(t) + "_" + std::to_string(i), now));

    std::atomic<int> acks{0};
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int t = 0; t < kConnections; ++t) {
      clients.emplace_back([&, t] {
        HttpClient c(server.port(), std::chrono::seconds(5));
        for (const auto& w : work[t]) {
          auto r = c.post(w.target, w.body, w.headers);
          if (r.status == 0) break;  // the server is gone
          if (r.status == 200) {
            Json j(r.body);
            std::lock_guard lock(mu);
            acked["stripe:" + w.body.substr(7, w.body.find('"', 7) - 7)] = j.str("/event_id");
            ++acks;
          }
        }
      });
    }
    REQUIRE(eventually([&] { return acks.load() >= kill_after; }, std::chrono::seconds(60)));
    server.kill_hard();
    for (auto& t : clients) t.join();
    REQUIRE(acks.load() < kConnections * kPerConnection);  // the kill really was mid-load

    server.start();
    HttpClient c(server.port());
    auto listed = listed_webhooks(c);
    std::size_t missing = 0, doubled = 0, wrong_id = 0;
    for (const auto& [key, id] : acked) {
      auto it = listed.find(key);
      if (it == listed.end()) ++missing;
      else if (it->second.size() != 1) ++doubled;
      else if (it->second.front() != id) ++wrong_id;
    }
    CHECK(missing == 0);
    CHECK(doubled == 0);
    CHECK(wrong_id == 0);
    for (const auto& [key, ids] : listed) CHECK(ids.size() == 1);
    server.kill_hard();
  }
}

TEST_CASE("when the log cannot be written, webhooks get 503 (never 200) and /health is degraded",
          "[blackbox][storage]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto now = unix_now();
  std::vector<std::string> stored;
  for (int i = 0; i < 20; ++i) {
    auto w = stripe_webhook("evt_ok_" + std::to_string(i), now);
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
    stored.push_back("stripe:evt_ok_" + std::to_string(i));
  }
  REQUIRE(c.get("/health").status == 200);

  // A full disk, as the process sees it: no file of the server may grow any more.
  struct rlimit none{0, 0};
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, &none, nullptr) == 0);
  for (int i = 0; i < 20; ++i) {
    auto w = stripe_webhook("evt_full_" + std::to_string(i), now);
    auto r = c.post(w.target, w.body, w.headers);
    CHECK(r.status == 503);
    CHECK(Json(r.body).str("/error") == "storage_unavailable");
  }
  auto health = c.get("/health");
  CHECK(health.status == 503);
  CHECK(Json(health.body).str("/status") == "degraded");

  // Nothing acknowledged was lost: after a restart with room again, all of it is there.
  server.kill_hard();
  server.start();
  HttpClient after(server.port());
  auto listed = listed_webhooks(after);
  for (const auto& key : stored) CHECK(listed.count(key) == 1);
  CHECK(after.get("/health").status == 200);
}

TEST_CASE("SIGTERM finishes in-flight work, exits 0, and keeps everything acknowledged", "[blackbox][shutdown]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto now = unix_now();
  for (int i = 0; i < 50; ++i) {
    auto w = stripe_webhook("evt_term_" + std::to_string(i), now);
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
  }
  CHECK(server.terminate() == 0);
  server.start();
  HttpClient after(server.port());
  CHECK(listed_webhooks(after).size() == 50);
}
