// How CAF 0.17's inspectors carry what they do not know — std::optional, std::variant, and values
// whose wire form is their codec's text (events and states in the log's own forms). Used by the
// aggregate actors' protocol (actors/protocol.hpp).
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

// -- how CAF 0.17 inspects what it does not know (std::optional, std::variant) -----------------

namespace bitacora::wire {

template <class T>
struct Opt {
  std::optional<T>& x;
};
template <class T>
Opt<T> opt(const std::optional<T>& x) {
  return {const_cast<std::optional<T>&>(x)};
}

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, Opt<T>& o) {
  if constexpr (Inspector::reads_state) {
    bool has = o.x.has_value();
    if (has) return f(has, *o.x);
    return f(has);
  } else {
    bool has = false;
    if (auto e = f(has)) return e;
    if (!has) {
      o.x.reset();
      return {};
    }
    o.x.emplace();
    return f(*o.x);
  }
}

template <class... Ts>
struct Var {
  std::variant<Ts...>& x;
};
template <class... Ts>
Var<Ts...> var(const std::variant<Ts...>& x) {
  return {const_cast<std::variant<Ts...>&>(x)};
}

template <class V, std::size_t... I>
void emplace_index(V& v, std::size_t index, std::index_sequence<I...>) {
  ((index == I ? (void)v.template emplace<I>() : void()), ...);
}

template <class Inspector, class... Ts>
typename Inspector::result_type inspect(Inspector& f, Var<Ts...>& v) {
  if constexpr (Inspector::reads_state) {
    auto index = static_cast<std::uint8_t>(v.x.index());
    return std::visit([&](auto& alt) { return f(index, alt); }, v.x);
  } else {
    std::uint8_t index = 0;
    if (auto e = f(index)) return e;
    if (index >= sizeof...(Ts)) return caf::make_error(caf::sec::invalid_argument, "variant index out of range");
    emplace_index(v.x, index, std::index_sequence_for<Ts...>{});
    return std::visit([&](auto& alt) { return f(alt); }, v.x);
  }
}

// A value whose wire form is a string made and read by a codec (`Codec::encode(const T&)` and
// `Codec::decode(std::string_view) → Result<T>`): events and states, in the log's own forms.
template <class Inspector, class Codec, class T>
typename Inspector::result_type inspect_as_text(Inspector& f, T& x) {
  if constexpr (Inspector::reads_state) {
    auto text = Codec::encode(x);
    return f(text);
  } else {
    std::string text;
    if (auto e = f(text)) return e;
    auto decoded = Codec::decode(text);
    if (!decoded) return caf::make_error(caf::sec::invalid_argument, decoded.error().message);
    x = std::move(*decoded);
    return {};
  }
}

// A member whose wire form is its codec's text (inspect_as_text), to inspect beside others.
template <class Codec, class T>
struct AsText {
  T& x;
};
template <class Codec, class T>
AsText<Codec, T> as_text(const T& x) {
  return {const_cast<T&>(x)};
}
template <class Inspector, class Codec, class T>
typename Inspector::result_type inspect(Inspector& f, AsText<Codec, T>& t) {
  return inspect_as_text<Inspector, Codec>(f, t.x);
}

}  // namespace bitacora::wire
