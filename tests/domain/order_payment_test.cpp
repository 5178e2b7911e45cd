#include <catch2/catch.hpp>

#include "tests/domain/decide_helpers.hpp"

#include <string>
#include <vector>

#include "domain/order.hpp"
#include "domain/order_view.hpp"

using namespace bitacora;
using namespace bitacora::domain;

using bitacora::domain::testing::accept;
using bitacora::domain::testing::refuse;

namespace {

const OrderRef kRef{"ORD-1"};
constexpr Micros kExpiresAt = 1'000'000'000;
constexpr std::int64_t kAmount = 2 * 1500 + 700;

OrderState placed_order() {
  OrderState s{.reference = kRef};
  accept(s, PlaceOrder{kRef, UserId{"u1"}, {{Sku{"mug"}, 2, 1500, "COP"}, {Sku{"cup"}, 1, 700, "COP"}}, "wompi",
                       kExpiresAt, "key-1"});
  return s;
}

ApplyPayment payment(PaymentOutcome outcome, std::string status, std::string transaction_id = "tx-1") {
  return ApplyPayment{"wompi", std::move(transaction_id), outcome, std::move(status), kAmount, "COP"};
}
ApplyPayment approval(std::string transaction_id = "tx-1") {
  return payment(PaymentOutcome::approved, "APPROVED", std::move(transaction_id));
}
ApplyPayment decline(std::string transaction_id = "tx-1") {
  return payment(PaymentOutcome::failed, "DECLINED", std::move(transaction_id));
}
ApplyPayment refund() { return payment(PaymentOutcome::refunded, "REFUNDED"); }
ApplyPayment with_stock(ApplyPayment c) {
  c.stock_available = true;
  return c;
}

// A placed order that then ended the way `end` says (expired or cancelled).
OrderState ended_order(const OrderCommand& end) {
  auto s = placed_order();
  REQUIRE(accept(s, end).size() == 1);
  return s;
}

OrderState paid_order() {
  auto s = placed_order();
  REQUIRE(accept(s, approval()).size() == 1);
  return s;
}

events::AttentionReason attention_reason(const std::vector<OrderEvent>& evs) {
  REQUIRE(evs.size() == 1);
  REQUIRE(std::holds_alternative<events::OrderNeedsAttention>(evs[0]));
  return std::get<events::OrderNeedsAttention>(evs[0]).reason;
}

}  // namespace

TEST_CASE("payment outcomes have their names and make one key per fact", "[domain][order][payment]") {
  CHECK(to_string(PaymentOutcome::refunded) == "refunded");
  PaymentOutcome out{};
  REQUIRE(parse("failed", out));
  CHECK(out == PaymentOutcome::failed);
  CHECK(payment_key("wompi", "tx-1", PaymentOutcome::approved) == "wompi|tx-1|approved");
}

TEST_CASE("an approval of the order's amount pays it and records the payment", "[domain][order][payment]") {
  auto s = placed_order();
  auto evs = accept(s, approval());
  REQUIRE(evs.size() == 1);
  const auto& approved = std::get<events::PaymentApproved>(evs[0]);
  CHECK(approved == events::PaymentApproved{"wompi", "tx-1", "APPROVED", kAmount, "COP"});
  CHECK(s.status == OrderStatus::paid);
  CHECK(s.payment == OrderPayment{"wompi", "tx-1", "APPROVED"});
  CHECK(s.applied_payments == std::set<std::string>{"wompi|tx-1|approved"});
  CHECK(s.version == 2);
}

TEST_CASE("the currency of an approval is compared ignoring case", "[domain][order][payment]") {
  auto s = placed_order();
  auto c = approval();
  c.currency = "cop";
  accept(s, c);
  CHECK(s.status == OrderStatus::paid);
}

TEST_CASE("the same approval twice appends nothing", "[domain][order][payment]") {
  auto s = paid_order();
  CHECK(accept(s, approval()).empty());
  CHECK(s.version == 2);
}

TEST_CASE("a second, distinct approval of a paid order appends nothing", "[domain][order][payment]") {
  auto s = paid_order();
  CHECK(accept(s, approval("tx-2")).empty());
  CHECK(s.payment == OrderPayment{"wompi", "tx-1", "APPROVED"});
}

TEST_CASE("APPROVED then a late PENDING leaves the order paid", "[domain][order][payment]") {
  auto s = paid_order();
  CHECK(accept(s, payment(PaymentOutcome::pending, "PENDING")).empty());
  CHECK(s.status == OrderStatus::paid);
}

