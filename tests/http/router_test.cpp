#include <catch2/catch.hpp>

#include "http/router.hpp"

using namespace bitacora::http;

TEST_CASE("the router captures segments, decodes them, and tells 404 from 405", "[http][router]") {
  Router r;
  int hit = 0;
  r.add(bhttp::verb::post, "/webhooks/standard/{source}", [&](const Request&, const RouteParams&, Respond) { hit = 1; });
  r.add(bhttp::verb::get, "/api/streams/{stream...}", [&](const Request&, const RouteParams&, Respond) { hit = 2; });

  auto m = r.match(bhttp::verb::post, "/webhooks/standard/ac%20me?x=1");
  REQUIRE(m.handler);
  CHECK(m.params[0] == "ac me");
  CHECK(m.params.query == "x=1");
  CHECK(m.pattern == "/webhooks/standard/{source}");

  auto rest = r.match(bhttp::verb::get, "/api/streams/product/sku-1");
  REQUIRE(rest.handler);
  CHECK(rest.params[0] == "product/sku-1");

  auto wrong_method = r.match(bhttp::verb::get, "/webhooks/standard/acme");
  CHECK_FALSE(wrong_method.handler);
  CHECK(wrong_method.path_known);

  auto unknown = r.match(bhttp::verb::get, "/nothing/here");
  CHECK_FALSE(unknown.handler);
  CHECK_FALSE(unknown.path_known);
}
