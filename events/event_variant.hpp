// Helpers for an aggregate's event variant (std::variant<ProductDefined, StockAdjusted, …>): the
// type name stored in the envelope, the JSON payload, and decoding a stored (type, JSON) pair back
// into the variant. Each alternative needs `kType` and a `to_json` overload. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "support/result.hpp"

namespace bitacora::events {

template <class... E>
[[nodiscard]] std::string_view variant_type(const std::variant<E...>& v) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, v);
}

template <class... E>
[[nodiscard]] std::string variant_to_json(const std::variant<E...>& v) {
  return std::visit([](const auto& e) { return to_json(e); }, v);
}

namespace detail {

template <class Variant, class E, class... Rest>
[[nodiscard]] Result<Variant> decode_first(std::string_view type, std::string_view json,
                                           Result<E> (*decode)(std::string_view), Result<Rest> (*... rest)(std::string_view)) {
  if (type == E::kType) {
    auto e = decode(json);
    if (!e) return e.error();
    return Variant(std::in_place_type<E>, std::move(e).value());  // moved once into the variant, once into the Result
  }
  if constexpr (sizeof...(Rest) == 0) {
    return Error{Errc::data_loss, "unknown event type \"" + std::string(type) + "\""};
  } else {
    return decode_first<Variant>(type, json, rest...);
  }
}

}  // namespace detail

// Decodes `json` with the decoder whose event's kType is `type`; pass one decoder per alternative:
//   decode_variant<ProductEvent>(type, json, product_defined_from_json, stock_adjusted_from_json, …)
// An unknown type is data loss: the log holds something this build cannot read.
template <class Variant, class... E>
[[nodiscard]] Result<Variant> decode_variant(std::string_view type, std::string_view json,
                                             Result<E> (*... decoders)(std::string_view)) {
  static_assert(sizeof...(E) == std::variant_size_v<Variant>, "one decoder per alternative");
  return detail::decode_first<Variant>(type, json, decoders...);
}

}  // namespace bitacora::events