TEST_CASE("APPROVED then a late DECLINED leaves the order paid", "[domain][order][payment]") {
  auto s = paid_order();
  CHECK(accept(s, decline()).empty());
  CHECK(accept(s, decline("tx-2")).empty());
  CHECK(s.status == OrderStatus::paid);
}

TEST_CASE("a pending payment changes nothing", "[domain][order][payment]") {
  auto s = placed_order();
  CHECK(accept(s, payment(PaymentOutcome::pending, "PENDING")).empty());
  CHECK(s.status == OrderStatus::pending_payment);
  CHECK_FALSE(s.payment.has_value());
}

TEST_CASE("a decline fails a pending order, once", "[domain][order][payment]") {
  auto s = placed_order();
  auto evs = accept(s, decline());
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::PaymentFailed>(evs[0]) == events::PaymentFailed{"wompi", "tx-1", "DECLINED"});
  CHECK(s.status == OrderStatus::payment_failed);
  CHECK(s.payment == OrderPayment{"wompi", "tx-1", "DECLINED"});
  CHECK(s.applied_payments.contains("wompi|tx-1|failed"));
  CHECK(accept(s, decline()).empty());
  CHECK(accept(s, decline("tx-2")).empty());
}

TEST_CASE("a failure after the order ended appends nothing", "[domain][order][payment]") {
  for (auto s : {ended_order(ExpireOrder{kExpiresAt}), ended_order(CancelOrder{})}) {
    auto before = s.status;
    CHECK(accept(s, decline()).empty());
    CHECK(s.status == before);
  }
}

TEST_CASE("an approval of another amount or currency needs attention", "[domain][order][payment]") {
  auto s = placed_order();
  auto short_paid = approval();
  short_paid.amount_in_cents = kAmount - 1;
  CHECK(attention_reason(accept(s, short_paid)) == events::AttentionReason::amount_mismatch);
  CHECK(s.status == OrderStatus::needs_attention);
  CHECK(s.payment == OrderPayment{"wompi", "tx-1", "APPROVED"});
  CHECK(s.applied_payments.contains("wompi|tx-1|approved"));
  CHECK(accept(s, short_paid).empty());
  CHECK(accept(s, approval("tx-2")).empty());  // already decided

  auto dollars = placed_order();
  auto usd = approval();
  usd.currency = "USD";
  CHECK(attention_reason(accept(dollars, usd)) == events::AttentionReason::amount_mismatch);
}

TEST_CASE("an approval after expiry pays the order when its stock is there", "[domain][order][payment]") {
  auto s = ended_order(ExpireOrder{kExpiresAt});
  auto evs = accept(s, with_stock(approval()));
  REQUIRE(evs.size() == 1);
  CHECK(std::holds_alternative<events::PaymentApproved>(evs[0]));
  CHECK(s.status == OrderStatus::paid);
}

TEST_CASE("an approval after expiry without stock needs attention", "[domain][order][payment]") {
  auto s = ended_order(ExpireOrder{kExpiresAt});
  CHECK(attention_reason(accept(s, approval())) == events::AttentionReason::stock_unavailable);
  CHECK(s.status == OrderStatus::needs_attention);
}

TEST_CASE("an approval after cancellation or a failure is judged like one after expiry", "[domain][order][payment]") {
  auto cancelled = ended_order(CancelOrder{});
  accept(cancelled, with_stock(approval()));
  CHECK(cancelled.status == OrderStatus::paid);

  auto failed = placed_order();
  accept(failed, decline());
  CHECK(attention_reason(accept(failed, approval("tx-2"))) == events::AttentionReason::stock_unavailable);
}

TEST_CASE("an approval of another amount after expiry needs attention even with stock", "[domain][order][payment]") {
  auto s = ended_order(ExpireOrder{kExpiresAt});
  auto c = with_stock(approval());
  c.amount_in_cents = kAmount + 1;
  CHECK(attention_reason(accept(s, c)) == events::AttentionReason::amount_mismatch);
}

TEST_CASE("a refund of a paid order refunds it, once", "[domain][order][payment]") {
  auto s = paid_order();
  auto evs = accept(s, refund());
  REQUIRE(evs.size() == 1);
  CHECK(std::get<events::OrderRefunded>(evs[0]) == events::OrderRefunded{"wompi", "tx-1", "REFUNDED"});
  CHECK(s.status == OrderStatus::refunded);
  CHECK(accept(s, refund()).empty());
  CHECK(accept(s, approval("tx-2")).empty());  // a refunded order is never paid again
}

