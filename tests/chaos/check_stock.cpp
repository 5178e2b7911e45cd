// Checks 2 (no payment applied twice) and 3 (no product oversold), read from the orders, the
// products and their streams once every webhook has settled.
#include <map>

#include "tests/chaos/admin_reads.hpp"
#include "tests/chaos/checks.hpp"

namespace bitacora::chaos {

namespace {

constexpr int kMaxReportedPerCheck = 20;  // enough to see the pattern, not a flood

// Adds violations under one invariant, at most kMaxReportedPerCheck of them, and counts the rest.
class Judge {
 public:
  Judge(const CheckContext& ctx, const char* invariant) : ctx_(ctx), invariant_(invariant) {}
  ~Judge() {
    if (count_ > kMaxReportedPerCheck)
      ctx_.findings->add(ctx_.cycle, invariant_, "… and " + std::to_string(count_ - kMaxReportedPerCheck) + " more like these");
  }
  Judge(const Judge&) = delete;
  Judge& operator=(const Judge&) = delete;
  void fail(std::string detail) {
    if (++count_ <= kMaxReportedPerCheck) ctx_.findings->add(ctx_.cycle, invariant_, std::move(detail));
  }
  [[nodiscard]] bool passed() const { return count_ == 0; }

 private:
  const CheckContext& ctx_;
  const char* invariant_;
  int count_ = 0;
};

struct Confirmation {
  int events = 0;
  std::int64_t quantity = 0;
};

bool pays(const std::string& status) { return status == "paid" || status == "refunded"; }

}  // namespace

bool check_paid_once(const CheckContext& ctx) {
  Judge judge(ctx, invariant::paid_once);
  try {
    std::map<std::string, OrderRow> orders;
    for (auto& o : all_orders(*ctx.client)) orders.emplace(o.reference, std::move(o));
    for (const auto& o : ctx.ledger->orders())
      if (!orders.contains(o.reference)) judge.fail(o.reference + " was answered 201 and is not listed");

    // (order, sku) → its confirmations, from every product's stream.
    std::map<std::pair<std::string, std::string>, Confirmation> confirmed;
    for (const auto& sku : ctx.skus)
      for (const auto& e : stream_events(*ctx.client, "product/" + sku))
        if (e.type == "ReservationConfirmed") {
          auto& c = confirmed[{e.order_reference, sku}];
          ++c.events;
          c.quantity += e.quantity;
        }
    for (const auto& [key, c] : confirmed) {
      auto it = orders.find(key.first);
      if (it == orders.end())
        judge.fail(key.second + " confirmed stock for " + key.first + ", which is not an order");
      else if (!it->second.lines.contains(key.second))
        judge.fail(key.first + " confirmed " + key.second + ", not one of its lines");
    }

    for (const auto& [ref, o] : orders) {
      bool any_confirmed = false;
      for (const auto& [sku, quantity] : o.lines) {
        auto it = confirmed.find({ref, sku});
        const Confirmation c = it == confirmed.end() ? Confirmation{} : it->second;
        any_confirmed = any_confirmed || c.events > 0;
        if (pays(o.status) && (c.events != 1 || c.quantity != quantity))
          judge.fail(ref + " is " + o.status + " and confirmed " + sku + " " + std::to_string(c.events) + " times (" +
                     std::to_string(c.quantity) + " units of " + std::to_string(quantity) + ")");
        if (!pays(o.status) && c.events > 0)
          judge.fail(ref + " is " + o.status + " yet confirmed " + std::to_string(c.quantity) + " units of " + sku);
      }
      // Only an order the gateway approved can carry PaymentApproved: read those streams.
      if (!pays(o.status) && o.status != "needs_attention" && !any_confirmed) continue;
      int approvals = 0;
      for (const auto& e : stream_events(*ctx.client, "order/" + ref)) approvals += e.type == "PaymentApproved" ? 1 : 0;
      if (approvals > 1) judge.fail(ref + " has " + std::to_string(approvals) + " PaymentApproved events");
      if (pays(o.status) && approvals == 0) judge.fail(ref + " is " + o.status + " without a PaymentApproved event");
    }
  } catch (const ReadFailed& e) {
    judge.fail(std::string("cannot read: ") + e.what());
  }
  return judge.passed();
}

bool check_not_oversold(const CheckContext& ctx) {
  Judge judge(ctx, invariant::not_oversold);
  const auto initial = ctx.ledger->initial_stock();
  const auto changes = ctx.ledger->stock_changes();
  try {
    for (const auto& sku : ctx.skus) {
      // The most this product can ever have held: its first stock, every adjustment that was
      // applied, and every increase whose answer was lost.
      std::int64_t added = initial.contains(sku) ? initial.at(sku) : 0;
      for (const auto& [reason, change] : changes)
        if (change.sku == sku && (change.applied == Applied::yes || (change.applied == Applied::unknown && change.delta > 0)))
          added += change.delta;

      std::int64_t on_hand = 0, reserved = 0, confirmed = 0;
      std::map<std::string, int> adjustments;  // reason → events
      for (const auto& e : stream_events(*ctx.client, "product/" + sku)) {
        if (e.type == "StockAdjusted") {
          on_hand += e.delta;
          ++adjustments[e.reason];
          auto it = changes.find(e.reason);
          if (e.reason == "set" ? e.delta != initial.at(sku) : it == changes.end() || it->second.sku != sku || it->second.delta != e.delta)
            judge.fail(sku + " v" + std::to_string(e.version) + ": an adjustment of " + std::to_string(e.delta) + " (" + e.reason +
                       ") the driver did not make");
        } else if (e.type == "StockReserved") {
          reserved += e.quantity;
        } else if (e.type == "ReservationReleased") {
          reserved -= e.quantity;
        } else if (e.type == "ReservationConfirmed") {
          reserved -= e.quantity;
          on_hand -= e.quantity;
          confirmed += e.quantity;
        }
        if (on_hand < 0 || reserved < 0 || reserved > on_hand)
          judge.fail(sku + " v" + std::to_string(e.version) + " (" + e.type + "): on_hand " + std::to_string(on_hand) + ", reserved " +
                     std::to_string(reserved));
      }
      for (const auto& [reason, n] : adjustments)
        if (n > 1) judge.fail(sku + ": the adjustment " + reason + " was applied " + std::to_string(n) + " times");
      for (const auto& [reason, change] : changes) {
        if (change.sku != sku) continue;
        const int n = adjustments.contains(reason) ? adjustments.at(reason) : 0;
        if (change.applied == Applied::yes && n != 1)
          judge.fail(sku + ": the adjustment " + reason + " was answered 200 and is not in its stream");
        if (change.applied == Applied::no && n != 0) judge.fail(sku + ": the adjustment " + reason + " was refused and is in its stream");
      }
      if (confirmed > added) judge.fail(sku + ": " + std::to_string(confirmed) + " units sold, " + std::to_string(added) + " ever added");

      const auto now = product_of(*ctx.client, sku);
      if (now.on_hand < 0 || now.reserved > now.on_hand || now.available != now.on_hand - now.reserved)
        judge.fail(sku + ": on_hand " + std::to_string(now.on_hand) + ", reserved " + std::to_string(now.reserved) + ", available " +
                   std::to_string(now.available));
      if (now.on_hand != on_hand || now.reserved != reserved)
        judge.fail(sku + ": GET says on_hand " + std::to_string(now.on_hand) + ", reserved " + std::to_string(now.reserved) +
                   "; its stream folds to " + std::to_string(on_hand) + ", " + std::to_string(reserved));
    }
  } catch (const ReadFailed& e) {
    judge.fail(std::string("cannot read: ") + e.what());
  }
  return judge.passed();
}

}  // namespace bitacora::chaos
