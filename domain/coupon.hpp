// The coupon aggregate: one code's terms and its uses (stream `coupon/<CODE>`).
// decide(state, command) → the events to append, or a DomainError; apply(state, event) → state.
// A use is held by an order at checkout, confirmed when it is paid, released when it ends without
// payment — the same life as a product's reservation. Invariants kept by decide: held = |holds|;
// each shopper's used + held is uses_by_user[shopper]; a hold is taken only while used + held <
// max_uses and the shopper's count < max_uses_per_user. Those limits are also enforced where
// concurrent checkouts meet — the log writer's bounded counter (actors/coordinator.hpp) — since
// checkouts hold a coupon shared, not one at a time.
// Whether a coupon applies to a cart, and its discount, is check_coupon: pure arithmetic on the
// priced lines. Every member has an initializer. Pure: no I/O, no threads.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/errors.hpp"
#include "events/coupon_events.hpp"
#include "events/ids.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::domain {

// Codes are 1–64 of A-Z a-z 0-9 _ -, compared ignoring case: this is the stored, upper-case form,
// or nothing when `text` is not a code.
[[nodiscard]] std::optional<CouponCode> normalize_coupon_code(std::string_view text);

using CouponHolds = boost::unordered_flat_map<OrderRef, UserId, std::hash<OrderRef>>;  // order → its shopper

struct CouponState {
  CouponCode code{};  // set by whoever creates the state (the actor, from its key)
  bool defined = false;
  events::CouponDefined terms{};  // the last definition
  std::int64_t used = 0;          // uses confirmed by paid orders
  std::int64_t held = 0;          // uses held by orders waiting for payment (all of them, in a slice too)
  CouponHolds holds{};
  boost::unordered_flat_map<UserId, std::int64_t, std::hash<UserId>> uses_by_user{};  // used + held
  std::uint64_t version = 0;

  [[nodiscard]] std::int64_t uses_of(const UserId& user) const;
};

// PUT /api/coupons/{code}: the whole definition (the code comes from the state). Emits
// CouponDefined when new or changed. Refused (invalid_argument, `field` named): percent outside
// 1–100; fixed ≤ 0 or without a currency; a currency not three upper-case letters; a negative
// count or minimum; more than kMaxCouponSkus skus, or one that is not an identifier; valid_from
// not before valid_until.
inline constexpr std::size_t kMaxCouponSkus = 200;
struct DefineCoupon {
  events::CouponDefined terms{};
};

// Checkout (or a late approval taking a use again): one use for `order`. No events when the
// order already holds one (a retry). Refused (coupon_invalid): undefined (unknown); used + held ≥
// max_uses (exhausted); the shopper's used + held ≥ max_uses_per_user (per_user_limit). Whether
// the coupon applies to the cart is check_coupon's, not this.
struct HoldCouponUse {
  OrderRef order_reference{};
  UserId user{};
};

// Paid: the use the order holds becomes used. No events when it holds none.
struct ConfirmCouponUse {
  OrderRef order_reference{};
};

// Expired, cancelled, failed: the use the order holds is free again. No events when it holds none.
struct ReleaseCouponUse {
  OrderRef order_reference{};
  events::ReleaseReason reason = events::ReleaseReason::expired;
};

using CouponCommand = std::variant<DefineCoupon, HoldCouponUse, ConfirmCouponUse, ReleaseCouponUse>;
using CouponEvent =
    std::variant<events::CouponDefined, events::CouponUseHeld, events::CouponUseConfirmed, events::CouponUseReleased>;

[[nodiscard]] Decision<CouponEvent> decide(const CouponState& state, const CouponCommand& command);
[[nodiscard]] CouponState apply(CouponState state, CouponEvent event);
void apply_in_place(CouponState& state, CouponEvent event);

// What one order placed by `user` needs of the coupon: the counts, the order's own hold and the
// shopper's own count. Every command for that order and shopper decides on it as on the whole.
[[nodiscard]] CouponState slice_for(const CouponState& state, const OrderRef& order, const UserId& user);

// A line of a cart or order, priced.
struct CouponLine {
  Sku sku{};
  std::int64_t quantity = 0;
  std::int64_t price_in_cents = 0;
};

// Why a coupon does not apply: the API's `reason` words.
enum class CouponRefusal {
  unknown, inactive, not_yet_valid, expired, exhausted, per_user_limit, min_subtotal, currency, no_eligible_items
};
[[nodiscard]] std::string_view to_string(CouponRefusal r) noexcept;
[[nodiscard]] DomainError coupon_invalid(CouponRefusal r);

// Whether the coupon applies to `lines` (in `currency`) for `user` at `now`, and its discount:
// percent → floor(eligible × value / 100); fixed → min(value, eligible); eligible = the lines
// whose sku the coupon names (all lines when it names none). Checked in this order: unknown,
// inactive, not_yet_valid, expired, currency, no_eligible_items, min_subtotal, then the counts
// (exhausted, per_user_limit) last, since they change while terms do not.
[[nodiscard]] std::variant<std::int64_t, CouponRefusal> check_coupon(const CouponState& coupon, const UserId& user,
                                                                     const std::vector<CouponLine>& lines,
                                                                     std::string_view currency, Micros now);

// Whether `event` can follow `state` in the log (audit): a hold by an order holding none, a
// confirmation or release by one that holds; nothing when it can.
[[nodiscard]] std::optional<std::string> misfit(const CouponState& state, const CouponEvent& event);

[[nodiscard]] std::string_view type_of(const CouponEvent& event);
[[nodiscard]] std::string to_json(const CouponEvent& event);
[[nodiscard]] Result<CouponEvent> decode_coupon_event(std::string_view type, std::string_view json);

}  // namespace bitacora::domain
