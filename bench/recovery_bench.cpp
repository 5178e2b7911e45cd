// Recovery benchmark (issue: snapshots, bounded memory, audit tools). For each log size it seeds a
// fresh data directory with cart events through the real log writer (10 per cart), then measures
// against the real `bitacora` binary:
//   - start-up: `bitacora serve` until /health answers, after a clean stop and after SIGKILL, and
//     the first request to an old cart; baseline: the same start over an empty log;
//   - audit: `bitacora audit` (one thread) events/s; baseline: a bare pass over the same RocksDB
//     rows (iterate and read every event, no decoding) in this process;
//   - memory (once, on the smallest size): resident memory per cart actor, empty (woken by a GET)
//     and with lines (three products in the cart), and after they all went idle and left memory.
// Usage: bitacora_bench_recovery [--sizes 100000,1000000,10000000] [--memory-carts 100000]
//        bitacora_bench_recovery --seed-into DIR --events N   (only seed DIR, e.g. to profile audit)
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "http/jwt.hpp"
#include "storage/log.hpp"
#include "tests/harness/cli.hpp"
#include "tests/harness/http_client.hpp"
#include "tests/harness/seed_log.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora;
using Steady = std::chrono::steady_clock;

namespace {

double since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }


std::string shopper(const std::string& user) {
  return "Bearer " + http::sign_jwt_hs256(R"({"sub":")" + user + R"("})", "test-jwt-secret");
}

// Seconds from exec to /health answering.
double start_seconds(testing::ServerProcess& server) {
  auto t = Steady::now();
  server.start(std::chrono::seconds(600));
  return since(t);
}

// `bitacora audit`'s own figures from its summary: events/s overall (opening included) and
// folding alone; and its wall time.
struct AuditRun {
  double rate = 0;
  double fold_rate = 0;
  double wall = 0;
};

AuditRun run_audit(const std::string& data_dir) {
  auto t = Steady::now();
  const auto cli = testing::run_cli("audit --data-dir " + data_dir, true);
  const std::string out = cli.text();
  AuditRun run;
  run.wall = since(t);
  if (cli.exit_code != 0) std::fprintf(stderr, "audit exited %d:\n%s\n", cli.exit_code, out.c_str());
  auto number_after = [&out](std::size_t from, std::string_view mark) {
    auto at = out.find(mark, from);
    return at == std::string::npos ? 0.0 : std::atof(out.c_str() + at + mark.size());
  };
  run.rate = number_after(0, " s (");
  run.fold_rate = number_after(out.find("  fold: "), " s (");
  return run;
}

// Baseline: every event row read once, nothing decoded.
double bare_pass_rate(const std::string& data_dir) {
  storage::LogOptions o;
  o.dir = data_dir;
  auto log = storage::EventLog::open(o, storage::OpenMode::read_only);
  if (!log) return 0;
  std::uint64_t n = 0, bytes = 0;
  auto t = Steady::now();
  (void)(*log)->for_each_event(1, [&](events::Seq, std::string_view b) {
    ++n;
    bytes += b.size();
    return true;
  });
  return static_cast<double>(n) / since(t);
}

void measure_size(std::uint64_t events, double empty_start) {
  testing::TempDir dir;
  const std::string data = dir.str("data");
  auto t = Steady::now();
  auto last = testing::seed_carts(data, events / 10, 10);
  std::printf("\n%llu events (seeded in %.1f s, last seq %llu)\n", static_cast<unsigned long long>(events), since(t),
              static_cast<unsigned long long>(last));

  const std::string config = testing::test_config(data);
  double clean = 0, crashed = 0, first_ms = 0;
  {
    testing::ServerProcess server(dir.str(), config);
    clean = start_seconds(server);
    testing::HttpClient c(server.port());
    auto tf = Steady::now();
    auto r = c.get("/api/cart", {{"Authorization", shopper("seed-" + std::to_string(events / 20))}});
    first_ms = since(tf) * 1000;
    if (r.status != 200 || r.body.find("\"quantity\":10") == std::string::npos)
      std::fprintf(stderr, "old cart answered %d %s\n", r.status, r.body.c_str());
    server.kill_hard();
    testing::ServerProcess again(dir.str(), config);
    crashed = start_seconds(again);
    again.terminate();
  }
  std::printf("  start-up to /health: %.3f s after a clean stop, %.3f s after SIGKILL (baseline, empty log: %.3f s)\n", clean,
              crashed, empty_start);
  std::printf("  first request to an old cart: %.2f ms\n", first_ms);
  const auto audit = run_audit(data);
  std::printf("  audit: %.0f events/s (%.1f s wall), %.0f events/s folding alone; baseline bare pass over the rows: %.0f events/s\n",
              audit.rate, audit.wall, audit.fold_rate, bare_pass_rate(data));
}

