// Text from outside: UTF-8 well-formedness, names and identifiers, and JSON output that always parses.
#include <catch2/catch.hpp>

#include "support/json_writer.hpp"
#include "support/text.hpp"

using namespace bitacora;

TEST_CASE("well-formed UTF-8 is told apart from bytes that only look like it", "[support][text]") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain ascii"));
  CHECK(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
  CHECK_FALSE(valid_utf8("\xff\xfe\xfd"));
  CHECK_FALSE(valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(valid_utf8("\x80"));              // a stray continuation byte
  CHECK(utf8_lossy("a\xff" "b\xc3\xa9") == "a\xef\xbf\xbd" "b\xc3\xa9");
}

TEST_CASE("truncating text never ends inside a character", "[support][text]") {
  CHECK(utf8_prefix("abc", 10) == "abc");
  CHECK(utf8_prefix("ab\xc3\xa9", 3) == "ab");
  CHECK(utf8_prefix("\xf0\x9f\x98\x80x", 3) == "");
  CHECK(utf8_prefix("\xf0\x9f\x98\x80x", 4) == "\xf0\x9f\x98\x80");
  CHECK(utf8_prefix("\xff\xff\xff\xff\xff", 2) == "\xff\xff");  // not text anyway: cut where asked
}

TEST_CASE("a name is 1-256 bytes of text without control characters", "[support][text]") {
  CHECK(valid_name("ana"));
  CHECK(valid_name("usuario@tienda.co"));
  CHECK(valid_name("Jos\xc3\xa9 / 42"));
  CHECK(valid_name(std::string(256, 'a')));
  CHECK_FALSE(valid_name(std::string(257, 'a')));
  CHECK_FALSE(valid_name(""));
  CHECK_FALSE(valid_name(std::string("victim\0ZZ", 9)));
  CHECK_FALSE(valid_name("tab\there"));
  CHECK_FALSE(valid_name("del\x7f"));
  CHECK_FALSE(valid_name("c1\xc2\x85"));  // U+0085, a C1 control
  CHECK_FALSE(valid_name("\xff"));
  CHECK(valid_name("nbsp\xc2\xa0ok"));  // U+00A0 is not a control
}

TEST_CASE("an identifier is 1-64 of A-Z a-z 0-9 . _ -", "[support][text]") {
  CHECK(valid_identifier("ORD-01.a_b"));
  CHECK_FALSE(valid_identifier("a/b"));
  CHECK_FALSE(valid_identifier("a b"));
  CHECK_FALSE(valid_identifier(""));
  CHECK_FALSE(valid_identifier(std::string(65, 'x')));
  CHECK(valid_identifier(std::string(100, 'x'), 128));
}

TEST_CASE("the JSON writer puts out bytes that are not UTF-8 as U+FFFD, so its text always parses", "[support][json]") {
  JsonWriter w;
  w.begin_object().field("k", "ok \xc3\xa9 \xff\xfe end").end_object();
  CHECK(w.str() == "{\"k\":\"ok \xc3\xa9 \\ufffd\\ufffd end\"}");
  std::string out;
  json_escape(out, std::string("\0\x1f\"\\", 4));
  CHECK(out == "\\u0000\\u001f\\\"\\\\");
}
