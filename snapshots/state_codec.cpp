#include "snapshots/state_codec.hpp"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <type_traits>
#include <set>
#include <utility>

#include "events/json_fields.hpp"
#include "support/json_writer.hpp"
#include "support/time.hpp"

namespace bitacora::snapshots {
namespace {

// Reads the members of one JSON object: through events::json::FieldReader for what it knows
// (strings, ids, integers, enums, maps to integers, arrays of objects with their own `fields`,
// such as order lines), by hand for what it does not (bool, an array of strings, null-or-object). The first miss stops every later read and is
// remembered, so a decoder reads all its fields, checks once, and can name the bad one.
class StateReader {
 public:
  explicit StateReader(simdjson::ondemand::object obj) : fields_(obj, ok_) {}
  StateReader(const StateReader&) = delete;
  StateReader& operator=(const StateReader&) = delete;

  template <class T>
  void operator()(std::string_view k, T& out) {
    if (!ok_) return;
    fields_(k, out);
    if (!ok_) failed_ = k;
  }

  template <class T>
  void operator()(std::string_view k, events::json::Defaulted<T> d) {
    if (!ok_) return;
    fields_(k, d);
    if (!ok_) failed_ = k;
  }

  // Terms: the definition event, nested in the stored form its own codec reads.
  void operator()(std::string_view k, events::CouponDefined& out) { nested(k, out, events::coupon_defined_from_json); }
  void operator()(std::string_view k, events::DeliveryZoneDefined& out) {
    nested(k, out, events::delivery_zone_defined_from_json);
  }

  void operator()(std::string_view k, domain::CouponHolds& out) {
    if (!ok_) return;
    simdjson::ondemand::object holds;
    if (fields_.member(k).get_object().get(holds) != simdjson::SUCCESS) return fail(k);
    for (auto entry : holds) {
      std::string_view order, user;
      if (entry.unescaped_key().get(order) != simdjson::SUCCESS) return fail(k);
      OrderRef ref{std::string(order)};  // copied before the value is read
      if (entry.value().get_string().get(user) != simdjson::SUCCESS) return fail(k);
      out.emplace(std::move(ref), UserId(std::string(user)));
    }
  }

  void operator()(std::string_view k, bool& out) {
    if (!ok_) return;
    if (fields_.member(k).get_bool().get(out) != simdjson::SUCCESS) fail(k);
  }

  void operator()(std::string_view k, std::set<std::string>& out) {
    if (!ok_) return;
    simdjson::ondemand::array items;
    if (fields_.member(k).get_array().get(items) != simdjson::SUCCESS) return fail(k);
    for (auto item : items) {
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS) return fail(k);
      out.emplace(text);
    }
  }

  void operator()(std::string_view k, std::optional<domain::OrderPayment>& out) {
    if (!ok_) return;
    simdjson::ondemand::value value;
    bool null = false;
    if (fields_.member(k).get(value) != simdjson::SUCCESS || value.is_null().get(null) != simdjson::SUCCESS) return fail(k);
    if (null) {
      out.reset();
      return;
    }
    simdjson::ondemand::object payment_fields;
    if (value.get_object().get(payment_fields) != simdjson::SUCCESS) return fail(k);
    StateReader fields(payment_fields);
    domain::OrderPayment payment;
    fields("gateway", payment.gateway);
    fields("transaction_id", payment.transaction_id);
    fields("status", payment.status);
    if (!fields.ok()) return fail(k);
    out = std::move(payment);
  }

  // "k" (RFC 3339, for people: must be there, is not used) and "k_us", the value.
  void time(std::string_view k, Micros& out) {
    std::string readable;
    (*this)(k, readable);
    if (!ok_) return;
    fields_.time(k, out);
    if (!ok_) failed_ = k;
  }
  // A field written for people, derived from others: it must be there, with its type, but the
  // state takes nothing from it.
  template <class F>
  void shown(std::string_view k, F&&) {
    std::invoke_result_t<F> ignored{};
    (*this)(k, ignored);
  }

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  // The field that failed; empty when none did, or when the value is not an object at all.
  [[nodiscard]] std::string_view failed_field() const noexcept { return failed_; }

 private:
  void fail(std::string_view k) {
    ok_ = false;
    failed_ = k;
  }

  template <class E, class Decode>
  void nested(std::string_view k, E& out, Decode decode) {
    if (!ok_) return;
    simdjson::ondemand::object obj;
    std::string_view raw;
    if (fields_.member(k).get_object().get(obj) != simdjson::SUCCESS || obj.raw_json().get(raw) != simdjson::SUCCESS)
      return fail(k);
    auto decoded = decode(std::string(raw));  // its own parser, from the pool
    if (!decoded) return fail(k);
    out = std::move(*decoded);
  }

  bool ok_ = true;  // before fields_, which holds a reference to it and may clear it
  std::string_view failed_;
  events::json::FieldReader fields_;
};

Error corrupt(std::string_view what, std::string_view why) {
  return Error{Errc::data_loss, std::string(what) + " state " + std::string(why)};
}

// Writes the members of one JSON object: through events::json::FieldWriter for what it knows,
// by hand for the rest — the mirror of StateReader, so one `fields` list serves both.
class StateWriter {
 public:
  explicit StateWriter(JsonWriter& w) : w_(w), fields_(w) {}