TEST_CASE("a refund of an unpaid order appends nothing", "[domain][order][payment]") {
  auto s = placed_order();
  CHECK(accept(s, refund()).empty());
  CHECK(s.status == OrderStatus::pending_payment);
}

TEST_CASE("a payment for a never placed order or without its ids is refused", "[domain][order][payment]") {
  auto d = decide(OrderState{.reference = kRef}, approval());
  REQUIRE(refusal_of(d) != nullptr);
  CHECK(refusal_of(d)->code == DomainErrc::unknown_order);
  auto no_id = approval("");
  REQUIRE(refusal_of(decide(placed_order(), no_id)) != nullptr);
  CHECK(refusal_of(decide(placed_order(), no_id))->code == DomainErrc::invalid_argument);
}

TEST_CASE("each order event asks the stock for what it means", "[domain][order][payment]") {
  const auto pending = placed_order();
  const auto expired = ended_order(ExpireOrder{kExpiresAt});
  const auto paid = paid_order();
  const OrderEvent approved = events::PaymentApproved{"wompi", "tx-1", "APPROVED", kAmount, "COP"};
  const OrderEvent failed = events::PaymentFailed{"wompi", "tx-1", "DECLINED"};
  CHECK(stock_effect(pending, approved) == StockEffect::confirm);
  CHECK(stock_effect(expired, approved) == StockEffect::reserve_and_confirm);
  CHECK(stock_effect(ended_order(CancelOrder{}), approved) == StockEffect::reserve_and_confirm);
  CHECK(stock_effect(paid, approved) == StockEffect::none);
  CHECK(stock_effect(pending, failed) == StockEffect::release);
  CHECK(stock_effect(expired, failed) == StockEffect::none);
  CHECK(stock_effect(pending, OrderEvent{events::OrderExpired{}}) == StockEffect::release);
  CHECK(stock_effect(pending, OrderEvent{events::OrderCancelled{}}) == StockEffect::release);
  CHECK(stock_effect(pending, OrderEvent{events::OrderNeedsAttention{}}) == StockEffect::none);
  CHECK(stock_effect(expired, OrderEvent{events::OrderNeedsAttention{}}) == StockEffect::none);
  CHECK(stock_effect(paid, OrderEvent{events::OrderRefunded{"wompi", "tx-1", "REFUNDED"}}) == StockEffect::none);
  CHECK(stock_effect(OrderState{}, OrderEvent{events::OrderPlaced{}}) == StockEffect::none);
}

TEST_CASE("payment facts survive their stored form and rebuild the same order", "[domain][order][payment]") {
  auto s = placed_order();
  std::vector<OrderEvent> log;
  for (const OrderCommand& c : std::vector<OrderCommand>{approval(), refund()})
    for (auto& e : accept(s, c)) log.push_back(e);
  log.insert(log.begin(), OrderEvent{events::OrderNeedsAttention{events::AttentionReason::stock_unavailable,
                                                                 "stripe", "pi_1", "payment_intent.succeeded", 1,
                                                                 "usd"}});
  log.insert(log.begin(), OrderEvent{events::PaymentFailed{"stripe", "pi_0", "payment_intent.payment_failed"}});
  OrderState rebuilt = placed_order();
  for (const auto& e : log) {
    auto back = decode_order_event(type_of(e), to_json(e));
    REQUIRE(back.ok());
    CHECK(type_of(*back) == type_of(e));
    rebuilt = apply(std::move(rebuilt), *back);
  }
  CHECK(rebuilt.status == OrderStatus::refunded);
  CHECK(rebuilt.payment == OrderPayment{"wompi", "tx-1", "REFUNDED"});
  CHECK(rebuilt.applied_payments == std::set<std::string>{"stripe|pi_0|failed", "stripe|pi_1|approved",
                                                           "wompi|tx-1|approved", "wompi|tx-1|refunded"});
  CHECK(rebuilt.version == 5);
}

TEST_CASE("the order view shows the last payment, or null before any", "[domain][order][payment]") {
  CHECK(order_view_json(placed_order()).ends_with(R"("payment":null})"));
  CHECK(order_view_json(paid_order())
            .ends_with(R"("payment":{"gateway":"wompi","transaction_id":"tx-1","status":"APPROVED"}})"));
}
