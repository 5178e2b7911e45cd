#include "tests/chaos/chaos_run.hpp"

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/chaos/client_load.hpp"
#include "tests/chaos/credentials.hpp"

namespace bitacora::chaos {

namespace {

// The catalog: few products, little stock, so checkouts compete and adjustments matter.
struct Product {
  const char* sku;
  std::int64_t price_in_cents, stock;
};
constexpr Product kCatalog[] = {
    {"chaos-mug", 2500, 30}, {"chaos-tee", 4200, 20}, {"chaos-cap", 990, 15}, {"chaos-pin", 300, 40}, {"chaos-bag", 12000, 5}};

// Short reservations and retries, so they come due within a cycle; actors that leave memory
// after a second idle and snapshot every 10 events, so kills also land while state is being
// snapshotted and actors wake from snapshots, not only from their whole streams.
std::string server_config(const RunOptions& o) {
  return testing::test_config(o.work_dir + "/data", "[reservations]\nttl_seconds = " + std::to_string(o.ttl_seconds) +
                                                        "\n[retries]\nschedule_seconds = [1, 1]\n"
                                                        "[snapshots]\nevery_events = 10\n[actors]\nidle_seconds = 1\n");
}

Micros now_us() { return SystemClock::instance().now_us(); }

}  // namespace

ChaosRun::ChaosRun(RunOptions options)
    : options_(std::move(options)),
      server_(options_.work_dir, server_config(options_),
              {"BITACORA_MERCADOPAGO_API_BASE=" + mercadopago_.base_url(), "BITACORA_LOG_LEVEL=info"}) {
  for (const auto& p : kCatalog) skus_.emplace_back(p.sku);
}

bool ChaosRun::start_server(int cycle) {
  const auto spawned = now_us();
  try {
    server_.start();
  } catch (const std::exception& e) {
    findings_.add(cycle, invariant::stays_up, std::string("the server does not start again: ") + e.what());
    return false;
  }
  ledger_.server_started(spawned, now_us());
  return true;
}

void ChaosRun::define_products() {
  testing::HttpClient c(server_.port());
  for (const auto& p : kCatalog) {
    auto r = c.request("PUT", std::string("/api/products/") + p.sku,
                       std::string(R"({"name":"Chaos )") + p.sku + R"(","price_in_cents":)" + std::to_string(p.price_in_cents) +
                           R"(,"currency":"COP","stock":)" + std::to_string(p.stock) + "}",
                       as_admin());
    if (r.status != 200) throw std::runtime_error(std::string("cannot define ") + p.sku + ": " + r.body);
    ledger_.product_defined(p.sku, p.stock);
  }
}

// A process that exited and was not reaped is a zombie ('Z' in /proc/<pid>/stat).
bool ChaosRun::died_on_its_own() const {
  std::ifstream stat("/proc/" + std::to_string(server_.pid()) + "/stat");
  std::string pid, name, state;
  stat >> pid >> name >> state;
  return !stat || state == "Z";
}

CheckContext ChaosRun::context(int cycle, testing::HttpClient& c) { return {cycle, &c, &ledger_, &findings_, skus_}; }

CycleReport ChaosRun::run_cycle(int cycle) {
  const auto began = std::chrono::steady_clock::now();
  CycleReport report;
  report.cycle = cycle;
  if (!server_.running()) {
    if (!start_server(cycle)) {
      report.can_go_on = false;
      return report;
    }
    if (cycle == 1) define_products();
  }

  // Load, then the kill at a moment drawn from the seed.
  auto rng = rng_for(options_.seed, static_cast<std::uint64_t>(cycle), 0);
  report.kill_delay_ms = static_cast<int>(uniform(rng, options_.max_load_ms / 10, options_.max_load_ms));
  report.down_ms = chance(rng, 0.5) ? static_cast<int>(uniform(rng, 0, options_.ttl_seconds * 1000 + 1000)) : 0;
  LoadStats stats;
  std::atomic<bool> stop{false};
  LoadPlan plan{server_.port(), cycle, options_.seed, skus_, &mercadopago_, &ledger_, &findings_, &stats, &stop};
  auto resend = ledger_.take_unanswered();
  report.resent = static_cast<int>(resend.size());
  std::vector<std::thread> clients;
  for (int t = 0; t < options_.threads; ++t) {
    std::vector<Notification> mine;
    for (std::size_t i = static_cast<std::size_t>(t); i < resend.size(); i += static_cast<std::size_t>(options_.threads))
      mine.push_back(resend[i]);
    clients.emplace_back([&plan, t, mine = std::move(mine)]() mutable { run_client(plan, t, std::move(mine)); });
  }
  // The chaos schedule itself, not a wait for work: the server dies whatever it is doing then.
  std::this_thread::sleep_for(std::chrono::milliseconds(report.kill_delay_ms));
  if (died_on_its_own()) findings_.add(cycle, invariant::stays_up, "the server had exited before the kill; see " + log_path());
  server_.kill_hard();
  ledger_.server_killed(now_us());
  stop = true;
  for (auto& t : clients) t.join();
  report.requests = stats.requests;
  report.unanswered = stats.unanswered;
  report.unavailable = stats.unavailable;
  report.acknowledged = stats.acknowledged;
  report.orders = stats.orders;
  report.late_approvals = stats.late_approvals;

  std::this_thread::sleep_for(std::chrono::milliseconds(report.down_ms));  // the schedule again: time passes, nothing runs
  if (!start_server(cycle)) {
    report.can_go_on = false;
    return report;
  }
  testing::HttpClient c(server_.port(), std::chrono::seconds(30));
  const auto ctx = context(cycle, c);
  report.expiry = check_expiries(ctx, measured_expiries_);
  const bool settled = webhooks_settle(ctx);
  const bool passed[CycleReport::kChecks] = {check_webhooks_kept(ctx) && settled, check_paid_once(ctx), check_not_oversold(ctx),
                                             report.expiry.passed, check_audit(ctx, options_.work_dir + "/data")};
  for (bool p : passed) report.checks_passed += p ? 1 : 0;
  report.webhooks_total = static_cast<int>(ledger_.acknowledged_webhooks().size());
  report.orders_total = static_cast<int>(ledger_.orders().size());
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return report;
}

}  // namespace bitacora::chaos
