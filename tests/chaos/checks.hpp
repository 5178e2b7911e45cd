// The invariants a chaos cycle checks once the killed server is back (docs/chaos.md): each reads
// the server through its API, compares it with the driver's Ledger, adds any violation to
// Findings under its invariant's name, and says whether it passed. A read that fails counts as a
// violation of the check that needed it. Run from the driver's main thread, with no load running.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "support/time.hpp"
#include "tests/chaos/findings.hpp"
#include "tests/chaos/ledger.hpp"
#include "tests/harness/http_client.hpp"

namespace bitacora::chaos {

struct CheckContext {
  int cycle = 0;
  testing::HttpClient* client = nullptr;
  const Ledger* ledger = nullptr;
  Findings* findings = nullptr;
  std::vector<std::string> skus;
};

struct ExpiryResult {
  bool passed = true;
  int measured = 0;             // expiries measured this time
  int fell_due_while_down = 0;  // of which the deadline passed while no server ran
  Micros worst_lateness = 0;    // µs past max(expires_at, when the server was back); <0: early
};

// 4. Every order still pending_payment leaves it by max(expires_at, restart) + 1 s (polled with
// a deadline), and every expiry not measured before — live or after the restart — happened by
// then, judged by its OrderExpired event's `at`. `measured` keeps the orders already judged.
[[nodiscard]] ExpiryResult check_expiries(const CheckContext& ctx, std::set<std::string>& measured);

// Waits (with a deadline) until no webhook is pending: every one received has been processed
// to its end, so the payments the checks below read no longer move.
[[nodiscard]] bool webhooks_settle(const CheckContext& ctx);

// 1. Every webhook acknowledged with 200 is listed exactly once by its key, with its event_id.
[[nodiscard]] bool check_webhooks_kept(const CheckContext& ctx);

// 2. Every order answered 201 exists; no order carries two PaymentApproved; exactly the paid (or
// refunded) orders confirmed their lines' stock, once each.
[[nodiscard]] bool check_paid_once(const CheckContext& ctx);

// 3. Every product's stream folds to what GET /api/products says, never below zero nor reserving
// more than it holds; its adjustments are exactly the driver's; it confirmed no more than was added.
[[nodiscard]] bool check_not_oversold(const CheckContext& ctx);

// 5. `bitacora audit --data-dir` exits 0 beside the running server.
[[nodiscard]] bool check_audit(const CheckContext& ctx, const std::string& data_dir);

}  // namespace bitacora::chaos
