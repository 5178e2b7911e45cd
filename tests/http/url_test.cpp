#include "http/url.hpp"

#include <catch2/catch.hpp>

using bitacora::http::percent_decode;
using bitacora::http::query_param;
using bitacora::http::split_target;

TEST_CASE("percent escapes decode in either hex case", "[url]") {
  CHECK(percent_decode("a%2Fb%2fc") == "a/b/c");
  CHECK(percent_decode("%e2%82%AC") == "\xe2\x82\xac");
  CHECK(percent_decode("plain") == "plain");
  CHECK(percent_decode("") == "");
}

TEST_CASE("a plus is a space only when asked", "[url]") {
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("a%2Bb", true) == "a+b");
}

TEST_CASE("a malformed percent escape decodes to nothing", "[url]") {
  CHECK_FALSE(percent_decode("%").has_value());
  CHECK_FALSE(percent_decode("abc%4").has_value());
  CHECK_FALSE(percent_decode("%G1").has_value());
  CHECK_FALSE(percent_decode("%1z").has_value());
}

TEST_CASE("a query parameter is found by its decoded name and its value is decoded", "[url]") {
  CHECK(query_param("data.id=123&type=payment", "data.id") == "123");
  CHECK(query_param("data.id=123&type=payment", "type") == "payment");
  CHECK(query_param("data%2Eid=ab%20c", "data.id") == "ab c");
  CHECK(query_param("q=hello+world", "q") == "hello world");
}

TEST_CASE("the first of repeated query parameters wins", "[url]") {
  CHECK(query_param("a=1&a=2", "a") == "1");
}

TEST_CASE("a query parameter without '=' is present and empty", "[url]") {
  CHECK(query_param("flag&x=1", "flag") == "");
  CHECK(query_param("x=", "x") == "");
}

TEST_CASE("an absent query parameter is nothing", "[url]") {
  CHECK_FALSE(query_param("", "a").has_value());
  CHECK_FALSE(query_param("ab=1&&b=2", "a").has_value());
  CHECK(query_param("&&b=2&", "b") == "2");
}

TEST_CASE("a query parameter whose value has a malformed escape is nothing", "[url]") {
  CHECK_FALSE(query_param("a=%zz", "a").has_value());
}

TEST_CASE("a target splits into its path and its query", "[url]") {
  auto t = split_target("/webhooks/mp?data.id=1&type=payment");
  CHECK(t.path == "/webhooks/mp");
  CHECK(t.query == "data.id=1&type=payment");

  t = split_target("/health");
  CHECK(t.path == "/health");
  CHECK(t.query.empty());

  t = split_target("/a?");
  CHECK(t.path == "/a");
  CHECK(t.query.empty());

  t = split_target("/a?b=c?d");
  CHECK(t.path == "/a");
  CHECK(t.query == "b=c?d");
}
