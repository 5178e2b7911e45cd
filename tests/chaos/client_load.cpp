#include "tests/chaos/client_load.hpp"

#include <algorithm>
#include <initializer_list>

#include "tests/chaos/credentials.hpp"
#include "tests/harness/json.hpp"

namespace bitacora::chaos {

using testing::HttpResponse;
using testing::Json;

namespace {

constexpr int kShoppersPerThread = 4;

// The mix, as weights: payments and checkouts dominate, as in a shop on a sale day.
enum class Op { checkout, cart_item, clear_cart, pay, repeat_webhook, ping, cancel, adjust_stock, browse };
constexpr std::pair<Op, int> kMix[] = {{Op::checkout, 22}, {Op::cart_item, 10},     {Op::clear_cart, 2},
                                       {Op::pay, 30},      {Op::repeat_webhook, 8}, {Op::ping, 6},
                                       {Op::cancel, 8},    {Op::adjust_stock, 6},   {Op::browse, 4}};

class Client {
 public:
  Client(const LoadPlan& plan, int thread)
      : plan_(plan),
        thread_(thread),
        rng_(rng_for(plan.seed, static_cast<std::uint64_t>(plan.cycle), static_cast<std::uint64_t>(thread) + 1)),
        c_(plan.port, std::chrono::seconds(10)) {
    for (int k = 0; k < kShoppersPerThread; ++k) shoppers_.push_back("shopper-t" + std::to_string(thread) + "-" + std::to_string(k));
  }

  // False once the server stopped answering.
  bool resend(const Notification& n) { return send(n); }

  void run() {
    int total = 0;
    for (const auto& [op, weight] : kMix) total += weight;
    while (!plan_.stop->load()) {
      auto roll = uniform(rng_, 0, total - 1);
      Op op = Op::browse;
      for (const auto& [o, weight] : kMix) {
        if (roll < weight) {
          op = o;
          break;
        }
        roll -= weight;
      }
      if (!step(op)) return;
    }
  }

 private:
  bool step(Op op) {
    switch (op) {
      case Op::checkout:
        return checkout();
      case Op::cart_item:
        return cart_item();
      case Op::clear_cart:
        return answered(c_.request("DELETE", "/api/cart", {}, as_shopper(pick(rng_, shoppers_))), {200}, "DELETE /api/cart");
      case Op::pay:
        return pay();
      case Op::repeat_webhook: {
        auto n = plan_.ledger->some_sent(rng_);
        return n ? send(*n) : true;
      }
      case Op::ping:
        return send(standard_ping("msg_" + unique()));
      case Op::cancel:
        return cancel();
      case Op::adjust_stock:
        return adjust_stock();
      case Op::browse: {
        const auto& sku = pick(rng_, plan_.skus);
        return answered(c_.get("/api/products/" + sku), {200}, "GET /api/products/" + sku);
      }
    }
    return true;
  }

