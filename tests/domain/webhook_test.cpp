#include <catch2/catch.hpp>

#include "domain/webhook.hpp"

using namespace bitacora;
using namespace bitacora::domain;

TEST_CASE("a webhook summary row survives its stored form", "[domain][webhook]") {
  WebhookSummary s{"stripe", "stripe:evt_1", "payment_intent.succeeded", "ORD-1", WebhookStatus::failed, 3,
                   1'700'000'000'000'000, "HTTP 500", 1'690'000'000'000'000};
  auto back = decode_webhook_summary(encode(s));
  REQUIRE(back.ok());
  CHECK(back->key == s.key);
  CHECK(back->status == WebhookStatus::failed);
  CHECK(back->attempts == 3);
  CHECK(back->next_retry_at == s.next_retry_at);
  CHECK(back->received_at == s.received_at);
  CHECK(decode_webhook_summary("{}").error().code == Errc::data_loss);
}

TEST_CASE("a quarantined webhook keeps its body size as received", "[domain][webhook]") {
  QuarantinedWebhook q{"wompi", "bad checksum", 42, "a=1", "{\"x\":1}", 5'000'000'000};
  auto back = decode_quarantined(encode(q));
  REQUIRE(back.ok());
  CHECK(back->body_bytes == 5'000'000'000);
  CHECK(back->body == q.body);
  CHECK(decode_quarantined("not json").error().code == Errc::data_loss);
}
