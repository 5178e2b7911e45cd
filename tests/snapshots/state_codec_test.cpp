#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/cart.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "snapshots/state_codec.hpp"

using namespace bitacora;
using namespace bitacora::domain;
using bitacora::snapshots::decode_cart_state;
using bitacora::snapshots::decode_order_state;
using bitacora::snapshots::decode_product_state;
using bitacora::snapshots::state_json;
using Catch::Matchers::Contains;

namespace {

const OrderRef kRef{"ORD-1"};
constexpr Micros kExpiresAt = 1'795'000'000'123'000;  // 2026-11-18T11:06:40.123Z

// Folds the events in order, as an actor recovering its stream does.
template <class State, class Event>
State folded(State s, const std::vector<Event>& evs) {
  for (const auto& e : evs) s = apply(std::move(s), e);
  return s;
}

ProductState product_with_reservations() {
  return folded(ProductState{.sku = Sku{"sku-1"}},
                std::vector<ProductEvent>{
                    events::ProductDefined{Sku{"sku-1"}, "Mug \"large\"", 1500, "COP"},
                    events::StockAdjusted{10, "set", 10},
                    events::StockReserved{OrderRef{"ORD-2"}, 2},
                    events::StockReserved{kRef, 3},
                    events::StockReserved{OrderRef{"ORD-3"}, 1},
                    events::ReservationReleased{OrderRef{"ORD-3"}, 1, events::ReleaseReason::expired},
                });
}

CartState cart_with_lines() {
  return folded(CartState{.user = UserId{"u1"}},
                std::vector<CartEvent>{
                    events::CartItemAdded{Sku{"mug"}, 2},
                    events::CartItemAdded{Sku{"cup"}, 1},
                });
}

events::OrderPlaced placement() {
  return events::OrderPlaced{kRef,   UserId{"u1"}, {{Sku{"mug"}, 2, 1500}, {Sku{"cup"}, 1, 700}}, 3700, "COP",
                             "wompi", kExpiresAt,  "key-1"};
}

OrderState placed_order() { return folded(OrderState{.reference = kRef}, std::vector<OrderEvent>{placement()}); }

OrderState paid_order() {
  return folded(OrderState{.reference = kRef},
                std::vector<OrderEvent>{
                    placement(),
                    events::PaymentFailed{"wompi", "tx-0", "DECLINED"},
                    events::PaymentApproved{"wompi", "tx-1", "APPROVED", 3700, "COP"},
                });
}

// `text` with its one `from` replaced by `to`; fails the test when `from` is not there.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  INFO(text);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

template <class State>
Errc error_code_of(const Result<State>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

}  // namespace

TEST_CASE("a product with reservations survives encode and decode unchanged", "[snapshots]") {
  auto s = product_with_reservations();
  REQUIRE(invariants_hold(s));
  auto json = state_json(s);

  auto back = decode_product_state(json);
  REQUIRE(back.ok());
  CHECK(state_json(*back) == json);
  CHECK(back->sku == Sku{"sku-1"});
  CHECK(back->name == "Mug \"large\"");
  CHECK(back->price_in_cents == 1500);
  CHECK(back->currency == "COP");
  CHECK(back->on_hand == 10);
  CHECK(back->reserved == 5);
  const decltype(back->reservations) held{{kRef, 3}, {OrderRef{"ORD-2"}, 2}};
  CHECK(back->reservations == held);
  CHECK(back->defined);
  CHECK(back->version == 6);
}

TEST_CASE("a product's JSON starts with its format and shows what is available", "[snapshots]") {
  auto json = state_json(product_with_reservations());
  CHECK(json.starts_with("{\"format\":1,"));
  CHECK_THAT(json, Contains("\"available\":5"));
  CHECK_THAT(json, Contains("\"reservations\":{\"ORD-1\":3,\"ORD-2\":2}"));
  CHECK_THAT(json, Contains("\"defined\":true"));
}

TEST_CASE("an undefined product, the state before its first event, round-trips", "[snapshots]") {
  ProductState s{.sku = Sku{"sku-9"}};
  auto back = decode_product_state(state_json(s));
  REQUIRE(back.ok());
  CHECK(state_json(*back) == state_json(s));
  CHECK_FALSE(back->defined);
  CHECK(back->reservations.empty());
  CHECK(back->version == 0);
}

TEST_CASE("extreme integers survive encode and decode unchanged", "[snapshots]") {
  ProductState s{.sku = Sku{"sku-1"}};
  s.on_hand = std::numeric_limits<std::int64_t>::max();
  s.reserved = std::numeric_limits<std::int64_t>::min();
  s.version = std::numeric_limits<std::uint64_t>::max();
  auto back = decode_product_state(state_json(s));
  REQUIRE(back.ok());
  CHECK(back->on_hand == s.on_hand);
  CHECK(back->reserved == s.reserved);
  CHECK(back->version == s.version);
}

TEST_CASE("a cart survives encode and decode unchanged, its lines in sku order", "[snapshots]") {
  auto s = cart_with_lines();
  auto json = state_json(s);
  CHECK(json == R"({"format":1,"user":"u1","lines":{"cup":1,"mug":2},"version":2})");

  auto back = decode_cart_state(json);
  REQUIRE(back.ok());
  CHECK(state_json(*back) == json);
  CHECK(back->user == UserId{"u1"});
  CHECK(back->lines == s.lines);
  CHECK(back->version == 2);
}

TEST_CASE("an emptied cart keeps its version through encode and decode", "[snapshots]") {
  auto s = folded(cart_with_lines(), std::vector<CartEvent>{events::CartCleared{"emptied"}});
  auto back = decode_cart_state(state_json(s));
  REQUIRE(back.ok());
  CHECK(back->lines.empty());
  CHECK(back->version == 3);
}

TEST_CASE("a placed order without a payment survives encode and decode unchanged", "[snapshots]") {
  auto s = placed_order();
  REQUIRE_FALSE(s.payment.has_value());
  auto json = state_json(s);
  CHECK_THAT(json, Contains("\"payment\":null"));
  CHECK_THAT(json, Contains("\"applied_payments\":[]"));
  CHECK_THAT(json, Contains("\"expires_at\":\"" + format_rfc3339(kExpiresAt) + "\""));
  // Lines as OrderPlaced writes them: both take their fields from events::OrderLine's one list.
  const std::string lines = R"("lines":[{"sku":"mug","quantity":2,"price_in_cents":1500},)"
                            R"({"sku":"cup","quantity":1,"price_in_cents":700}])";
  CHECK_THAT(json, Contains(lines));
  CHECK_THAT(events::to_json(placement()), Contains(lines));

  auto back = decode_order_state(json);
  REQUIRE(back.ok());
  CHECK(state_json(*back) == json);
  CHECK(back->reference == kRef);
  CHECK(back->user == UserId{"u1"});
  CHECK(back->lines == placement().lines);
  CHECK(back->amount_in_cents == 3700);
  CHECK(back->currency == "COP");
  CHECK(back->gateway == "wompi");
  CHECK(back->status == OrderStatus::pending_payment);
  CHECK(back->expires_at == kExpiresAt);
  CHECK(back->idempotency_key == "key-1");
  CHECK(back->placed);
  CHECK_FALSE(back->payment.has_value());
  CHECK(back->applied_payments.empty());
  CHECK(back->version == 1);
}

TEST_CASE("a paid order keeps its payment and every payment fact applied", "[snapshots]") {
  auto s = paid_order();
  REQUIRE(s.payment.has_value());
  auto json = state_json(s);

  auto back = decode_order_state(json);
  REQUIRE(back.ok());
  CHECK(state_json(*back) == json);
  CHECK(back->status == OrderStatus::paid);
  REQUIRE(back->payment.has_value());
  CHECK(*back->payment == OrderPayment{"wompi", "tx-1", "APPROVED"});
  CHECK(back->applied_payments == s.applied_payments);
  CHECK(back->applied_payments.size() == 2);
  CHECK(back->version == 3);
}

TEST_CASE("an order in every status survives encode and decode unchanged", "[snapshots]") {
  for (auto status : {OrderStatus::pending_payment, OrderStatus::paid, OrderStatus::payment_failed,
                      OrderStatus::expired, OrderStatus::cancelled, OrderStatus::needs_attention,
                      OrderStatus::refunded}) {
    auto s = placed_order();
    s.status = status;
    INFO(to_string(status));
    auto back = decode_order_state(state_json(s));
    REQUIRE(back.ok());
    CHECK(back->status == status);
    CHECK(state_json(*back) == state_json(s));
  }
}

TEST_CASE("an order never placed round-trips with its defaults", "[snapshots]") {
  OrderState s{.reference = kRef};
  auto back = decode_order_state(state_json(s));
  REQUIRE(back.ok());
  CHECK(state_json(*back) == state_json(s));
  CHECK_FALSE(back->placed);
  CHECK(back->lines.empty());
  CHECK(back->expires_at == 0);
}

TEST_CASE("encoding the same state twice gives the same text", "[snapshots]") {
  CHECK(state_json(product_with_reservations()) == state_json(product_with_reservations()));
  CHECK(state_json(cart_with_lines()) == state_json(cart_with_lines()));
  CHECK(state_json(paid_order()) == state_json(paid_order()));
}

TEST_CASE("the same reservations made in another order encode to the same text", "[snapshots]") {
  ProductState a{.sku = Sku{"sku-1"}};
  a.reservations = {{OrderRef{"ORD-2"}, 1}};
  a.reservations.emplace(OrderRef{"ORD-1"}, 2);
  ProductState b{.sku = Sku{"sku-1"}};
  b.reservations = {{OrderRef{"ORD-1"}, 2}};
  b.reservations.emplace(OrderRef{"ORD-2"}, 1);
  CHECK(state_json(a) == state_json(b));
}

TEST_CASE("truncated JSON is data loss", "[snapshots]") {
  auto json = state_json(paid_order());
  for (auto size : {json.size() - 1, json.size() / 2, std::size_t{1}, std::size_t{0}})
    CHECK(error_code_of(decode_order_state(json.substr(0, size))) == Errc::data_loss);
}

TEST_CASE("text that is not one JSON object is data loss", "[snapshots]") {
  for (std::string_view text : {"[]", "42", "null", "\"cart\"", "{} {}", "not json"})
    CHECK(error_code_of(decode_cart_state(text)) == Errc::data_loss);
}

TEST_CASE("a format this build does not read is data loss that names the format", "[snapshots]") {
  auto json = state_json(cart_with_lines());
  auto r = decode_cart_state(replaced(json, "\"format\":1", "\"format\":2"));
  CHECK(error_code_of(r) == Errc::data_loss);
  CHECK_THAT(r.error().message, Contains("format 2"));

  CHECK(error_code_of(decode_cart_state(replaced(json, "\"format\":1", "\"format\":-1"))) == Errc::data_loss);
  CHECK(error_code_of(decode_cart_state(replaced(json, "\"format\":1", "\"format\":\"1\""))) == Errc::data_loss);
  CHECK(error_code_of(decode_cart_state(replaced(json, "\"format\":1,", ""))) == Errc::data_loss);
}

TEST_CASE("a missing field is data loss that names the field", "[snapshots]") {
  auto product = decode_product_state(replaced(state_json(product_with_reservations()), "\"on_hand\"", "\"onhand\""));
  CHECK(error_code_of(product) == Errc::data_loss);
  CHECK_THAT(product.error().message, Contains("on_hand"));

  auto order = replaced(state_json(paid_order()), "\"payment\":", "\"last_payment\":");
  CHECK(error_code_of(decode_order_state(order)) == Errc::data_loss);
  auto line = replaced(state_json(placed_order()), "\"price_in_cents\":700", "\"price\":700");
  CHECK(error_code_of(decode_order_state(line)) == Errc::data_loss);
  auto readable_time = replaced(state_json(placed_order()), "\"expires_at\":", "\"expiry\":");
  CHECK(error_code_of(decode_order_state(readable_time)) == Errc::data_loss);
}

TEST_CASE("another aggregate's state is data loss", "[snapshots]") {
  CHECK(error_code_of(decode_cart_state(state_json(product_with_reservations()))) == Errc::data_loss);
  CHECK(error_code_of(decode_product_state(state_json(cart_with_lines()))) == Errc::data_loss);
}

TEST_CASE("a mistyped field is data loss", "[snapshots]") {
  auto product = state_json(product_with_reservations());
  CHECK(error_code_of(decode_product_state(replaced(product, "\"on_hand\":10", "\"on_hand\":\"10\""))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_product_state(replaced(product, "\"defined\":true", "\"defined\":1"))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_product_state(replaced(product, "\"ORD-1\":3", "\"ORD-1\":\"3\""))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_product_state(replaced(product, "\"version\":6", "\"version\":-6"))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_product_state(replaced(product, "\"price_in_cents\":1500", "\"price_in_cents\":1.5"))) ==
        Errc::data_loss);

  auto cart = state_json(cart_with_lines());
  CHECK(error_code_of(decode_cart_state(replaced(cart, "{\"cup\":1,\"mug\":2}", "[]"))) == Errc::data_loss);

  auto order = state_json(paid_order());
  CHECK(error_code_of(decode_order_state(replaced(order, "\"status\":\"paid\"", "\"status\":\"settled\""))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_order_state(replaced(order, "\"placed\":true", "\"placed\":\"true\""))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_order_state(replaced(order, "\"quantity\":2", "\"quantity\":null"))) ==
        Errc::data_loss);
  auto unpaid = state_json(placed_order());
  CHECK(error_code_of(decode_order_state(replaced(unpaid, "\"payment\":null", "\"payment\":\"none\""))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_order_state(replaced(unpaid, "\"payment\":null", "\"payment\":{}"))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_order_state(replaced(order, "\"applied_payments\":[", "\"applied_payments\":[7,"))) ==
        Errc::data_loss);
  CHECK(error_code_of(decode_order_state(replaced(order, "\"transaction_id\":\"tx-1\"", "\"transaction_id\":1"))) ==
        Errc::data_loss);
}
