// EnumNames<E, N>: the one table that maps a small enum to its wire names and back, so that
// to_string and parse cannot drift apart. The enum's values must be 0..N-1, in table order.
// Pure; constexpr; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace bitacora {

template <class E, std::size_t N>
class EnumNames {
 public:
  constexpr explicit EnumNames(std::array<std::string_view, N> names) : names_(names) {}

  // The name of `e`; empty for a value outside the table.
  [[nodiscard]] constexpr std::string_view operator()(E e) const noexcept {
    auto i = static_cast<std::size_t>(e);
    return i < N ? names_[i] : std::string_view{};
  }

  // Sets `out` and returns true when `text` is one of the names exactly.
  [[nodiscard]] constexpr bool parse(std::string_view text, E& out) const noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (names_[i] == text) {
        out = static_cast<E>(i);
        return true;
      }
    }
    return false;
  }

 private:
  std::array<std::string_view, N> names_;
};

}  // namespace bitacora
