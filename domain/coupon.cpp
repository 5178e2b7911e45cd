#include "domain/coupon.hpp"

#include <algorithm>
#include <cctype>

#include "events/enum_names.hpp"
#include "events/event_variant.hpp"
#include "support/text.hpp"

namespace bitacora::domain {
namespace {

using Events = std::vector<CouponEvent>;

constexpr EnumNames<CouponRefusal, 9> kRefusals{{"unknown", "inactive", "not_yet_valid", "expired", "exhausted",
                                                 "per_user_limit", "min_subtotal", "currency", "no_eligible_items"}};

Decision<CouponEvent> handle(const CouponState& s, const DefineCoupon& c) {
  auto terms = c.terms;
  terms.code = s.code;
  using events::DiscountKind;
  if (terms.kind == DiscountKind::percent && (terms.value < 1 || terms.value > 100))
    return invalid_field("value", "a percent coupon takes 1 to 100");
  if (terms.kind == DiscountKind::fixed && terms.value <= 0) return invalid_field("value", "a fixed coupon takes more than 0 cents");
  if (terms.kind == DiscountKind::fixed && !terms.currency) return invalid_field("currency", "a fixed coupon needs its currency");
  if (terms.currency && !valid_currency(*terms.currency)) return invalid_field("currency", "currency must be three upper-case letters");
  for (auto [name, count] : {std::pair{"max_uses", terms.max_uses}, std::pair{"max_uses_per_user", terms.max_uses_per_user},
                             std::pair{"min_subtotal_in_cents", terms.min_subtotal_in_cents}})
    if (count && *count < 0) return invalid_field(name, std::string(name) + " must not be negative");
  if (terms.skus) {
    if (terms.skus->size() > kMaxCouponSkus) return invalid_field("skus", "a coupon names at most 200 skus");
    for (const auto& sku : *terms.skus)
      if (!valid_identifier(sku.value())) return invalid_field("skus", "each sku is 1–64 of A-Z a-z 0-9 . _ -");
    std::sort(terms.skus->begin(), terms.skus->end());
    terms.skus->erase(std::unique(terms.skus->begin(), terms.skus->end()), terms.skus->end());
  }
  if (terms.valid_from && terms.valid_until && *terms.valid_from >= *terms.valid_until)
    return invalid_field("valid_until", "valid_until must be after valid_from");
  if (s.defined && s.terms == terms) return {};
  return Events{std::move(terms)};
}

Decision<CouponEvent> handle(const CouponState& s, const HoldCouponUse& c) {
  if (!s.defined) return coupon_invalid(CouponRefusal::unknown);
  if (s.holds.contains(c.order_reference)) return {};  // a retry
  if (s.terms.max_uses && s.used + s.held >= *s.terms.max_uses) return coupon_invalid(CouponRefusal::exhausted);
  if (s.terms.max_uses_per_user && s.uses_of(c.user) >= *s.terms.max_uses_per_user)
    return coupon_invalid(CouponRefusal::per_user_limit);
  return Events{events::CouponUseHeld{c.order_reference, c.user}};
}

Decision<CouponEvent> handle(const CouponState& s, const ConfirmCouponUse& c) {
  if (!s.holds.contains(c.order_reference)) return {};
  return Events{events::CouponUseConfirmed{c.order_reference}};
}

Decision<CouponEvent> handle(const CouponState& s, const ReleaseCouponUse& c) {
  if (!s.holds.contains(c.order_reference)) return {};
  return Events{events::CouponUseReleased{c.order_reference, c.reason}};
}

void fold(CouponState& s, events::CouponDefined&& e) {
  s.defined = true;
  s.terms = std::move(e);
  s.terms.code = s.code;
}

void fold(CouponState& s, events::CouponUseHeld&& e) {
  ++s.held;
  ++s.uses_by_user[e.user];
  s.holds.emplace(std::move(e.order_reference), std::move(e.user));
}

// A fold never refuses (the log is what happened): an order holding nothing, in a log audit
// would flag (misfit), changes nothing here.
void fold(CouponState& s, events::CouponUseConfirmed&& e) {
  auto it = s.holds.find(e.order_reference);
  if (it == s.holds.end()) return;
  --s.held;
  ++s.used;
  s.holds.erase(it);
}

void fold(CouponState& s, events::CouponUseReleased&& e) {
  auto it = s.holds.find(e.order_reference);
  if (it == s.holds.end()) return;
  --s.held;
  if (auto u = s.uses_by_user.find(it->second); u != s.uses_by_user.end() && --u->second <= 0) s.uses_by_user.erase(u);
  s.holds.erase(it);
}

bool currency_equal(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y)); });
}

}  // namespace

