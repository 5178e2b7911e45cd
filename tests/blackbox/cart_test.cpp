// Black-box: the cart contract (API.md §4) and shoppers' authentication.
#include <catch2/catch.hpp>

#include <openssl/hmac.h>

#include "support/crypto.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;
namespace crypto = bitacora::crypto;

TEST_CASE("cart versions rise by one per accepted change, and a stale If-Match is 409 with the current cart",
          "[blackbox][cart]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10, 2500);
  define_product(c, "sku-2", 3, 1000);
  auto ana = as_shopper("ana");

  auto empty = c.get("/api/cart", ana);
  REQUIRE(empty.status == 200);
  CHECK(Json(empty.body).num("/version") == 0);
  CHECK(empty.headers["etag"] == "\"0\"");

  auto added = c.post("/api/cart/items", R"({"sku":"sku-1","quantity":2})", ana);
  REQUIRE(added.status == 200);
  CHECK(Json(added.body).num("/version") == 1);
  auto again = c.post("/api/cart/items", R"({"sku":"sku-1","quantity":1})", ana);
  CHECK(Json(again.body).num("/items/0/quantity") == 3);
  CHECK(Json(again.body).num("/version") == 2);

  auto with_version = ana;
  with_version.emplace_back("If-Match", "\"2\"");
  auto bulk = c.post("/api/cart/bulk-update", R"({"sku-1":1,"sku-2":2})", with_version);
  REQUIRE(bulk.status == 200);
  Json cart(bulk.body);
  CHECK(cart.num("/version") == 3);
  CHECK(cart.num("/total_in_cents") == 1 * 2500 + 2 * 1000);
  CHECK(cart.str("/currency") == "COP");
  CHECK(bulk.headers["etag"] == "\"3\"");

  auto stale = c.post("/api/cart/bulk-update", R"({"sku-1":5})", with_version);
  REQUIRE(stale.status == 409);
  Json conflict(stale.body);
  CHECK(conflict.str("/error") == "version_conflict");
  CHECK(conflict.num("/cart/version") == 3);
  CHECK(conflict.num("/cart/items/0/quantity") == 1);

  auto unknown = c.post("/api/cart/bulk-update", R"({"sku-404":1})", ana);
  REQUIRE(unknown.status == 422);
  CHECK(Json(unknown.body).str("/error") == "unknown_sku");
  CHECK(Json(unknown.body).str("/sku") == "sku-404");

  auto too_many = c.post("/api/cart/bulk-update", R"({"sku-2":4})", ana);
  REQUIRE(too_many.status == 422);
  Json short_of(too_many.body);
  CHECK(short_of.str("/error") == "insufficient_stock");
  CHECK(short_of.str("/sku") == "sku-2");
  CHECK(short_of.num("/available") == 3);

  auto removed = c.post("/api/cart/bulk-update", R"({"sku-2":0})", ana);
  CHECK(Json(removed.body).size("/items") == 1);
  CHECK(Json(removed.body).num("/version") == 4);

  auto cleared = c.request("DELETE", "/api/cart", {}, ana);
  REQUIRE(cleared.status == 200);
  CHECK(Json(cleared.body).size("/items") == 0);
  CHECK(Json(cleared.body).num("/version") == 5);
  CHECK(event_types(c, "cart/ana") == std::vector<std::string>{"CartItemAdded", "CartItemAdded", "CartQuantitiesSet",
                                                               "CartQuantitiesSet", "CartCleared"});
}

namespace {

std::string b64url(const std::string& s) { return crypto::base64url(s); }

std::string token(const std::string& header, const std::string& payload, const std::string& secret, const EVP_MD* md) {
  auto signing_input = b64url(header) + "." + b64url(payload);
  unsigned char mac[64];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(signing_input.data()),
       signing_input.size(), mac, &len);
  return signing_input + "." + b64url(std::string(reinterpret_cast<char*>(mac), len));
}

}  // namespace

TEST_CASE("shopper routes take an HS256 JWT and refuse wrong secrets, expired tokens, alg none and HS512",
          "[blackbox][cart][jwt]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  auto bearer = [](const std::string& t) { return Headers{{"Authorization", "Bearer " + t}}; };
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

  CHECK(c.get("/api/cart", bearer(token(hs256, R"({"sub":"ana","exp":4102444800})", kJwtSecret, EVP_sha256()))).status == 200);
  CHECK(c.get("/api/cart").status == 401);
  CHECK(c.get("/api/cart", bearer(token(hs256, R"({"sub":"ana"})", "another-secret", EVP_sha256()))).status == 401);
  CHECK(c.get("/api/cart", bearer(token(hs256, R"({"sub":"ana","exp":1000000000})", kJwtSecret, EVP_sha256()))).status == 401);
  CHECK(c.get("/api/cart", bearer(b64url(R"({"alg":"none"})") + "." + b64url(R"({"sub":"ana"})") + ".")).status == 401);
  CHECK(c.get("/api/cart", bearer(token(R"({"alg":"HS512","typ":"JWT"})", R"({"sub":"ana"})", kJwtSecret, EVP_sha512())))
            .status == 401);
  CHECK(c.get("/api/cart", bearer(secrets::admin_token)).status == 401);  // the admin token is not a shopper
}
