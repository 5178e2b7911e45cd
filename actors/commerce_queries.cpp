#include "actors/commerce_queries.hpp"

#include <simdjson.h>

#include <utility>

#include "storage/keys.hpp"

namespace bitacora::actors {

Result<std::vector<domain::DeliveryZoneState>> CommerceQueries::zones() const {
  // Stream entries are keyed by the escaped stream id, 0x00, the version: a zone's entries are
  // contiguous and its last one is its latest definition, which is its whole state.
  const std::string prefix(events::kDeliveryStreamPrefix);
  std::vector<std::pair<std::string, events::Seq>> latest;  // zone → seq of its last event
  auto s = log_.scan(storage::Family::streams, prefix, false, [&](std::string_view key, std::string_view value) {
    if (!key.starts_with(prefix)) return false;
    const auto end = key.find('\0');
    if (end == std::string_view::npos) return true;
    const auto zone = key.substr(prefix.size(), end - prefix.size());
    const auto seq = storage::keys::read_be64(value).value_or(0);
    if (!latest.empty() && latest.back().first == zone) latest.back().second = seq;
    else if (latest.size() == kMaxZones) return false;
    else latest.emplace_back(std::string(zone), seq);
    return true;
  });
  if (!s) return s.error();
  std::vector<domain::DeliveryZoneState> out;
  for (const auto& [zone, seq] : latest) {
    auto stored = log_.read(seq);
    if (!stored) return stored.error();
    if (!stored->has_value()) return Error{Errc::data_loss, "delivery zone " + zone + " names missing seq " + std::to_string(seq)};
    auto ev = domain::decode_delivery_event((*stored)->envelope.type, (*stored)->envelope.data);
    if (!ev) return ev.error();
    domain::DeliveryZoneState state;
    state.zone = ZoneId(zone);
    state.version = (*stored)->envelope.stream_version;
    domain::apply_in_place(state, std::move(*ev));
    state.version = (*stored)->envelope.stream_version;
    out.push_back(std::move(state));
  }
  return out;
}

Result<CheckoutStats> CommerceQueries::checkout_stats(Micros from, Micros to) const {
  CheckoutStats stats;
  using domain::OrderStatus;
  for (auto status : {OrderStatus::pending_payment, OrderStatus::paid, OrderStatus::payment_failed, OrderStatus::expired,
                      OrderStatus::cancelled, OrderStatus::needs_attention, OrderStatus::refunded})
    stats.by_status[std::string(domain::to_string(status))] = 0;
  const std::string end = storage::keys::be64(static_cast<std::uint64_t>(to));
  simdjson::dom::parser parser;
  std::optional<Error> failed;
  auto s = log_.scan(storage::Family::checkouts, storage::keys::be64(static_cast<std::uint64_t>(from)), false,
                     [&](std::string_view key, std::string_view row) {
                       if (key.substr(0, 8) >= end) return false;
                       if (++stats.created > kMaxStatsOrders) {
                         failed = Error{Errc::invalid_argument, "the range holds more than " + std::to_string(kMaxStatsOrders) +
                                                                    " orders: ask for a shorter one"};
                         return false;
                       }
                       simdjson::dom::element r;
                       std::string_view status, currency;
                       std::int64_t amount = 0, discount = 0, fee = 0;
                       if (parser.parse(row.data(), row.size()).get(r) || r["status"].get(status) ||
                           r["currency"].get(currency) || r["amount_in_cents"].get(amount) ||
                           r["discount_in_cents"].get(discount) || r["delivery_fee_in_cents"].get(fee)) {
                         failed = Error{Errc::data_loss, "a checkouts row does not decode"};
                         return false;
                       }
                       ++stats.by_status[std::string(status)];
                       if (status != "paid") return true;
                       const std::string cur(currency);
                       stats.revenue_in_cents[cur] += amount;
                       stats.discount_in_cents[cur] += discount;
                       stats.delivery_fees_in_cents[cur] += fee;
                       std::string_view coupon;
                       if (!r["coupon"].get(coupon)) ++stats.coupon_uses[std::string(coupon)];
                       return true;
                     });
  if (!s) return s.error();
  if (failed) return *failed;
  return stats;
}

Result<CommerceQueries::SkuPage> CommerceQueries::product_skus(std::size_t limit, const std::optional<std::string>& after) const {
  const std::string prefix(events::kProductStreamPrefix);
  SkuPage page;
  // Each sku's entries are "product/<sku>" 0x00 <version>; "product/<sku>" 0x01 sorts after all of them.
  std::string from = after ? prefix + *after + '\x01' : prefix;
  for (;;) {
    std::optional<Sku> found;
    auto s = log_.scan(storage::Family::streams, from, false, [&](std::string_view key, std::string_view) {
      if (!key.starts_with(prefix)) return false;
      const auto end = key.find('\0');
      if (end != std::string_view::npos) found = Sku(std::string(key.substr(prefix.size(), end - prefix.size())));
      return false;
    });
    if (!s) return s.error();
    if (!found) return page;
    if (page.skus.size() == limit) {
      page.more = true;
      return page;
    }
    from = prefix + found->value() + '\x01';
    page.skus.push_back(std::move(*found));
  }
}

Result<CommerceQueries::TimerSummary> CommerceQueries::timers(std::size_t next_limit) const {
  TimerSummary out;
  std::size_t seen = 0;
  auto s = log_.scan(storage::Family::timers, std::nullopt, false, [&](std::string_view key, std::string_view) {
    if (++seen > kMaxTimersCounted) {
      out.counts_capped = true;
      return false;
    }
    auto parts = storage::keys::read_timer(key);
    if (!parts) return true;  // a malformed row: the scheduler refuses to start on one, so none is here
    ++out.counts[std::string(parts->kind)];
    if (out.next.size() < next_limit)
      out.next.push_back({std::string(parts->kind), std::string(parts->target), static_cast<Micros>(parts->due_us)});
    return true;
  });
  if (!s) return s.error();
  return out;
}

}  // namespace bitacora::actors