std::optional<CouponCode> normalize_coupon_code(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string code;
  code.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '-') return std::nullopt;
    code.push_back(static_cast<char>(std::toupper(u)));
  }
  return CouponCode(std::move(code));
}

std::int64_t CouponState::uses_of(const UserId& user) const {
  auto it = uses_by_user.find(user);
  return it == uses_by_user.end() ? 0 : it->second;
}

std::string_view to_string(CouponRefusal r) noexcept { return kRefusals(r); }

DomainError coupon_invalid(CouponRefusal r) {
  auto e = refusal(DomainErrc::coupon_invalid, "the coupon cannot apply: " + std::string(to_string(r)));
  e.reason = std::string(to_string(r));
  return e;
}

Decision<CouponEvent> decide(const CouponState& state, const CouponCommand& command) {
  return std::visit([&state](const auto& c) { return handle(state, c); }, command);
}

void apply_in_place(CouponState& state, CouponEvent event) {
  std::visit([&state](auto& e) { fold(state, std::move(e)); }, event);
  ++state.version;
}

CouponState apply(CouponState state, CouponEvent event) {
  apply_in_place(state, std::move(event));
  return state;
}

CouponState slice_for(const CouponState& state, const OrderRef& order, const UserId& user) {
  CouponState s;
  s.code = state.code;
  s.defined = state.defined;
  s.terms = state.terms;
  s.used = state.used;
  s.held = state.held;
  if (auto it = state.holds.find(order); it != state.holds.end()) s.holds.emplace(*it);
  if (auto it = state.uses_by_user.find(user); it != state.uses_by_user.end()) s.uses_by_user.emplace(*it);
  s.version = state.version;
  return s;
}

std::variant<std::int64_t, CouponRefusal> check_coupon(const CouponState& coupon, const UserId& user,
                                                       const std::vector<CouponLine>& lines, std::string_view currency,
                                                       Micros now) {
  const auto& t = coupon.terms;
  if (!coupon.defined) return CouponRefusal::unknown;
  if (!t.active) return CouponRefusal::inactive;
  if (t.valid_from && now < *t.valid_from) return CouponRefusal::not_yet_valid;
  if (t.valid_until && now >= *t.valid_until) return CouponRefusal::expired;
  if (t.currency && !currency_equal(*t.currency, currency)) return CouponRefusal::currency;
  Wide subtotal = 0, eligible = 0;
  for (const auto& line : lines) {
    const Wide amount = static_cast<Wide>(line.quantity) * line.price_in_cents;
    subtotal += amount;
    if (!t.skus || std::binary_search(t.skus->begin(), t.skus->end(), line.sku)) eligible += amount;
  }
  const bool any_eligible = std::ranges::any_of(lines, [&](const CouponLine& l) {
    return !t.skus || std::binary_search(t.skus->begin(), t.skus->end(), l.sku);
  });
  if (!any_eligible) return CouponRefusal::no_eligible_items;
  if (t.min_subtotal_in_cents && subtotal < *t.min_subtotal_in_cents) return CouponRefusal::min_subtotal;
  if (t.max_uses && coupon.used + coupon.held >= *t.max_uses) return CouponRefusal::exhausted;
  if (t.max_uses_per_user && coupon.uses_of(user) >= *t.max_uses_per_user) return CouponRefusal::per_user_limit;
  const Wide discount =
      t.kind == events::DiscountKind::percent ? eligible * t.value / 100 : std::min<Wide>(t.value, eligible);
  return static_cast<std::int64_t>(discount);
}

std::optional<std::string> misfit(const CouponState& state, const CouponEvent& event) {
  return std::visit(
      [&](const auto& e) -> std::optional<std::string> {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::CouponDefined>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<E, events::CouponUseHeld>) {
          if (!state.defined) return "a use held of a coupon never defined";
          if (state.holds.contains(e.order_reference)) return "order " + e.order_reference.value() + " holds a use already";
          return std::nullopt;
        } else {
          if (!state.holds.contains(e.order_reference)) return "order " + e.order_reference.value() + " holds no use";
          return std::nullopt;
        }
      },
      event);
}

std::string_view type_of(const CouponEvent& event) { return events::variant_type(event); }
std::string to_json(const CouponEvent& event) { return events::variant_to_json(event); }

Result<CouponEvent> decode_coupon_event(std::string_view type, std::string_view json) {
  return events::decode_variant<CouponEvent>(type, json, events::coupon_defined_from_json, events::coupon_use_held_from_json,
                                             events::coupon_use_confirmed_from_json, events::coupon_use_released_from_json);
}

}  // namespace bitacora::domain
