// The aggregate descriptors: each stream finds its own, and a webhook stream keeps its order.
#include <catch2/catch.hpp>

#include <type_traits>

#include "events/webhook_events.hpp"
#include "snapshots/aggregates.hpp"
#include "snapshots/rebuild.hpp"

using namespace bitacora;
using namespace bitacora::snapshots;

static_assert(std::is_same_v<AggregateOf<domain::CartState>, CartAggregate>);
static_assert(std::is_same_v<AggregateOf<domain::WebhookSummary>, WebhookAggregate>);

namespace {

std::string_view name_of(std::string_view stream) {
  std::string_view name = "none";
  visit_aggregate(stream, [&]<class D>(std::type_identity<D>) { name = D::kName; });
  return name;
}

events::Envelope webhook_event(std::string_view type, std::string data) {
  return {"webhook/stripe:evt_1", 1, std::string(type), 0, std::move(data), {}};
}

}  // namespace

TEST_CASE("a stream's descriptor is the one its name begins with", "[snapshots]") {
  CHECK(name_of("product/mug") == "product");
  CHECK(name_of("cart/ana") == "cart");
  CHECK(name_of("order/ORD-1") == "order");
  CHECK(name_of("webhook/stripe:evt_1") == "webhook");
  CHECK(name_of("orders/ORD-1") == "none");
  CHECK(OrderAggregate::key_of(OrderAggregate::initial("ORD-1")) == "ORD-1");
}

TEST_CASE("a webhook stream refuses an event out of order before reading its data", "[snapshots]") {
  const std::string received = events::to_json(events::WebhookReceived{"stripe", "stripe:evt_1", "payment_intent.succeeded",
                                                                        "ORD-1", 0, "", "{}"});
  auto state = initial_state("webhook/stripe:evt_1");
  auto first = apply_event(state, webhook_event("WebhookSucceeded", "not json"));
  CHECK(first.error().message == "a webhook stream must begin with WebhookReceived");
  auto unknown = apply_event(state, webhook_event("WebhookDeleted", "{}"));
  CHECK(unknown.error().message == "unknown event type \"WebhookDeleted\" on a webhook stream");

  REQUIRE(apply_event(state, webhook_event("WebhookReceived", received)).ok());
  auto again = apply_event(state, webhook_event("WebhookReceived", "not json"));
  CHECK(again.error().message == "a second WebhookReceived on one webhook stream");
  REQUIRE(apply_event(state, webhook_event("WebhookSucceeded", R"({"attempt":1,"effect":"paid"})")).ok());
  const auto* w = state_if<domain::WebhookSummary>(state);
  REQUIRE(w != nullptr);
  CHECK(w->key == "stripe:evt_1");
  CHECK(w->status == domain::WebhookStatus::succeeded);
  CHECK(any_state_json(state) == domain::encode(*w));
}
