#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/json_fields.hpp"

using namespace bitacora;
using namespace bitacora::events;

namespace {

struct Item {
  std::string name;
  std::int64_t count = 0;
};

void fields(auto& io, Is<Item> auto& e) {
  io("name", e.name);
  io("count", e.count);
}

}  // namespace

TEST_CASE("a document reads its members in any order, nested objects and arrays included", "[events][json]") {
  json::Document d(R"( {"items":[{"count":2,"name":"a"},{"name":"b\"c","count":-3}], "n":7,)"
                   R"("lines":{"mug":3,"cup":0},"s":"x\u00e9"} )");
  std::uint32_t n = 0;
  std::string s;
  std::map<std::string, std::int64_t> lines;
  std::vector<Item> items;
  d("s", s);
  d("n", n);
  d("items", items);
  d("lines", lines);
  REQUIRE(d.ok());
  CHECK(n == 7);
  CHECK(s == "x\xc3\xa9");
  CHECK(lines == std::map<std::string, std::int64_t>{{"cup", 0}, {"mug", 3}});
  REQUIRE(items.size() == 2);
  CHECK(items[0].name == "a");
  CHECK(items[0].count == 2);
  CHECK(items[1].name == "b\"c");
  CHECK(items[1].count == -3);
}

TEST_CASE("text that is not exactly one closed JSON object does not read", "[events][json]") {
  for (std::string text : {"", "   ", "[]", "1", R"("s")", "not json", R"({"a":1)", R"({"a":{"b":1})", R"({"a":1} x)",
                           R"({"a":1}{"b":2})", R"({"a":1,})", R"({"a" 1})", R"({"a":1 "b":2})", R"({"a":[1,2})",
                           R"({"a":"open})"}) {
    INFO(text);
    json::Document d(text);
    std::int64_t a = 0;
    d("a", a);
    CHECK_FALSE(d.ok());
  }
  json::Document empty("{}");
  CHECK(empty.ok());
}

TEST_CASE("a nested value that is not JSON fails the whole document, whatever is read after", "[events][json]") {
  // Found by fuzzing: On-Demand skips an unread value by counting brackets, so these passed the
  // shape check, and a later lookup out of order met them (undefined behaviour in simdjson).
  for (std::string text : {R"({"lines":[{"sku":"","quantity":3,"price_in_cents":0 0]},"a":1})",
                           R"({"x":{"status":""D},"a":1})", R"({"x":[1,{"y":2]],"a":1})", R"({"x":{"y":[1}},"a":1})"}) {
    INFO(text);
    json::Document d(text);
    std::int64_t a = 0;
    d("a", a);
    CHECK_FALSE(d.ok());
  }
  // Found by fuzzing too: a defaulted member looked up in such a document (an operator's `by`).
  json::Document defaulted(R"({"a":1,"lines":["s{":"m","q":3}],"b":2})");
  std::string by = "unchanged";
  defaulted.reader()("by", json::defaulted(by));
  CHECK_FALSE(defaulted.ok());
  json::Document nested(R"({"x":{"y":[1,{"z":[]}],"w":"s"},"a":1})");
  std::int64_t a = 0;
  nested("a", a);
  CHECK(nested.ok());
  CHECK(a == 1);
}

TEST_CASE("a missing, mistyped or out-of-range member fails the document, and every later read with it", "[events][json]") {
  auto reads = [](const char* text, auto value) {
    json::Document d(text);
    d("v", value);
    return d.ok();
  };
  CHECK(reads(R"({"v":255})", std::uint8_t{}));
  CHECK_FALSE(reads(R"({"v":256})", std::uint8_t{}));
  CHECK_FALSE(reads(R"({"v":-1})", std::uint32_t{}));
  CHECK_FALSE(reads(R"({"v":1.5})", std::int64_t{}));
  CHECK_FALSE(reads(R"({"v":"1"})", std::int64_t{}));
  CHECK_FALSE(reads(R"({"v":1})", std::string{}));
  CHECK_FALSE(reads(R"({"w":"x"})", std::string{}));
  CHECK_FALSE(reads(R"({"v":{"k":"3"}})", std::map<std::string, std::int64_t>{}));
  CHECK_FALSE(reads(R"({"v":[{"name":"a"}]})", std::vector<Item>{}));

  json::Document d(R"({"a":"x","b":2})");
  std::int64_t a = 0;
  std::int64_t b = 0;
  d("a", a);
  d("b", b);
  CHECK_FALSE(d.ok());
  CHECK(b == 0);  // not read once the document has failed
}

TEST_CASE("documents nest: one read while another is open", "[events][json]") {
  json::Document outer(R"({"inner":"{\"k\":5}","after":1})");
  std::string inner_text;
  outer("inner", inner_text);
  std::int64_t k = 0;
  {
    json::Document inner(inner_text);
    inner("k", k);
    CHECK(inner.ok());
  }
  std::int64_t after = 0;
  outer("after", after);
  CHECK(outer.ok());
  CHECK(k == 5);
  CHECK(after == 1);
}
