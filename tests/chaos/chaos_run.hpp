// A chaos run on the real binary: one data directory, one fake Mercado Pago, and cycles of
// start → mixed load from client threads → SIGKILL at a moment drawn from the seed → restart →
// the invariants of checks.hpp. The server stays up from one cycle's checks into the next
// cycle's load. Driven from one thread (main); the client threads live within run_cycle.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tests/chaos/checks.hpp"
#include "tests/chaos/findings.hpp"
#include "tests/chaos/ledger.hpp"
#include "tests/harness/fake_mercadopago.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::chaos {

struct RunOptions {
  int cycles = 5;
  std::uint64_t seed = 0;
  int ttl_seconds = 2;  // reservations.ttl_seconds
  // The kill comes after a delay drawn from [max_load_ms / 10, max_load_ms]; half the cycles the
  // server then stays down for a while drawn from [0, ttl + 1 s], so deadlines pass meanwhile.
  int max_load_ms = 3000;
  int threads = 6;       // client threads, 1–16
  std::string work_dir;  // holds data/, bitacora.toml and server.log
};

struct CycleReport {
  int cycle = 0;
  int kill_delay_ms = 0;
  int down_ms = 0;  // how long the server stayed down after the kill
  int requests = 0, unanswered = 0, unavailable = 0;
  int resent = 0;          // notifications the last kill left unanswered, sent again first
  int acknowledged = 0;    // webhook requests answered 200 this cycle (repeats included)
  int webhooks_total = 0;  // distinct webhooks acknowledged in the whole run
  int orders = 0;          // checkouts answered 201 this cycle (idempotent repeats included)
  int orders_total = 0;    // distinct orders answered 201 in the whole run
  int late_approvals = 0;  // approvals sent this cycle for an order past its expires_at
  int checks_passed = 0;
  static constexpr int kChecks = 5;
  ExpiryResult expiry;
  double seconds = 0;
  bool can_go_on = true;  // false when the server could not be restarted
};

class ChaosRun {
 public:
  explicit ChaosRun(RunOptions options);
  ChaosRun(const ChaosRun&) = delete;
  ChaosRun& operator=(const ChaosRun&) = delete;

  [[nodiscard]] CycleReport run_cycle(int cycle);
  [[nodiscard]] const Findings& findings() const { return findings_; }
  [[nodiscard]] std::string log_path() const { return options_.work_dir + "/server.log"; }

 private:
  [[nodiscard]] bool start_server(int cycle);
  void define_products();
  [[nodiscard]] bool died_on_its_own() const;
  [[nodiscard]] CheckContext context(int cycle, testing::HttpClient& c);

  RunOptions options_;
  std::vector<std::string> skus_;
  testing::FakeMercadoPago mercadopago_;
  testing::ServerProcess server_;
  Ledger ledger_;
  Findings findings_;
  std::set<std::string> measured_expiries_;
};

}  // namespace bitacora::chaos
