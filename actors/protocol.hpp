// The aggregate actors' protocol: plain message structs, one set per aggregate kind K (the
// traits of actors/traits.hpp), each with an inspect() so that CAF's binary serializer can carry
// it to another process. Nothing here holds a closure or a pointer.
//
// Requests (a caller → the key's actor; the reply goes to the sender, through a response promise,
// so both `request(…).then(…)` from an actor and `send_as` from a Caller (actors/caller.hpp) work):
//   Get<K>{key, ask, token}                     → Got<K>{ask, view, version, error}
//   Command<K>{key, ask, command}               → Decided<K>{ask, view | DomainError | Error}
//   Hold<K>{key, ask, hold, mode, order, lease, user} → Held<K>{ask, hold, slice, version, error}
// Requests name their key, so a registry's router (Registry::serve) can take them from another
// node and pass them to the key's actor there, keeping the original sender.
// Then, from the holder: Commit<K>{hold, events, head} (its batch is durable: apply and let go) or
// Release<K>{hold}. From the registry: Retire<K>{token} and Leave<K>{}.
//
// Wire forms: events travel as the log stores them (envelope type + JSON), states as their
// snapshot JSON, both through the aggregate's descriptor (snapshots/aggregates.hpp), so a message
// decodes exactly as the log would. In
// one process nothing is serialized: CAF passes the structs themselves.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "actors/wire.hpp"
#include "domain/cart.hpp"
#include "domain/coupon.hpp"
#include "domain/delivery.hpp"
#include "domain/errors.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"
#include "snapshots/aggregates.hpp"
#include "storage/append.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

// -- the domain's values, as they cross a wire (ADL finds these beside their types) ------------

namespace bitacora {

template <class Inspector, class T, class Tag>
typename Inspector::result_type inspect(Inspector& f, NamedType<T, Tag>& x) {
  if constexpr (Inspector::reads_state) {
    return f(const_cast<T&>(x.value()));
  } else {
    T value{};
    auto e = f(value);
    x = NamedType<T, Tag>(std::move(value));
    return e;
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Error& x) {
  return f(caf::meta::type_name("bitacora.Error"), x.code, x.message);
}

}  // namespace bitacora

namespace bitacora::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StockShortage& x) {
  return f(caf::meta::type_name("bitacora.StockShortage"), x.sku, x.requested, x.available);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DomainError& x) {
  return f(caf::meta::type_name("bitacora.DomainError"), x.code, x.message, x.sku, x.requested, x.available, x.on_hand,
           x.reserved, x.current_version, x.shortages, x.reason, x.field);
}