  // Sets the cart (absolute quantities, sometimes under If-Match), then checks out with an
  // Idempotency-Key: a new one mostly, sometimes one this shopper used before.
  bool checkout() {
    const auto& shopper = pick(rng_, shoppers_);
    auto headers = as_shopper(shopper);
    std::string body = "{";
    for (const auto& sku : some_skus()) body += (body.size() > 1 ? ",\"" : "\"") + sku + "\":" + std::to_string(uniform(rng_, 1, 3));
    body += "}";
    auto cart_headers = headers;
    if (chance(rng_, 0.3)) {
      auto cart = c_.get("/api/cart", headers);
      if (!answered(cart, {200}, "GET /api/cart")) return false;
      cart_headers.emplace_back("If-Match", cart.headers["etag"]);
    }
    if (!answered(c_.post("/api/cart/bulk-update", body, cart_headers), {200, 409, 422}, "POST /api/cart/bulk-update " + body))
      return false;

    auto earlier = chance(rng_, 0.15) ? plan_.ledger->some_checkout_key(rng_, shopper) : std::nullopt;
    const std::string key = earlier ? *earlier : "ck-" + unique();
    if (!earlier) plan_.ledger->checkout_key_used(shopper, key);
    const std::string gateway = pick(rng_, std::vector<std::string>{"wompi", "mercadopago", "stripe"});
    headers.emplace_back("Idempotency-Key", key);
    auto r = c_.post("/api/checkout", R"({"gateway":")" + gateway + "\"}", headers);
    if (!answered(r, {201, 409, 422}, "POST /api/checkout")) return false;
    if (r.status != 201) return true;
    Json j(r.body);
    Order order{j.str("/reference"), shopper, gateway, j.num("/amount_in_cents"), {}, parse_rfc3339(j.str("/expires_at")).value_or(0),
                plan_.cycle};
    const simdjson::dom::array items = j.at("/items").get_array().value();
    for (auto line : items) order.lines[std::string(line["sku"].get_string().value())] += line["quantity"].get_int64().value();
    plan_.ledger->order_placed(order);
    ++plan_.stats->orders;
    if (auto first = plan_.ledger->checkout_answered(shopper, key, order.reference))
      plan_.findings->add(plan_.cycle, invariant::answers,
                          "Idempotency-Key " + key + " of " + shopper + " answered with " + order.reference + ", first with " + *first);
    return true;
  }

  bool cart_item() {
    const auto& sku = pick(rng_, plan_.skus);
    const auto quantity = chance(rng_, 0.7) ? uniform(rng_, 1, 2) : -uniform(rng_, 1, 2);
    return answered(c_.post("/api/cart/items", R"({"sku":")" + sku + R"(","quantity":)" + std::to_string(quantity) + "}",
                            as_shopper(pick(rng_, shoppers_))),
                    {200, 422}, "POST /api/cart/items");
  }

  // A payment notification about an order the run placed: mostly a recent one, else any (an
  // approval after expiry), mostly through the order's own gateway, mostly an approval.
  bool pay() {
    auto order = plan_.ledger->some_order(rng_, chance(rng_, 0.6));
    if (!order) return checkout();
    auto gateway = order->gateway;
    if (chance(rng_, 0.2)) gateway = pick(rng_, std::vector<std::string>{"wompi", "mercadopago", "stripe"});
    const auto roll = uniform(rng_, 0, 99);
    enum {
      approved,
      declined,
      pending,
      mismatched,
      refunded
    } outcome = roll < 72   ? approved
                : roll < 82 ? declined
                : roll < 90 ? pending
                : roll < 94 ? mismatched
                            : refunded;
    const auto amount = order->amount_in_cents + (outcome == mismatched ? 100 : 0);
    const auto& ref = order->reference;

    Notification n;
    if (gateway == "wompi") {
      const char* status = outcome == declined ? "DECLINED" : outcome == pending ? "PENDING" : "APPROVED";
      n = wompi_transaction("tx-" + ref, status, amount, ref, testing::unix_now());
    } else if (gateway == "stripe") {
      const char* type = outcome == declined   ? "payment_intent.payment_failed"
                         : outcome == pending  ? "payment_intent.processing"
                         : outcome == refunded ? "charge.refunded"
                                               : "payment_intent.succeeded";
      n = stripe_event("evt_" + unique(), type, "pi_" + ref, amount, ref);
    } else {
      const auto payment = plan_.ledger->mercadopago_payment_id(ref);
      const char* status = outcome == declined   ? "rejected"
                           : outcome == pending  ? "in_process"
                           : outcome == refunded ? "refunded"
                                                 : "approved";
      plan_.mercadopago->set_payment(payment, status, ref, static_cast<double>(amount) / 100.0);
      if (chance(rng_, 0.05)) plan_.mercadopago->fail_next(static_cast<int>(uniform(rng_, 1, 2)));  // retried on the schedule
      n = mercadopago_payment(next_notification_id(), payment, chance(rng_, 0.5) ? "payment.created" : "payment.updated");
    }
    if (outcome == approved && order->expires_at < SystemClock::instance().now_us()) ++plan_.stats->late_approvals;
    if (!send(n)) return false;
    return chance(rng_, 0.15) ? send(n) : true;  // the gateway repeats itself at once
  }