  template <class T>
  void operator()(std::string_view k, const T& v) { fields_(k, v); }
  void operator()(std::string_view k, bool v) { w_.field(k, v); }
  void operator()(std::string_view k, const std::set<std::string>& items) {
    w_.key(k).begin_array();
    for (const auto& item : items) w_.value(item);
    w_.end_array();
  }
  void operator()(std::string_view k, const std::optional<domain::OrderPayment>& p) {
    w_.key(k);
    if (!p) {
      w_.null();
      return;
    }
    w_.begin_object().field("gateway", p->gateway).field("transaction_id", p->transaction_id).field("status", p->status);
    w_.end_object();
  }
  void operator()(std::string_view k, const events::CouponDefined& t) { w_.key(k).raw(events::to_json(t)); }
  void operator()(std::string_view k, const events::DeliveryZoneDefined& t) { w_.key(k).raw(events::to_json(t)); }
  void operator()(std::string_view k, const domain::CouponHolds& holds) {
    std::vector<const domain::CouponHolds::value_type*> sorted;
    sorted.reserve(holds.size());
    for (const auto& entry : holds) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    w_.key(k).begin_object();
    for (const auto* entry : sorted) w_.field(entry->first.value(), entry->second.value());
    w_.end_object();
  }
  void time(std::string_view k, Micros t) { fields_.time(k, t); }
  template <class F>
  void shown(std::string_view k, F&& value) { fields_(k, value()); }

 private:
  JsonWriter& w_;
  events::json::FieldWriter fields_;
};

// on_hand − reserved, wrapping instead of overflowing: a decoded state is not checked against
// the stock invariants, so re-encoding a corrupt one must not be undefined behaviour.
std::int64_t available_of(const domain::ProductState& s) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(s.on_hand) - static_cast<std::uint64_t>(s.reserved));
}

// Each state's members, once, for both directions (`Is<X> auto&` binds X& and const X&).
void fields(auto& io, events::Is<domain::ProductState> auto& s) {
  io("sku", s.sku);
  io("name", s.name);
  io("price_in_cents", s.price_in_cents);
  io("currency", s.currency);
  io("on_hand", s.on_hand);
  io("reserved", s.reserved);
  io.shown("available", [&] { return available_of(s); });
  io("reservations", s.reservations);
  io("defined", s.defined);
  io("version", s.version);
}

void fields(auto& io, events::Is<domain::CartState> auto& s) {
  io("user", s.user);
  io("lines", s.lines);
  io("coupon", events::json::defaulted(s.coupon));
  io("version", s.version);
}

void fields(auto& io, events::Is<domain::OrderState> auto& s) {
  io("reference", s.reference);
  io("user", s.user);
  io("lines", s.lines);
  io("amount_in_cents", s.amount_in_cents);
  io("currency", s.currency);
  io("gateway", s.gateway);
  io("status", s.status);
  io.time("expires_at", s.expires_at);
  io("idempotency_key", s.idempotency_key);
  io("placed", s.placed);
  io("payment", s.payment);
  io("applied_payments", s.applied_payments);
  io("discount_in_cents", events::json::defaulted(s.discount_in_cents));
  io("delivery_fee_in_cents", events::json::defaulted(s.delivery_fee_in_cents));
  io("coupon", events::json::defaulted(s.coupon));
  io("delivery_zone", events::json::defaulted(s.delivery_zone));
  io("delivery_distance_m", events::json::defaulted(s.delivery_distance_m));
  io("placed_at_us", events::json::defaulted(s.placed_at));
  io("version", s.version);
}

void fields(auto& io, events::Is<domain::CouponState> auto& s) {
  io("code", s.code);
  io("defined", s.defined);
  io("terms", s.terms);
  io("used", s.used);
  io("held", s.held);
  io("holds", s.holds);
  io("uses_by_user", s.uses_by_user);
  io("version", s.version);
}

void fields(auto& io, events::Is<domain::DeliveryZoneState> auto& s) {
  io("zone", s.zone);
  io("defined", s.defined);
  io("terms", s.terms);
  io("version", s.version);
}

template <class State>
std::string encode_state(const State& s) {
  JsonWriter w;
  w.begin_object().field("format", kStateFormat);
  StateWriter io(w);
  fields(io, s);
  w.end_object();
  return std::move(w).str();
}

template <class State>
Result<State> decode_state(std::string_view json, std::string_view what) {
  events::json::Document doc(json);
  if (!doc.ok()) return corrupt(what, "is not one JSON object");
  StateReader r(doc.root());
  std::uint32_t format = 0;
  r("format", format);
  if (r.ok() && format != kStateFormat)
    return corrupt(what, "has format " + std::to_string(format) + "; this build reads format " +
                             std::to_string(kStateFormat));
  State s{};
  fields(r, s);
  if (!r.ok()) return corrupt(what, "field \"" + std::string(r.failed_field()) + "\" is missing or mistyped");
  return s;
}

}  // namespace

std::string state_json(const domain::ProductState& s) { return encode_state(s); }
std::string state_json(const domain::CartState& s) { return encode_state(s); }
std::string state_json(const domain::OrderState& s) { return encode_state(s); }
std::string state_json(const domain::CouponState& s) { return encode_state(s); }
std::string state_json(const domain::DeliveryZoneState& s) { return encode_state(s); }

Result<domain::ProductState> decode_product_state(std::string_view json) {
  return decode_state<domain::ProductState>(json, "product");
}

Result<domain::CartState> decode_cart_state(std::string_view json) {
  return decode_state<domain::CartState>(json, "cart");
}

Result<domain::OrderState> decode_order_state(std::string_view json) {
  return decode_state<domain::OrderState>(json, "order");
}

Result<domain::CouponState> decode_coupon_state(std::string_view json) {
  return decode_state<domain::CouponState>(json, "coupon");
}

Result<domain::DeliveryZoneState> decode_delivery_state(std::string_view json) {
  return decode_state<domain::DeliveryZoneState>(json, "delivery zone");
}

}  // namespace bitacora::snapshots
