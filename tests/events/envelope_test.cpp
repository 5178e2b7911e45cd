#include <catch2/catch.hpp>

#include "events/envelope.hpp"
#include "events/webhook_events.hpp"

using namespace bitacora;

TEST_CASE("an envelope survives its codec byte for byte", "[events]") {
  events::Envelope e{"webhook/stripe:evt_1", 3, "WebhookReceived", 1'700'000'000'123'456, R"({"a":"\u0000b"})",
                     std::string(32, '\x7f')};
  auto back = events::decode_envelope(events::encode(e));
  REQUIRE(back.ok());
  CHECK(back->prev_hash == e.prev_hash);
  CHECK(back->stream == e.stream);
  CHECK(back->stream_version == 3);
  CHECK(back->type == e.type);
  CHECK(back->at == e.at);
  CHECK(back->data == e.data);
}

TEST_CASE("an envelope read in place points into the stored bytes and says what the copy says", "[events]") {
  const std::string bytes =
      events::encode(events::Envelope{"cart/u-1", 2, "CartItemAdded", 5, R"({"sku":"a"})", std::string(32, '\x01')});
  auto view = events::decode_envelope_view(bytes);
  REQUIRE(view.ok());
  CHECK(view->stream == "cart/u-1");
  CHECK(view->type == "CartItemAdded");
  CHECK(view->data == R"({"sku":"a"})");
  CHECK(view->prev_hash == std::string(32, '\x01'));
  CHECK(view->stream.data() >= bytes.data());
  CHECK(view->prev_hash.data() + view->prev_hash.size() == bytes.data() + bytes.size());
  CHECK(events::decode_envelope_view(bytes.substr(0, bytes.size() - 1)).error().code == Errc::data_loss);
  CHECK(events::decode_envelope_view(bytes + "x").error().code == Errc::data_loss);
}

TEST_CASE("a truncated or unknown-format envelope is data loss, never a guess", "[events]") {
  auto bytes = events::encode(events::Envelope{"s", 1, "T", 1, "{}", {}});
  CHECK(events::decode_envelope(bytes.substr(0, bytes.size() - 1)).error().code == Errc::data_loss);
  bytes[0] = 9;
  CHECK(events::decode_envelope(bytes).error().code == Errc::data_loss);
  CHECK_FALSE(events::decode_envelope("").ok());
}

TEST_CASE("an envelope renders as the JSON of API.md §5", "[events]") {
  auto json = events::to_json(7, events::Envelope{"product/sku-1", 2, "StockAdjusted", 0, R"({"delta":3})", {}});
  CHECK(json == R"({"seq":7,"stream":"product/sku-1","version":2,"type":"StockAdjusted","at":"1970-01-01T00:00:00.000Z","data":{"delta":3}})");
}

TEST_CASE("WebhookReceived keeps the raw body exactly", "[events]") {
  events::WebhookReceived e{"stripe", "stripe:evt_1", "payment_intent.succeeded", "ORD-1", 42, "a=1",
                            "{\"id\": \"evt_1\",\n \"x\":\"\\u00e9\"}"};
  auto back = events::webhook_received_from_json(events::to_json(e));
  REQUIRE(back.ok());
  CHECK(back->body == e.body);
  CHECK(back->key == e.key);
  CHECK(back->received_at == 42);
  CHECK(back->query == "a=1");
  // The stored text, field for field (export prints it as the event's `data`).
  CHECK(events::to_json(events::WebhookReceived{"wompi", "wompi:tx-1", "transaction.updated", "ORD-2", 1'700'000'000'123'456,
                                                "", "{}"}) ==
        R"({"gateway":"wompi","key":"wompi:tx-1","type":"transaction.updated","order_reference":"ORD-2",)"
        R"("received_at":"2023-11-14T22:13:20.123Z","received_at_us":1700000000123456,"query":"","body":"{}"})");
}

