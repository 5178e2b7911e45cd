// Facts about the catalog and its stock, stored on the stream `product/<sku>` (API.md §3, §4).
// Each struct names exactly one fact; its JSON codec is the event's `data` in the envelope.
// available = on_hand − reserved; a reservation belongs to one order and ends released or confirmed.
// Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/ids.hpp"
#include "support/result.hpp"

namespace bitacora::events {

inline constexpr std::string_view kProductStreamPrefix = "product/";
[[nodiscard]] std::string product_stream(const Sku& sku);

// Why a reservation ended without a sale.
enum class ReleaseReason { expired, cancelled, payment_failed };
[[nodiscard]] std::string_view to_string(ReleaseReason r) noexcept;
[[nodiscard]] bool parse(std::string_view text, ReleaseReason& out) noexcept;

// The product was created, or its name, price or currency changed. Stock is never part of it.
struct ProductDefined {
  static constexpr std::string_view kType = "ProductDefined";
  Sku sku;
  std::string name;
  std::int64_t price_in_cents = 0;
  std::string currency;  // ISO 4217, three upper-case letters
  std::string by{};      // the operator who defined it (empty in records older than operators)
  std::string note{};    // their note, if any
  friend bool operator==(const ProductDefined&, const ProductDefined&) = default;
};

// On-hand stock moved by `delta`: an admin adjustment ("damaged", …) or "set" by PUT /api/products.
struct StockAdjusted {
  static constexpr std::string_view kType = "StockAdjusted";
  std::int64_t delta = 0;
  std::string reason;
  std::int64_t on_hand_after = 0;  // for readers of the log; apply folds `delta`
  std::string by{};                // the operator who moved it (empty in records older than operators)
  std::string note{};              // their note, if any
  std::optional<std::int64_t> available_after{};  // on-hand − reserved after it (none in older records)
  friend bool operator==(const StockAdjusted&, const StockAdjusted&) = default;
};

// `quantity` units were set aside for an order at checkout: they leave `available`, not `on_hand`.
struct StockReserved {
  static constexpr std::string_view kType = "StockReserved";
  OrderRef order_reference;
  std::int64_t quantity = 0;
  std::optional<std::int64_t> available_after{};  // on-hand − reserved after it (none in older records)
  friend bool operator==(const StockReserved&, const StockReserved&) = default;
};

// The order's reservation ended without a sale; its units are available again.
struct ReservationReleased {
  static constexpr std::string_view kType = "ReservationReleased";
  OrderRef order_reference;
  std::int64_t quantity = 0;
  ReleaseReason reason = ReleaseReason::expired;
  friend bool operator==(const ReservationReleased&, const ReservationReleased&) = default;
};

// The order was paid: its reserved units left the shelf (on-hand and reserved both drop).
struct ReservationConfirmed {
  static constexpr std::string_view kType = "ReservationConfirmed";
  OrderRef order_reference;
  std::int64_t quantity = 0;
  friend bool operator==(const ReservationConfirmed&, const ReservationConfirmed&) = default;
};

[[nodiscard]] std::string to_json(const ProductDefined& e);
[[nodiscard]] std::string to_json(const StockAdjusted& e);
[[nodiscard]] std::string to_json(const StockReserved& e);
[[nodiscard]] std::string to_json(const ReservationReleased& e);
[[nodiscard]] std::string to_json(const ReservationConfirmed& e);
[[nodiscard]] Result<ProductDefined> product_defined_from_json(std::string_view json);
[[nodiscard]] Result<StockAdjusted> stock_adjusted_from_json(std::string_view json);
[[nodiscard]] Result<StockReserved> stock_reserved_from_json(std::string_view json);
[[nodiscard]] Result<ReservationReleased> reservation_released_from_json(std::string_view json);
[[nodiscard]] Result<ReservationConfirmed> reservation_confirmed_from_json(std::string_view json);

}  // namespace bitacora::events
