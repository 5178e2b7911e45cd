#include "snapshots/aggregates.hpp"

#include "events/event_variant.hpp"

namespace bitacora::snapshots {

void WebhookAggregate::apply(State& s, Event e) {
  std::visit(
      [&s]<class E>(E& ev) {
        if constexpr (std::is_same_v<E, events::WebhookReceivedHead>) s = domain::apply(std::move(ev));
        else s = domain::apply(std::move(s), ev);
      },
      e);
}

Result<WebhookAggregate::Event> WebhookAggregate::decode_event(std::string_view type, std::string_view json) {
  return events::decode_variant<Event>(type, json, events::webhook_received_head_from_json, events::webhook_succeeded_from_json,
                                       events::webhook_attempt_failed_from_json, events::webhook_failed_from_json,
                                       events::webhook_retry_requested_from_json);
}

std::optional<std::string> WebhookAggregate::refusal(const State& s, std::string_view type) {
  const bool known = [&]<class... E>(std::type_identity<std::variant<E...>>) {
    return ((type == E::kType) || ...);
  }(std::type_identity<Event>{});
  if (!known) return "unknown event type \"" + std::string(type) + "\" on a webhook stream";
  const bool started = !s.key.empty();
  if (type == events::WebhookReceived::kType) {
    if (started) return "a second WebhookReceived on one webhook stream";
  } else if (!started) {
    return "a webhook stream must begin with WebhookReceived";
  }
  return std::nullopt;
}

}  // namespace bitacora::snapshots