TEST_CASE("a WebhookReceived whose query or body is not UTF-8 is stored as text that parses, and read back exactly",
          "[events][utf8]") {
  events::WebhookReceived e{"stripe", "stripe:evt_9", "ping", "", 42, "note=\xff", std::string("\xff\xfe\0x", 4)};
  const auto text = events::to_json(e);
  CHECK(text.find(R"("query":"note=\ufffd","query_base64":"bm90ZT3/")") != std::string::npos);
  CHECK(text.find(R"("body":"\ufffd\ufffd\u0000x","body_base64":"//4AeA==")") != std::string::npos);
  auto back = events::webhook_received_from_json(text);
  REQUIRE(back.ok());
  CHECK(back->query == e.query);
  CHECK(back->body == e.body);
  CHECK(events::webhook_received_head_from_json(text).ok());
  // A "_base64" member that does not decode is data loss, not a guess.
  auto broken = text;
  broken.replace(broken.find("bm90ZT3/"), 8, "not*b64");
  CHECK_FALSE(events::webhook_received_from_json(broken).ok());
}

TEST_CASE("a record written before malformed UTF-8 was escaped still reads, with U+FFFD for those bytes",
          "[events][utf8]") {
  // What the old writer stored for a query holding 0xff: the raw byte inside the JSON string.
  const std::string old = "{\"gateway\":\"stripe\",\"key\":\"stripe:evt_1\",\"type\":\"t\",\"order_reference\":\"\","
                          "\"received_at_us\":1,\"query\":\"a=\xff\",\"body\":\"{}\"}";
  auto back = events::webhook_received_from_json(old);
  REQUIRE(back.ok());
  CHECK(back->query == "a=\xef\xbf\xbd");
  CHECK(back->body == "{}");
}

TEST_CASE("a WebhookReceived's head decodes what a summary keeps, and requires the raw request as strings", "[events]") {
  events::WebhookReceived e{"stripe", "stripe:evt_1", "payment_intent.succeeded", "ORD-1", 42, "a=1",
                            "{\"id\": \"evt_1\"}"};
  auto head = events::webhook_received_head_from_json(events::to_json(e));
  REQUIRE(head.ok());
  CHECK(head->gateway == "stripe");
  CHECK(head->key == "stripe:evt_1");
  CHECK(head->event_type == "payment_intent.succeeded");
  CHECK(head->order_reference == "ORD-1");
  CHECK(head->received_at == 42);
  const std::string fields = R"("gateway":"g","key":"k","type":"t","order_reference":"","received_at_us":1)";
  CHECK(events::webhook_received_head_from_json("{" + fields + R"(,"query":"","body":"{}"})").ok());
  for (const std::string& raw : {std::string(R"("query":"","body":{})"), std::string(R"("query":1,"body":"{}")"),
                                 std::string(R"("body":"{}")"), std::string(R"("query":"")")}) {
    INFO(raw);
    auto bad = events::webhook_received_head_from_json("{" + fields + "," + raw + "}");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::data_loss);
  }
}

TEST_CASE("a format-1 envelope, written before the hash chain, is still read, without a chain hash", "[events]") {
  // u8 1 | "s" | u64 version 2 | "T" | i64 at 5 | "{}"
  std::string v1;
  v1 += '\x01';
  v1 += '\x01';
  v1 += 's';
  v1 += std::string("\x02\0\0\0\0\0\0\0", 8);
  v1 += '\x01';
  v1 += 'T';
  v1 += std::string("\x05\0\0\0\0\0\0\0", 8);
  v1 += '\x02';
  v1 += "{}";
  auto e = events::decode_envelope(v1);
  REQUIRE(e.ok());
  CHECK(e->stream == "s");
  CHECK(e->stream_version == 2);
  CHECK(e->at == 5);
  CHECK(e->data == "{}");
  CHECK(e->prev_hash.empty());
  CHECK(events::decode_envelope(v1 + "x").error().code == Errc::data_loss);
}