// Product commands.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DefineProduct& x) {
  return f(caf::meta::type_name("DefineProduct"), x.name, x.price_in_cents, x.currency, x.stock, x.by, x.note);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, AdjustStock& x) {
  return f(caf::meta::type_name("AdjustStock"), x.delta, x.reason, x.by, x.note);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReserveStock& x) {
  return f(caf::meta::type_name("ReserveStock"), x.order_reference, x.quantity);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReleaseReservation& x) {
  return f(caf::meta::type_name("ReleaseReservation"), x.order_reference, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ConfirmReservation& x) {
  return f(caf::meta::type_name("ConfirmReservation"), x.order_reference);
}

// Cart commands.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StockInfo& x) {
  return f(caf::meta::type_name("StockInfo"), x.known, x.available);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, AddCartItem& x) {
  return f(caf::meta::type_name("AddCartItem"), x.sku, x.quantity, x.stock);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SetCartQuantities& x) {
  auto expected = wire::opt(x.expected_version);
  return f(caf::meta::type_name("SetCartQuantities"), x.lines, expected, x.stock);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ClearCart& x) {
  return f(caf::meta::type_name("ClearCart"), x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, AttachCoupon& x) {
  return f(caf::meta::type_name("AttachCoupon"), x.code);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RemoveCoupon&) {
  return f(caf::meta::type_name("RemoveCoupon"));
}

// Coupon and delivery zone commands: a definition travels as its event's stored JSON.
template <class E, auto Decode>
struct EventText {
  static std::string encode(const E& e) { return events::to_json(e); }
  static Result<E> decode(std::string_view json) { return Decode(json); }
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DefineCoupon& x) {
  return wire::inspect_as_text<Inspector, EventText<events::CouponDefined, events::coupon_defined_from_json>>(f, x.terms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, HoldCouponUse& x) {
  return f(caf::meta::type_name("HoldCouponUse"), x.order_reference, x.user);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ConfirmCouponUse& x) {
  return f(caf::meta::type_name("ConfirmCouponUse"), x.order_reference);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReleaseCouponUse& x) {
  return f(caf::meta::type_name("ReleaseCouponUse"), x.order_reference, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DefineDeliveryZone& x) {
  return wire::inspect_as_text<Inspector, EventText<events::DeliveryZoneDefined, events::delivery_zone_defined_from_json>>(
      f, x.terms);
}

}  // namespace bitacora::domain

namespace bitacora::storage {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, AppendOutcome& x) {
  return f(caf::meta::type_name("bitacora.AppendOutcome"), x.duplicate, x.first_seq, x.last_seq, x.last_version,
           x.stream_heads);
}

}  // namespace bitacora::storage

namespace bitacora::actors {

using AskId = std::uint64_t;   // pairs a reply with its request, for callers that are not actors
using HoldId = std::uint64_t;  // names one hold, so a late commit of a broken one is recognised

// A product without its reservations (a popular product holds thousands of them): what carts,
// coordinators and the API need of it.
struct ProductView {
  Sku sku;
  std::string name;
  std::int64_t price_in_cents = 0;
  std::string currency;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  bool defined = false;
  std::uint64_t version = 0;  // the product stream's: its ETag
  [[nodiscard]] std::int64_t available() const noexcept { return on_hand - reserved; }
};
[[nodiscard]] ProductView view_of(const domain::ProductState& p);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ProductView& x) {
  return f(caf::meta::type_name("bitacora.ProductView"), x.sku, x.name, x.price_in_cents, x.currency, x.on_hand, x.reserved,
           x.defined, x.version);
}

// A coupon without who holds its uses (a popular coupon is held by thousands of orders): what the
// API shows of it.
struct CouponView {
  CouponCode code;
  bool defined = false;
  events::CouponDefined terms{};
  std::int64_t used = 0;
  std::int64_t held = 0;
};
[[nodiscard]] CouponView view_of(const domain::CouponState& c);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CouponView& x) {
  auto terms = wire::as_text<domain::EventText<events::CouponDefined, events::coupon_defined_from_json>>(x.terms);
  return f(caf::meta::type_name("bitacora.CouponView"), x.code, x.defined, x.used, x.held, terms);
}

// A state whose wire form is its snapshot JSON (cart and order states are their own views; a
// product's slice is its state with only the asking order's reservation).
template <class S>
struct Snap {
  S value{};
};

template <class Inspector, class S>
typename Inspector::result_type inspect(Inspector& f, Snap<S>& x) {
  using D = snapshots::AggregateOf<S>;
  struct Codec {
    static std::string encode(const S& s) { return D::state_json(s); }
    static Result<S> decode(std::string_view json) { return D::decode_state(json); }
  };
  return wire::inspect_as_text<Inspector, Codec>(f, x.value);
}

// One aggregate's events, carried as the log stores them: (envelope type, JSON data) each.
template <class K>
struct Events {
  std::vector<typename K::Event> items;
};

template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Events<K>& x) {
  if constexpr (Inspector::reads_state) {
    std::vector<std::pair<std::string, std::string>> stored;
    stored.reserve(x.items.size());
    for (const auto& e : x.items) stored.emplace_back(std::string(K::event_type(e)), K::encode_event(e));
    return f(caf::meta::type_name("bitacora.Events"), stored);
  } else {
    std::vector<std::pair<std::string, std::string>> stored;
    if (auto e = f(caf::meta::type_name("bitacora.Events"), stored)) return e;
    x.items.clear();
    for (const auto& [type, json] : stored) {
      auto decoded = K::decode_event(type, json);
      if (!decoded) return caf::make_error(caf::sec::invalid_argument, decoded.error().message);
      x.items.push_back(std::move(*decoded));
    }
    return {};
  }
}

enum class HoldMode : std::uint8_t {
  exclusive,  // decisions that read the state (reserve stock, place an order): nothing else runs
  shared,     // facts about the holder's own order (confirm or release its reservation): they
              // commute with each other, so several may hold at once; exclusive work waits
};

// -- requests ----------------------------------------------------------------------------------

template <class K>
struct Get {
  std::string key;
  AskId ask = 0;
  std::uint64_t token = 0;  // the registry's send count: an actor of an empty stream may retire at once
};

template <class K>
struct Command {
  std::string key;
  AskId ask = 0;
  typename K::Command command{};
  // If-Match: decided only when the stream is at this version, else refused with version_conflict.
  std::optional<std::uint64_t> if_match{};
};

