#include "snapshots/state_codec.hpp"

#include <simdjson.h>

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "events/json_fields.hpp"
#include "support/json_writer.hpp"
#include "support/time.hpp"

namespace bitacora::snapshots {
namespace {

// One parser per thread, reused: its buffers grow to the largest state decoded and stay, and
// the elements it returns live until its next parse, which is after the decoder has copied out.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser instance;
  return instance;
}

// Reads the members of one JSON object: through events::json::FieldReader for what it knows
// (strings, ids, integers, enums, maps to integers), by hand for what it does not (bool, an
// array of lines or of strings, null-or-object). The first miss stops every later read and is
// remembered, so a decoder reads all its fields, checks once, and can name the bad one.
class StateReader {
 public:
  explicit StateReader(simdjson::dom::element obj) : obj_(obj), fields_(obj, ok_) {}
  StateReader(const StateReader&) = delete;
  StateReader& operator=(const StateReader&) = delete;

  template <class T>
  void operator()(std::string_view k, T& out) {
    if (!ok_) return;
    fields_(k, out);
    if (!ok_) failed_ = k;
  }

  void operator()(std::string_view k, bool& out) {
    if (!ok_) return;
    if (obj_[k].get(out) != simdjson::SUCCESS) fail(k);
  }

  void operator()(std::string_view k, std::vector<events::OrderLine>& out) {
    if (!ok_) return;
    simdjson::dom::array items;
    if (obj_[k].get(items) != simdjson::SUCCESS) return fail(k);
    for (simdjson::dom::element item : items) {
      StateReader line(item);
      events::OrderLine l;
      line("sku", l.sku);
      line("quantity", l.quantity);
      line("price_in_cents", l.price_in_cents);
      if (!line.ok()) return fail(k);
      out.push_back(std::move(l));
    }
  }

  void operator()(std::string_view k, std::set<std::string>& out) {
    if (!ok_) return;
    simdjson::dom::array items;
    if (obj_[k].get(items) != simdjson::SUCCESS) return fail(k);
    for (simdjson::dom::element item : items) {
      std::string_view text;
      if (item.get(text) != simdjson::SUCCESS) return fail(k);
      out.emplace(text);
    }
  }

  void operator()(std::string_view k, std::optional<domain::OrderPayment>& out) {
    if (!ok_) return;
    simdjson::dom::element value;
    if (obj_[k].get(value) != simdjson::SUCCESS) return fail(k);
    if (value.is_null()) {
      out.reset();
      return;
    }
    StateReader fields(value);
    domain::OrderPayment payment;
    fields("gateway", payment.gateway);
    fields("transaction_id", payment.transaction_id);
    fields("status", payment.status);
    if (!fields.ok()) return fail(k);
    out = std::move(payment);
  }

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  // The field that failed; empty when none did, or when the value is not an object at all.
  [[nodiscard]] std::string_view failed_field() const noexcept { return failed_; }

 private:
  void fail(std::string_view k) {
    ok_ = false;
    failed_ = k;
  }

