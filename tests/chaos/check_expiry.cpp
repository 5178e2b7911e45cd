// Check 4: no reservation outlives its deadline by more than a second, across the restart.
#include <algorithm>
#include <map>

#include "tests/chaos/admin_reads.hpp"
#include "tests/chaos/checks.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::chaos {

namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kAllowed = kSecond;        // docs/api.md §4: expired within one second of expires_at
constexpr Micros kPollSlack = 2 * kSecond;  // how long past the deadline a poll keeps looking

Micros now_us() { return SystemClock::instance().now_us(); }

// The run of the server that wrote an event at `at`: the last one spawned before it.
Incarnation run_at(const std::vector<Incarnation>& runs, Micros at) {
  Incarnation found;
  for (const auto& run : runs)
    if (run.spawned <= at) found = run;
  return found;
}

std::string seconds(Micros us) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(us) / 1e6);
  return text;
}

}  // namespace

ExpiryResult check_expiries(const CheckContext& ctx, std::set<std::string>& measured) {
  ExpiryResult result;
  auto fail = [&](std::string detail) {
    result.passed = false;
    ctx.findings->add(ctx.cycle, invariant::expiry_on_time, std::move(detail));
  };
  const auto runs = ctx.ledger->incarnations();
  const Micros back = runs.empty() ? 0 : runs.back().ready;
  try {
    // Every order the restarted server holds pending_payment must leave that status by its
    // deadline; the poll looks on a little past it, so that a late expiry is measured, not guessed.
    std::map<std::string, Micros> waiting;  // reference → deadline
    Micros last = now_us();
    for (const auto& o : all_orders(*ctx.client, "pending_payment")) {
      waiting[o.reference] = std::max(o.expires_at, back) + kAllowed;
      last = std::max(last, waiting[o.reference] + kPollSlack);
    }
    testing::eventually(
        [&] {
          std::erase_if(waiting, [&](const auto& w) { return order_of(*ctx.client, w.first).status != "pending_payment"; });
          return waiting.empty();
        },
        std::chrono::milliseconds((last - now_us()) / 1000));
    for (const auto& [reference, deadline] : waiting)
      fail(reference + " is still pending_payment " + seconds(now_us() - (deadline - kAllowed)) + " after its deadline");

    // Then each expiry not judged before, by when its OrderExpired event was written.
    for (const auto& o : all_orders(*ctx.client, "expired")) {
      if (!measured.insert(o.reference).second) continue;
      Micros at = 0;
      for (const auto& e : stream_events(*ctx.client, "order/" + o.reference))
        if (e.type == "OrderExpired") at = e.at;
      if (at == 0) {
        fail(o.reference + " is expired without an OrderExpired event");
        continue;
      }
      const auto run = run_at(runs, at);
      const Micros lateness = at - std::max(o.expires_at, run.ready);
      result.worst_lateness = result.measured ? std::max(result.worst_lateness, lateness) : lateness;
      ++result.measured;
      result.fell_due_while_down += o.expires_at < run.spawned ? 1 : 0;
      if (lateness > kAllowed)
        fail(o.reference + " expired " + seconds(lateness) + " after max(expires_at, restart) (expires_at " + format_rfc3339(o.expires_at) +
             ", OrderExpired at " + format_rfc3339(at) + ")");
    }
  } catch (const ReadFailed& e) {
    fail(std::string("cannot read: ") + e.what());
  }
  return result;
}

}  // namespace bitacora::chaos