// Resident memory per live cart actor (nothing leaves memory during this: idle_seconds = 3600),
// empty and with three lines; then, on a server with idle_seconds = 2, what is left once they
// all went idle and left memory.
void measure_memory(int carts) {
  static constexpr const char* kLongId = "auth0|64b7f3a9c1e2d4f5a6b7c8-";  // ids as identity providers issue them
  auto admin = testing::Headers{{"Authorization", std::string("Bearer ") + testing::secrets::admin_token}};
  // RocksDB's own memory (memtables of the events just appended, cached table blocks) grows with
  // the log, not with the actors; it is read from /metrics and shown apart.
  auto rocksdb_bytes = [](testing::HttpClient& c) {
    auto m = c.get("/metrics").body;
    double total = 0;
    for (const char* name : {"\nbitacora_log_memtable_bytes ", "\nbitacora_log_block_cache_bytes "})
      if (auto at = m.find(name); at != std::string::npos) total += std::atof(m.c_str() + at + std::strlen(name));
    return total;
  };
  // get: GET each cart (new ones wake empty, filled ones wake with their lines from the log);
  // fill: put three lines in each (appends one event per cart).
  auto touch = [&](testing::ServerProcess& server, const std::string& prefix, int n, bool fill, const char* what) {
    testing::HttpClient c(server.port());
    const long before = testing::resident_kib(server.pid());
    const double rocks_before = rocksdb_bytes(c);
    auto t = Steady::now();
    for (int i = 0; i < n; ++i) {
      testing::Headers h{{"Authorization", shopper(prefix + std::to_string(i))}};
      if (fill) c.post("/api/cart/bulk-update", R"({"a":1,"b":2,"c":3})", h);
      else c.get("/api/cart", h);
    }
    const double secs = since(t);
    const long after = testing::resident_kib(server.pid());
    const double rocks = rocksdb_bytes(c) - rocks_before;
    const double grown = static_cast<double>(after - before) * 1024.0;
    std::printf("  %d cart actors, %s, in %.1f s: RSS %ld → %ld KiB, %.0f bytes per actor; RocksDB memory grew %.0f KiB,"
                " so %.0f bytes per actor without it\n",
                n, what, secs, before, after, grown / n, rocks / 1024, (grown - rocks) / n);
    return after;
  };
  std::printf("\nmemory per cart actor\n");
  {
    testing::TempDir dir;
    testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data"), "[actors]\nidle_seconds = 3600\n"));
    server.start();
    testing::HttpClient c(server.port());
    for (const char* sku : {"a", "b", "c"})
      c.request("PUT", std::string("/api/products/") + sku, R"({"name":"P","price_in_cents":100,"currency":"COP","stock":1000000})",
                admin);
    std::printf("  baseline: RSS at start %ld KiB\n", testing::resident_kib(server.pid()));
    touch(server, "empty-", carts, false, "empty (new shoppers)");
    touch(server, "full-", carts / 5, true, "filled with 3 lines");
    touch(server, kLongId, carts / 5, true, "filled with 3 lines, ids of 30+ characters");
    server.terminate();
    // The same filled carts woken from the log by a fresh server: nothing is appended, so the
    // growth is the actors' (and the block cache's, shown apart).
    testing::ServerProcess again(dir.str(), testing::test_config(dir.str("data"), "[actors]\nidle_seconds = 3600\n"));
    again.start();
    std::printf("  restarted: RSS at start %ld KiB\n", testing::resident_kib(again.pid()));
    touch(again, "full-", carts / 5, false, "with 3 lines, woken from the log after a restart");
    touch(again, kLongId, carts / 5, false, "with 3 lines and ids of 30+ characters, woken from the log");
    again.terminate();
  }
  testing::TempDir dir;
  testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data"), "[actors]\nidle_seconds = 2\n"));
  server.start();
  const long peak = touch(server, "idle-", carts, false, "empty, on a server with idle_seconds = 2");
  testing::HttpClient c(server.port());
  const auto t = Steady::now();
  while (since(t) < 60) {
    auto m = c.get("/metrics").body;
    auto at = m.find("\nbitacora_actors_alive ");
    if (at != std::string::npos && std::atof(m.c_str() + at + 23) < 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a poll interval
  }
  std::printf("  idle_seconds = 2: after all left memory (%.1f s after the last touch): RSS %ld KiB (was %ld)\n", since(t),
              testing::resident_kib(server.pid()), peak);
  server.terminate();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint64_t> sizes{100'000, 1'000'000};
  int memory_carts = 100'000;
  std::string seed_into;
  std::uint64_t seed_events = 1'000'000;
  CLI::App cli{"Start-up against log size, audit speed, and memory per cart actor, against the real binary"};
  cli.add_option("--sizes", sizes, "Log sizes in events, comma-separated (\"\": none, only the memory measurement)")
      ->delimiter(',')
      ->expected(0, -1);
  cli.add_option("--memory-carts", memory_carts, "Cart actors for the memory measurement (0: skip it)")->check(CLI::NonNegativeNumber);
  auto* seed = cli.add_option("--seed-into", seed_into, "Only seed this directory with cart events, then exit");
  cli.add_option("--events", seed_events, "Events to seed with --seed-into")->needs(seed)->check(CLI::PositiveNumber);
  CLI11_PARSE(cli, argc, argv);
  std::erase(sizes, 0);  // `--sizes ""` reads as one 0
  if (!seed_into.empty()) {
    auto last = testing::seed_carts(seed_into, seed_events / 10, 10);
    std::printf("seeded %s: last seq %llu\n", seed_into.c_str(), static_cast<unsigned long long>(last));
    return 0;
  }
  double empty_start = 0;
  {
    testing::TempDir dir;
    testing::ServerProcess server(dir.str(), testing::test_config(dir.str("data")));
    empty_start = start_seconds(server);
  }
  std::printf("bitacora recovery benchmark; baseline start-up over an empty log: %.3f s\n", empty_start);
  for (auto n : sizes) measure_size(n, empty_start);
  if (memory_carts > 0) measure_memory(memory_carts);
  return 0;
}