  simdjson::dom::element obj_;
  bool ok_ = true;  // before fields_, which holds a reference to it and may clear it
  std::string_view failed_;
  events::json::FieldReader fields_;
};

Error corrupt(std::string_view what, std::string_view why) {
  return Error{Errc::data_loss, std::string(what) + " state " + std::string(why)};
}

void read_members(StateReader& r, domain::ProductState& s) {
  std::int64_t available = 0;  // written for people; the numbers come from on_hand and reserved
  r("sku", s.sku);
  r("name", s.name);
  r("price_in_cents", s.price_in_cents);
  r("currency", s.currency);
  r("on_hand", s.on_hand);
  r("reserved", s.reserved);
  r("available", available);
  r("reservations", s.reservations);
  r("defined", s.defined);
  r("version", s.version);
}

void read_members(StateReader& r, domain::CartState& s) {
  r("user", s.user);
  r("lines", s.lines);
  r("version", s.version);
}

void read_members(StateReader& r, domain::OrderState& s) {
  std::string expires_at;  // written for people; the time comes from expires_at_us
  r("reference", s.reference);
  r("user", s.user);
  r("lines", s.lines);
  r("amount_in_cents", s.amount_in_cents);
  r("currency", s.currency);
  r("gateway", s.gateway);
  r("status", s.status);
  r("expires_at", expires_at);
  r("expires_at_us", s.expires_at);
  r("idempotency_key", s.idempotency_key);
  r("placed", s.placed);
  r("payment", s.payment);
  r("applied_payments", s.applied_payments);
  r("version", s.version);
}

template <class State>
Result<State> decode_state(std::string_view json, std::string_view what) {
  simdjson::dom::element root;
  if (thread_parser().parse(json.data(), json.size()).get(root) != simdjson::SUCCESS || !root.is_object())
    return corrupt(what, "is not one JSON object");
  StateReader r(root);
  std::uint32_t format = 0;
  r("format", format);
  if (r.ok() && format != kStateFormat)
    return corrupt(what, "has format " + std::to_string(format) + "; this build reads format " +
                             std::to_string(kStateFormat));
  State s{};
  read_members(r, s);
  if (!r.ok()) return corrupt(what, "field \"" + std::string(r.failed_field()) + "\" is missing or mistyped");
  return s;
}

// on_hand − reserved, wrapping instead of overflowing: a decoded state is not checked against
// the stock invariants, so re-encoding a corrupt one must not be undefined behaviour.
std::int64_t available_of(const domain::ProductState& s) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(s.on_hand) - static_cast<std::uint64_t>(s.reserved));
}

}  // namespace

std::string state_json(const domain::ProductState& s) {
  JsonWriter w;
  w.begin_object()
      .field("format", kStateFormat)
      .field("sku", s.sku.value())
      .field("name", s.name)
      .field("price_in_cents", s.price_in_cents)
      .field("currency", s.currency)
      .field("on_hand", s.on_hand)
      .field("reserved", s.reserved)
      .field("available", available_of(s))
      .key("reservations")
      .begin_object();
  for (const auto& [order, units] : s.reservations) w.field(order.value(), units);
  w.end_object().field("defined", s.defined).field("version", s.version).end_object();
  return std::move(w).str();
}

std::string state_json(const domain::CartState& s) {
  JsonWriter w;
  w.begin_object().field("format", kStateFormat).field("user", s.user.value()).key("lines").begin_object();
  for (const auto& [sku, quantity] : s.lines) w.field(sku.value(), quantity);
  w.end_object().field("version", s.version).end_object();
  return std::move(w).str();
}

std::string state_json(const domain::OrderState& s) {
  JsonWriter w;
  w.begin_object()
      .field("format", kStateFormat)
      .field("reference", s.reference.value())
      .field("user", s.user.value())
      .key("lines")
      .begin_array();
  for (const auto& line : s.lines) {
    w.begin_object()
        .field("sku", line.sku.value())
        .field("quantity", line.quantity)
        .field("price_in_cents", line.price_in_cents)
        .end_object();
  }
  w.end_array()
      .field("amount_in_cents", s.amount_in_cents)
      .field("currency", s.currency)
      .field("gateway", s.gateway)
      .field("status", domain::to_string(s.status))
      .field("expires_at", format_rfc3339(s.expires_at))
      .field("expires_at_us", s.expires_at)
      .field("idempotency_key", s.idempotency_key)
      .field("placed", s.placed)
      .key("payment");
  if (s.payment) {
    w.begin_object()
        .field("gateway", s.payment->gateway)
        .field("transaction_id", s.payment->transaction_id)
        .field("status", s.payment->status)
        .end_object();
  } else {
    w.null();
  }
  w.key("applied_payments").begin_array();
  for (const auto& key : s.applied_payments) w.value(key);
  w.end_array().field("version", s.version).end_object();
  return std::move(w).str();
}

Result<domain::ProductState> decode_product_state(std::string_view json) {
  return decode_state<domain::ProductState>(json, "product");
}

Result<domain::CartState> decode_cart_state(std::string_view json) {
  return decode_state<domain::CartState>(json, "cart");
}

Result<domain::OrderState> decode_order_state(std::string_view json) {
  return decode_state<domain::OrderState>(json, "order");
}

}  // namespace bitacora::snapshots
