#include "domain/errors.hpp"

#include <utility>

#include "events/enum_names.hpp"

namespace bitacora::domain {
namespace {

constexpr EnumNames<DomainErrc, 13> kCodes{{"invalid_argument", "invalid_quantity", "unknown_sku", "unknown_order",
                                            "insufficient_stock", "stock_below_reserved", "version_conflict",
                                            "empty_cart", "already_paid", "not_pending", "coupon_invalid",
                                            "delivery_unavailable", "not_needs_attention"}};

}  // namespace

std::string_view to_string(DomainErrc code) noexcept { return kCodes(code); }

DomainError refusal(DomainErrc code, std::string message) {
  DomainError e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

DomainError invalid_quantity(const Sku& sku, std::string message) {
  auto e = refusal(DomainErrc::invalid_quantity, std::move(message));
  e.sku = sku;
  return e;
}

DomainError unknown_sku(const Sku& sku) {
  auto e = refusal(DomainErrc::unknown_sku, "no product with sku " + sku.value());
  e.sku = sku;
  return e;
}

DomainError invalid_field(std::string field, std::string message) {
  auto e = refusal(DomainErrc::invalid_argument, std::move(message));
  e.field = std::move(field);
  return e;
}

DomainError insufficient_stock(const Sku& sku, std::int64_t requested, std::int64_t available) {
  return insufficient_stock(std::vector<StockShortage>{{sku, requested, available}});
}

DomainError insufficient_stock(std::vector<StockShortage> shortages) {
  auto e = refusal(DomainErrc::insufficient_stock, "not enough stock");
  if (!shortages.empty()) {
    const auto& first = shortages.front();
    e.sku = first.sku;
    e.requested = first.requested;
    e.available = first.available;
    e.message = std::to_string(first.requested) + " of " + first.sku.value() + " requested, " +
                std::to_string(first.available) + " available";
  }
  e.shortages = std::move(shortages);
  return e;
}

}  // namespace bitacora::domain
