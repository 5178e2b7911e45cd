#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "events/cart_events.hpp"
#include "events/catalog_events.hpp"
#include "events/order_events.hpp"

using namespace bitacora;
using namespace bitacora::events;

namespace {

// Encodes, decodes and compares; also checks that corrupt or incomplete JSON is data loss.
template <class E>
void round_trips(const E& e, Result<E> (*from_json)(std::string_view)) {
  INFO(E::kType);
  auto json = to_json(e);
  auto back = from_json(json);
  REQUIRE(back.ok());
  CHECK(*back == e);
  for (std::string corrupt : {json.substr(0, json.size() - 1), std::string("[]"), std::string("not json")}) {
    auto bad = from_json(corrupt);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::data_loss);
  }
}

}  // namespace

TEST_CASE("every catalog event survives its codec", "[events][catalog]") {
  round_trips(ProductDefined{Sku{"sku-1"}, "Taza \"grande\"", 1500, "COP"}, product_defined_from_json);
  round_trips(StockAdjusted{-3, "damaged", 7}, stock_adjusted_from_json);
  round_trips(StockReserved{OrderRef{"ORD-1"}, 4}, stock_reserved_from_json);
  round_trips(ReservationReleased{OrderRef{"ORD-1"}, 4, ReleaseReason::payment_failed}, reservation_released_from_json);
  round_trips(ReservationConfirmed{OrderRef{"ORD-1"}, 4}, reservation_confirmed_from_json);
}

TEST_CASE("every cart event survives its codec", "[events][cart]") {
  round_trips(CartItemAdded{Sku{"mug"}, -2}, cart_item_added_from_json);
  round_trips(CartQuantitiesSet{{{Sku{"mug"}, 3}, {Sku{"cup"}, 0}}}, cart_quantities_set_from_json);
  round_trips(CartQuantitiesSet{}, cart_quantities_set_from_json);
  round_trips(CartCleared{"emptied"}, cart_cleared_from_json);
}

TEST_CASE("every order event survives its codec", "[events][order]") {
  round_trips(OrderPlaced{OrderRef{"ORD-1"}, UserId{"u1"}, {{Sku{"mug"}, 2, 1500}, {Sku{"cup"}, 1, 700}}, 3700, "COP",
                          "wompi", 1'795'343'400'123'000, "key-1"},
              order_placed_from_json);
  round_trips(OrderExpired{}, order_expired_from_json);
  round_trips(OrderCancelled{"alice", "asked by phone"}, order_cancelled_from_json);
  round_trips(OrderResolved{Resolution::mark_paid, "alice", "paid by transfer"}, order_resolved_from_json);
}

TEST_CASE("every payment fact of an order survives its codec", "[events][order]") {
  round_trips(PaymentApproved{"wompi", "tx-1", "APPROVED", 3700, "COP"}, payment_approved_from_json);
  round_trips(PaymentFailed{"mercadopago", "123", "rejected"}, payment_failed_from_json);
  round_trips(OrderNeedsAttention{AttentionReason::stock_unavailable, "stripe", "pi_1", "payment_intent.succeeded",
                                  3700, "cop"},
              order_needs_attention_from_json);
  round_trips(OrderNeedsAttention{AttentionReason::amount_mismatch, "wompi", "tx-2", "APPROVED", 1, "USD"},
              order_needs_attention_from_json);
  round_trips(OrderRefunded{"stripe", "pi_1", "charge.refunded"}, order_refunded_from_json);
  CHECK(to_json(OrderNeedsAttention{AttentionReason::amount_mismatch, "wompi", "tx-2", "APPROVED", 1, "USD"}) ==
        R"({"reason":"amount_mismatch","gateway":"wompi","transaction_id":"tx-2","status":"APPROVED",)"
        R"("amount_in_cents":1,"currency":"USD"})");
  CHECK(order_needs_attention_from_json(R"({"reason":"lost","gateway":"g","transaction_id":"t","status":"s",)"
                                        R"("amount_in_cents":1,"currency":"COP"})")
            .error()
            .code == Errc::data_loss);
}

TEST_CASE("events render as the plain JSON that export and the stream API show", "[events]") {
  CHECK(to_json(StockReserved{OrderRef{"ORD-1"}, 4}) == R"({"order_reference":"ORD-1","quantity":4})");
  CHECK(to_json(ReservationReleased{OrderRef{"ORD-1"}, 4, ReleaseReason::expired}) ==
        R"({"order_reference":"ORD-1","quantity":4,"reason":"expired"})");
  CHECK(to_json(CartQuantitiesSet{{{Sku{"mug"}, 3}, {Sku{"cup"}, 0}}}) == R"({"lines":{"cup":0,"mug":3}})");
  CHECK(to_json(OrderExpired{}) == "{}");
  CHECK(to_json(OrderPlaced{OrderRef{"ORD-1"}, UserId{"u1"}, {{Sku{"mug"}, 2, 1500}}, 3000, "COP", "stripe",
                            1'795'343'400'123'000, ""}) ==
        R"({"reference":"ORD-1","user":"u1","lines":[{"sku":"mug","quantity":2,"price_in_cents":1500}],)"
        R"("amount_in_cents":3000,"currency":"COP","gateway":"stripe","expires_at":"2026-11-22T10:30:00.123Z",)"
        R"("expires_at_us":1795343400123000,"idempotency_key":""})");
}

TEST_CASE("a field of the wrong type, an unknown enum name or a bad line is data loss", "[events]") {
  CHECK(stock_reserved_from_json(R"({"order_reference":"ORD-1","quantity":"4"})").error().code == Errc::data_loss);
  CHECK(reservation_released_from_json(R"({"order_reference":"O","quantity":1,"reason":"stolen"})").error().code ==
        Errc::data_loss);
  CHECK(order_resolved_from_json(R"({"action":"refund","by":"alice","note":""})").error().code == Errc::data_loss);
  CHECK(order_cancelled_from_json(R"({"by":"robot"})").ok());  // "owner" or an operator's name
  CHECK(cart_quantities_set_from_json(R"({"lines":{"mug":"3"}})").error().code == Errc::data_loss);
  CHECK(order_placed_from_json(R"({"reference":"O","user":"u","lines":[{"sku":"mug","quantity":2}],)"
                               R"("amount_in_cents":1,"currency":"COP","gateway":"g","expires_at_us":1,)"
                               R"("idempotency_key":""})")
            .error()
            .code == Errc::data_loss);
  CHECK(order_placed_from_json(R"({"reference":"O","user":"u","lines":[],"amount_in_cents":1,"currency":"COP",)"
                               R"("gateway":"g","expires_at_us":1,"idempotency_key":""})")
            .ok());
}

TEST_CASE("release reasons and cancellers have their wire names", "[events]") {
  CHECK(to_string(ReleaseReason::payment_failed) == "payment_failed");
  CHECK(to_string(Resolution::mark_paid) == "mark_paid");
  ReleaseReason r{};
  CHECK(parse("cancelled", r));
  CHECK(r == ReleaseReason::cancelled);
  CHECK_FALSE(parse("Cancelled", r));
}

TEST_CASE("each aggregate's stream is named after its key", "[events]") {
  CHECK(product_stream(Sku{"sku-1"}) == "product/sku-1");
  CHECK(cart_stream(UserId{"u1"}) == "cart/u1");
  CHECK(order_stream(OrderRef{"ORD-1"}) == "order/ORD-1");
}
