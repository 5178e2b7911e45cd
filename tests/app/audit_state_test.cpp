#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "app/audit_state.hpp"

using bitacora::app::audit_detail::Stream;
using bitacora::app::audit_detail::StreamTable;

TEST_CASE("audit's stream table finds every stream it added, across growth, and keeps them in place") {
  StreamTable table;
  std::vector<const Stream*> added;
  for (int i = 0; i < 20'000; ++i) added.push_back(&table.get("cart/user-" + std::to_string(i)));
  for (int i = 0; i < 20'000; ++i) {
    const auto name = "cart/user-" + std::to_string(i);
    REQUIRE(table.find(name) == added[static_cast<std::size_t>(i)]);  // streams never move
    REQUIRE(&table.get(name) == added[static_cast<std::size_t>(i)]);   // nor are added twice
    REQUIRE(added[static_cast<std::size_t>(i)]->name == name);
  }
  CHECK(table.find("cart/user-20000") == nullptr);
  CHECK(table.find("") == nullptr);

  std::vector<std::string> order;
  table.for_each([&](const Stream& s) { order.push_back(s.name); });
  REQUIRE(order.size() == 20'000);
  CHECK(order.front() == "cart/user-0");
  CHECK(order.back() == "cart/user-19999");
}

TEST_CASE("audit's stream table tells apart streams whose hashes are equal") {
  StreamTable table;
  Stream& a = table.get("order/A", 42);
  Stream& b = table.get("order/B", 42);
  Stream& c = table.get("order/C", 42 + (1u << 20));  // another hash on the same slot once masked
  CHECK(&a != &b);
  CHECK(&table.get("order/A", 42) == &a);
  CHECK(&table.get("order/B", 42) == &b);
  CHECK(&table.get("order/C", 42 + (1u << 20)) == &c);
  CHECK(b.name == "order/B");
  // A state was made for each, as its stream's name says.
  CHECK(bitacora::snapshots::state_if<bitacora::domain::OrderState>(b.state) != nullptr);

  // The prefetch hint goes by hash alone: the first stream with it, or none.
  CHECK(table.prefetch_stream(42) == &a);
  CHECK(table.prefetch_stream(42 + (1u << 20)) == &c);
  CHECK(table.prefetch_stream(7) == nullptr);
  table.prefetch_slot(7);  // a hint on any hash is harmless
}

TEST_CASE("audit's empty stream table answers lookups and hints") {
  StreamTable table;
  CHECK(table.find("cart/x") == nullptr);
  CHECK(table.prefetch_stream(StreamTable::hash_of("cart/x")) == nullptr);
  table.prefetch_slot(0);
  table.reserve(1000);
  CHECK(table.find("cart/x") == nullptr);
  CHECK(table.get("cart/x").name == "cart/x");
}
