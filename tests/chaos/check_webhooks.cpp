// Checks 1 (acknowledged webhooks kept once) and the settling every later check waits for.
#include <map>

#include "tests/chaos/admin_reads.hpp"
#include "tests/chaos/checks.hpp"
#include "tests/harness/server_process.hpp"

namespace bitacora::chaos {

namespace {
// Retries run on schedule_seconds [1, 1]: three attempts take about two seconds.
constexpr auto kSettleDeadline = std::chrono::seconds(30);
}  // namespace

bool webhooks_settle(const CheckContext& ctx) {
  std::int64_t pending = -1;
  try {
    if (testing::eventually([&] { return (pending = pending_webhooks(*ctx.client)) == 0; }, kSettleDeadline)) return true;
  } catch (const ReadFailed& e) {
    ctx.findings->add(ctx.cycle, invariant::webhooks_kept, std::string("cannot read /health: ") + e.what());
    return false;
  }
  ctx.findings->add(
      ctx.cycle, invariant::webhooks_kept,
      std::to_string(pending) + " webhooks still pending " + std::to_string(kSettleDeadline.count()) + " s after the restart");
  return false;
}

bool check_webhooks_kept(const CheckContext& ctx) {
  const auto before = ctx.findings->count();
  auto fail = [&](std::string detail) { ctx.findings->add(ctx.cycle, invariant::webhooks_kept, std::move(detail)); };
  std::vector<WebhookRow> rows;
  try {
    rows = all_webhook_events(*ctx.client);
  } catch (const ReadFailed& e) {
    fail(std::string("cannot list webhook events: ") + e.what());
    return false;
  }
  std::map<std::string, std::vector<std::string>> listed;  // key → ids
  int quarantined = 0;
  for (const auto& row : rows) {
    if (row.status == "quarantined")
      ++quarantined;
    else
      listed[row.key].push_back(row.id);
  }
  if (quarantined > 0) fail(std::to_string(quarantined) + " correctly signed requests were quarantined");
  for (const auto& [key, ids] : listed)
    if (ids.size() != 1) fail(key + " is listed " + std::to_string(ids.size()) + " times");
  int missing = 0, renamed = 0;
  for (const auto& [key, event_id] : ctx.ledger->acknowledged_webhooks()) {
    auto it = listed.find(key);
    if (it == listed.end()) {
      if (++missing <= 10) fail(key + " was acknowledged as " + event_id + " and is not listed");
    } else if (it->second.front() != event_id) {
      if (++renamed <= 10) fail(key + " was acknowledged as " + event_id + " and is listed as " + it->second.front());
    }
  }
  if (missing > 10) fail(std::to_string(missing) + " acknowledged webhooks are not listed in all");
  if (renamed > 10) fail(std::to_string(renamed) + " acknowledged webhooks are listed under another id in all");
  return ctx.findings->count() == before;
}

}  // namespace bitacora::chaos
