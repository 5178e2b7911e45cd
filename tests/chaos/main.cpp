// bitacora_chaos: the chaos tier (docs/chaos.md). Cycles of load, SIGKILL at a random moment,
// restart and invariant checks on the real binary; prints the seed so a failing run can be
// replayed, one line per cycle and a summary; exits 1 naming every invariant violated.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>

#include "support/log.hpp"
#include "tests/chaos/chaos_run.hpp"

using namespace bitacora::chaos;

namespace {

std::string fresh_work_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "bitacora-chaos-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

double ms(bitacora::Micros us) { return static_cast<double>(us) / 1000.0; }

void print(const CycleReport& r, int cycles) {
  std::printf("cycle %3d/%d  kill after %4d ms, down %4d ms | %5d requests: %4d webhook acks, %3d checkouts, %2d unanswered, %2d resent",
              r.cycle, cycles, r.kill_delay_ms, r.down_ms, r.requests, r.acknowledged, r.orders, r.unanswered, r.resent);
  if (r.unavailable) std::printf(", %d answered 503", r.unavailable);
  std::printf(" | run: %6d webhooks, %5d orders | checks %d/%d | ", r.webhooks_total, r.orders_total, r.checks_passed,
              CycleReport::kChecks);
  if (r.expiry.measured)
    std::printf("worst expiry lateness %6.1f ms (%3d expiries, %2d due while down)", ms(r.expiry.worst_lateness), r.expiry.measured,
                r.expiry.fell_due_while_down);
  else
    std::printf("no expiries to measure");
  std::printf("  | %.1f s\n", r.seconds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions o;
  o.seed = std::random_device{}();
  bool keep = false;
  CLI::App cli{
      "Chaos tier: mixed load on the real bitacora binary, SIGKILL at a moment drawn from the seed, restart, "
      "and the invariants checked after every restart (docs/chaos.md)"};
  cli.add_option("--cycles", o.cycles, "Kill-and-restart cycles")->check(CLI::PositiveNumber)->capture_default_str();
  cli.add_option("--seed", o.seed, "Seed of every choice and kill delay (default: random, printed)");
  cli.add_option("--ttl-seconds", o.ttl_seconds, "reservations.ttl_seconds of the server")->check(CLI::Range(1, 60))->capture_default_str();
  cli.add_option("--duration-per-cycle-ms", o.max_load_ms, "Longest load before the kill; the delay is drawn from [1/10 of it, it]")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  cli.add_option("--threads", o.threads, "Client threads")->check(CLI::Range(1, 16))->capture_default_str();
  cli.add_option("--work-dir", o.work_dir,
                 "Directory for data/, bitacora.toml and server.log, without a data/ yet (kept; "
                 "default: a fresh one under /tmp, removed when every check passed)");
  cli.add_flag("--keep", keep, "Keep the default work directory even when every check passed");
  CLI11_PARSE(cli, argc, argv);
  const bool own_dir = o.work_dir.empty();
  bitacora::set_log_level(spdlog::level::warn);  // the fake Mercado Pago's own server, in this process

  try {
    if (own_dir) o.work_dir = fresh_work_dir();
    std::filesystem::create_directories(o.work_dir);
    // The checks compare the log with what this run did: a log from another run would not match.
    if (std::filesystem::exists(o.work_dir + "/data")) throw std::runtime_error(o.work_dir + "/data exists: give a new work dir");
    std::printf("bitacora_chaos: seed %llu, %d cycles, %d threads, ttl %d s, load up to %d ms per cycle, work dir %s\n",
                static_cast<unsigned long long>(o.seed), o.cycles, o.threads, o.ttl_seconds, o.max_load_ms, o.work_dir.c_str());
    std::fflush(stdout);
    const auto began = std::chrono::steady_clock::now();
    ChaosRun run(o);
    int cycles_run = 0, all_passed = 0, requests = 0, late_approvals = 0, webhooks = 0, orders = 0;
    bitacora::Micros worst_lateness = 0;
    int expiries = 0, due_while_down = 0;
    for (int cycle = 1; cycle <= o.cycles; ++cycle) {
      auto report = run.run_cycle(cycle);
      ++cycles_run;
      if (!report.can_go_on) {
        std::printf("cycle %3d/%d  the server could not be started; stopping\n", cycle, o.cycles);
        break;
      }
      print(report, o.cycles);
      all_passed += report.checks_passed == CycleReport::kChecks ? 1 : 0;
      requests += report.requests;
      late_approvals += report.late_approvals;
      webhooks = report.webhooks_total;
      orders = report.orders_total;
      if (report.expiry.measured) {
        worst_lateness = expiries ? std::max(worst_lateness, report.expiry.worst_lateness) : report.expiry.worst_lateness;
        expiries += report.expiry.measured;
        due_while_down += report.expiry.fell_due_while_down;
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

    const auto violations = run.findings().all();
    std::printf(
        "summary: %d cycles in %.1f s, %d with every check passed; %d requests, %d distinct webhooks acknowledged, %d orders, %d "
        "approvals sent past the order's expires_at; worst expiry lateness %.1f ms over %d expiries (%d due while down); %zu violations\n",
        cycles_run, seconds, all_passed, requests, webhooks, orders, late_approvals, ms(worst_lateness), expiries, due_while_down,
        violations.size());
    if (violations.empty()) {
      if (own_dir && !keep) std::filesystem::remove_all(o.work_dir);
      return 0;
    }
    std::map<std::string, int> by_invariant;
    for (const auto& v : violations) {
      ++by_invariant[v.invariant];
      std::printf("violation (cycle %d) %s: %s\n", v.cycle, v.invariant.c_str(), v.detail.c_str());
    }
    for (const auto& [name, n] : by_invariant) std::printf("VIOLATED: %s (%d)\n", name.c_str(), n);
    std::printf("replay: %s --seed %llu --cycles %d --threads %d --ttl-seconds %d --duration-per-cycle-ms %d\n", argv[0],
                static_cast<unsigned long long>(o.seed), o.cycles, o.threads, o.ttl_seconds, o.max_load_ms);
    std::printf("kept: %s (server.log, data/)\n", o.work_dir.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bitacora_chaos: %s (work dir %s)\n", e.what(), o.work_dir.c_str());
    return 2;
  }
}