template <class K>
struct Hold {
  std::string key;
  AskId ask = 0;
  HoldId hold = 0;
  HoldMode mode = HoldMode::exclusive;
  OrderRef order{};  // whose part of the state the slice keeps (a product's reservation)
  Micros lease_us = 0;  // 0: the registry's default
  UserId user{};        // the order's shopper, where the slice keeps theirs too (a coupon's uses)
};

template <class K>
struct Commit {
  HoldId hold = 0;
  Events<K> events;
  std::uint64_t head = 0;  // the stream's version after the batch (0: the batch did not write it)
};

template <class K>
struct Release {
  HoldId hold = 0;
};

template <class K>
struct Retire {
  std::uint64_t token = 0;  // the registry's send count when it asked
};

template <class K>
struct Leave {};

// -- replies -----------------------------------------------------------------------------------

template <class K>
struct Got {
  AskId ask = 0;
  typename K::View view{};
  std::uint64_t version = 0;
  std::optional<Error> error;  // the state could not be read; `view` is the initial one
};

template <class K>
struct Decided {
  AskId ask = 0;
  std::variant<typename K::View, domain::DomainError, Error> outcome;
};

template <class K>
struct Held {
  AskId ask = 0;
  HoldId hold = 0;
  Snap<typename K::State> slice;
  std::uint64_t version = 0;
  std::optional<Error> error;  // not held: the state could not be read
};

// -- the actor's own (sent to itself) ----------------------------------------------------------

template <class K>
struct Durable {  // its append finished
  std::optional<Error> error;
  storage::AppendOutcome outcome;
};

template <class K>
struct LeaseDue {};  // a hold's lease may have run out

// -- inspect -----------------------------------------------------------------------------------

template <class K>
std::string type_name(const char* message) {
  return "bitacora." + std::string(K::kName) + "." + message;
}

template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Get<K>& x) {
  return f(caf::meta::type_name("Get"), x.key, x.ask, x.token);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Command<K>& x) {
  auto command = wire::var(x.command);
  auto if_match = wire::opt(x.if_match);
  return f(caf::meta::type_name("Command"), x.key, x.ask, command, if_match);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Hold<K>& x) {
  return f(caf::meta::type_name("Hold"), x.key, x.ask, x.hold, x.mode, x.order, x.lease_us, x.user);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Commit<K>& x) {
  return f(caf::meta::type_name("Commit"), x.hold, x.events, x.head);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Release<K>& x) {
  return f(caf::meta::type_name("Release"), x.hold);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Retire<K>& x) {
  return f(caf::meta::type_name("Retire"), x.token);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Leave<K>&) {
  return f(caf::meta::type_name("Leave"));
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Got<K>& x) {
  auto error = wire::opt(x.error);
  return f(caf::meta::type_name("Got"), x.ask, x.view, x.version, error);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Decided<K>& x) {
  auto outcome = wire::var(x.outcome);
  return f(caf::meta::type_name("Decided"), x.ask, outcome);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Held<K>& x) {
  auto error = wire::opt(x.error);
  return f(caf::meta::type_name("Held"), x.ask, x.hold, x.slice, x.version, error);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, Durable<K>& x) {
  auto error = wire::opt(x.error);
  return f(caf::meta::type_name("Durable"), error, x.outcome);
}
template <class Inspector, class K>
typename Inspector::result_type inspect(Inspector& f, LeaseDue<K>&) {
  return f(caf::meta::type_name("LeaseDue"));
}

// Registers every message of kind K with the actor system's configuration (a type that crosses
// to another node must be registered; locally it does not need to be).
template <class K>
void add_messages(caf::actor_system_config& cfg) {
  cfg.add_message_type<Get<K>>(type_name<K>("Get"));
  if constexpr (K::kTakesCommands) {
    cfg.add_message_type<Command<K>>(type_name<K>("Command"));
    cfg.add_message_type<Decided<K>>(type_name<K>("Decided"));
  }
  cfg.add_message_type<Hold<K>>(type_name<K>("Hold"));
  cfg.add_message_type<Commit<K>>(type_name<K>("Commit"));
  cfg.add_message_type<Release<K>>(type_name<K>("Release"));
  cfg.add_message_type<Retire<K>>(type_name<K>("Retire"));
  cfg.add_message_type<Leave<K>>(type_name<K>("Leave"));
  cfg.add_message_type<Got<K>>(type_name<K>("Got"));
  cfg.add_message_type<Held<K>>(type_name<K>("Held"));
  cfg.add_message_type<Durable<K>>(type_name<K>("Durable"));
  cfg.add_message_type<LeaseDue<K>>(type_name<K>("LeaseDue"));
}

}  // namespace bitacora::actors