  bool cancel() {
    auto order = plan_.ledger->some_order(rng_, chance(rng_, 0.8));
    if (!order) return true;
    auto who = chance(rng_, 0.7) ? as_shopper(order->user) : as_admin();
    return answered(c_.post("/api/orders/" + order->reference + "/cancel", "", who), {200, 409}, "cancel " + order->reference);
  }

  // Mostly more stock, sometimes less; each adjustment carries a unique reason so the product's
  // stream can be matched against what was sent.
  bool adjust_stock() {
    const auto& sku = pick(rng_, plan_.skus);
    const auto delta = chance(rng_, 0.8) ? uniform(rng_, 1, 6) : -uniform(rng_, 1, 3);
    const auto reason = "chaos-" + unique();
    plan_.ledger->stock_changed(reason, {sku, delta, Applied::unknown});
    auto r =
        c_.post("/api/products/" + sku + "/stock", R"({"delta":)" + std::to_string(delta) + R"(,"reason":")" + reason + "\"}", as_admin());
    if (r.status == 200 || r.status == 409) plan_.ledger->stock_changed(reason, {sku, delta, r.status == 200 ? Applied::yes : Applied::no});
    return answered(r, {200, 409}, "POST /api/products/" + sku + "/stock");
  }

  bool send(const Notification& n) {
    plan_.ledger->sent(n);
    const auto now = testing::unix_now();
    auto w = n.signed_at(now);
    auto r = c_.post(w.target, w.body, w.headers);
    if (r.status != 200) {
      plan_.ledger->unanswered(n);
      return answered(r, {200}, std::string("POST ") + w.target + " " + n.key);
    }
    ++plan_.stats->requests;
    ++plan_.stats->acknowledged;
    const auto event_id = Json(r.body).str("/event_id");
    const auto key = n.dedupe_key(now);
    if (auto first = plan_.ledger->acknowledged(n, key, event_id))
      plan_.findings->add(plan_.cycle, invariant::webhooks_kept, key + " acknowledged as " + event_id + ", first as " + *first);
    return true;
  }

  // Counts the answer and judges its status; false when there was none (the server is gone).
  bool answered(const HttpResponse& r, std::initializer_list<int> documented, const std::string& what) {
    ++plan_.stats->requests;
    if (r.status == 0) {
      ++plan_.stats->unanswered;
      return false;
    }
    if (r.status == 503) {
      ++plan_.stats->unavailable;  // storage_unavailable: allowed, never a 2xx
      return true;
    }
    if (std::find(documented.begin(), documented.end(), r.status) == documented.end())
      plan_.findings->add(plan_.cycle, invariant::answers, what + " → " + std::to_string(r.status) + " " + r.body.substr(0, 300));
    return true;
  }

  std::vector<std::string> some_skus() {
    std::vector<std::string> skus;
    for (int i = static_cast<int>(uniform(rng_, 1, 2)); i > 0; --i) {
      const auto& sku = pick(rng_, plan_.skus);
      if (std::find(skus.begin(), skus.end(), sku) == skus.end()) skus.push_back(sku);
    }
    return skus;
  }

  std::string unique() { return "c" + std::to_string(plan_.cycle) + "-t" + std::to_string(thread_) + "-" + std::to_string(++sequence_); }
  std::int64_t next_notification_id() { return (std::int64_t{plan_.cycle} * 100 + thread_) * 10'000'000 + ++sequence_; }

  const LoadPlan& plan_;
  const int thread_;
  Rng rng_;
  testing::HttpClient c_;
  std::vector<std::string> shoppers_;
  std::int64_t sequence_ = 0;
};

}  // namespace

void run_client(const LoadPlan& plan, int thread, std::vector<Notification> resend) {
  Client client(plan, thread);
  for (const auto& n : resend)
    if (!client.resend(n)) return;
  client.run();
}

}  // namespace bitacora::chaos
