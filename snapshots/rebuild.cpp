#include "snapshots/rebuild.hpp"

#include "events/cart_events.hpp"
#include "events/catalog_events.hpp"
#include "events/order_events.hpp"
#include "events/webhook_events.hpp"
#include "snapshots/state_codec.hpp"

namespace bitacora::snapshots {
namespace {

constexpr std::string_view kWebhookPrefix = "webhook/";

template <class E>
Status fold_webhook(domain::WebhookSummary& s, bool started, Result<E> (*decode)(std::string_view), std::string_view json) {
  if (!started) return Error{Errc::data_loss, "a webhook stream must begin with WebhookReceived"};
  auto e = decode(json);
  if (!e) return e.error();
  s = domain::apply(std::move(s), *e);
  return ok_status();
}

Status apply_webhook(AnyState& state, const events::EnvelopeView& e) {
  auto* s = state_if<domain::WebhookSummary>(state);
  const bool started = s && !s->key.empty();
  if (e.type == events::WebhookReceived::kType) {
    if (started) return Error{Errc::data_loss, "a second WebhookReceived on one webhook stream"};
    auto r = events::webhook_received_head_from_json(e.data);  // a summary keeps no raw request
    if (!r) return r.error();
    if (s) *s = domain::apply(std::move(*r));  // the state initial_state made
    else state = std::make_unique<domain::WebhookSummary>(domain::apply(std::move(*r)));
    return ok_status();
  }
  if (!s) return Error{Errc::data_loss, "not a webhook stream"};
  if (e.type == events::WebhookSucceeded::kType) return fold_webhook(*s, started, events::webhook_succeeded_from_json, e.data);
  if (e.type == events::WebhookAttemptFailed::kType)
    return fold_webhook(*s, started, events::webhook_attempt_failed_from_json, e.data);
  if (e.type == events::WebhookFailed::kType) return fold_webhook(*s, started, events::webhook_failed_from_json, e.data);
  if (e.type == events::WebhookRetryRequested::kType)
    return fold_webhook(*s, started, events::webhook_retry_requested_from_json, e.data);
  return Error{Errc::data_loss, "unknown event type \"" + std::string(e.type) + "\" on a webhook stream"};
}

template <class State, class Decode>
Status apply_aggregate(AnyState& state, const events::EnvelopeView& e, Decode decode) {
  auto* s = state_if<State>(state);
  if (!s) return Error{Errc::data_loss, "event of another aggregate"};
  auto ev = decode(e.type, e.data);
  if (!ev) return ev.error();
  domain::apply_in_place(*s, std::move(*ev));
  return ok_status();
}

}  // namespace

StreamKind kind_of(std::string_view stream) noexcept {
  if (stream.starts_with(events::kProductStreamPrefix)) return StreamKind::product;
  if (stream.starts_with(events::kCartStreamPrefix)) return StreamKind::cart;
  if (stream.starts_with(events::kOrderStreamPrefix)) return StreamKind::order;
  if (stream.starts_with(kWebhookPrefix)) return StreamKind::webhook;
  return StreamKind::unknown;
}

std::string_view key_of(std::string_view stream) noexcept {
  auto slash = stream.find('/');
  return slash == std::string_view::npos ? std::string_view() : stream.substr(slash + 1);
}

AnyState initial_state(std::string_view stream) {
  const std::string_view key = key_of(stream);  // copied once, into the id that keeps it
  switch (kind_of(stream)) {
    case StreamKind::product: {
      auto s = std::make_unique<domain::ProductState>();
      s->sku = Sku(std::string(key));
      return s;
    }
    case StreamKind::cart: {
      domain::CartState s;
      s.user = UserId(std::string(key));
      return s;
    }
    case StreamKind::order: {
      auto s = std::make_unique<domain::OrderState>();
      s->reference = OrderRef(std::string(key));
      return s;
    }
    case StreamKind::webhook: return std::make_unique<domain::WebhookSummary>();
    case StreamKind::unknown: break;
  }
  return std::monostate{};
}

Status apply_event(AnyState& state, const events::EnvelopeView& e) {
  switch (kind_of(e.stream)) {
    case StreamKind::product: return apply_aggregate<domain::ProductState>(state, e, domain::decode_product_event);
    case StreamKind::cart: return apply_aggregate<domain::CartState>(state, e, domain::decode_cart_event);
    case StreamKind::order: return apply_aggregate<domain::OrderState>(state, e, domain::decode_order_event);
    case StreamKind::webhook: return apply_webhook(state, e);
    case StreamKind::unknown: break;
  }
  return Error{Errc::data_loss, "stream \"" + std::string(e.stream) + "\" belongs to no aggregate"};
}

std::string any_state_json(const AnyState& state) {
  if (const auto* p = state_if<domain::ProductState>(state)) return state_json(*p);
  if (const auto* c = state_if<domain::CartState>(state)) return state_json(*c);
  if (const auto* o = state_if<domain::OrderState>(state)) return state_json(*o);
  if (const auto* w = state_if<domain::WebhookSummary>(state)) return domain::encode(*w);
  return "null";
}

}  // namespace bitacora::snapshots
