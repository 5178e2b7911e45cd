#include "snapshots/rebuild.hpp"

#include <optional>
#include <utility>

namespace bitacora::snapshots {
namespace {

std::string_view key_of(std::string_view stream) noexcept {
  auto slash = stream.find('/');
  return slash == std::string_view::npos ? std::string_view() : stream.substr(slash + 1);
}

template <class D>
Status fold(typename D::State& s, const events::EnvelopeView& e) {
  if constexpr (requires { D::refusal(s, e.type); }) {
    if (auto why = D::refusal(s, e.type)) return Error{Errc::data_loss, std::move(*why)};
  }
  auto ev = D::decode_event(e.type, e.data);
  if (!ev) return ev.error();
  D::apply(s, std::move(*ev));
  return ok_status();
}

}  // namespace

AnyState initial_state(std::string_view stream) {
  AnyState state;
  visit_aggregate(stream, [&]<class D>(std::type_identity<D>) {
    auto s = D::initial(key_of(stream));  // the key copied once, into the id that keeps it
    if constexpr (std::is_same_v<Held<D>, typename D::State>) state = std::move(s);
    else state = std::make_unique<typename D::State>(std::move(s));
  });
  return state;
}

Status apply_event(AnyState& state, const events::EnvelopeView& e) {
  std::optional<Status> folded;
  visit_aggregate(e.stream, [&]<class D>(std::type_identity<D>) {
    auto* s = state_if<typename D::State>(state);
    folded = s ? fold<D>(*s, e) : Status(Error{Errc::data_loss, "event of another aggregate"});
  });
  if (folded) return std::move(*folded);
  return Error{Errc::data_loss, "stream \"" + std::string(e.stream) + "\" belongs to no aggregate"};
}

std::string any_state_json(const AnyState& state) {
  return std::visit(
      []<class H>(const H& held) -> std::string {
        if constexpr (std::is_same_v<H, std::monostate>) return "null";
        else if constexpr (requires { held.get(); }) return held ? AggregateOf<typename H::element_type>::state_json(*held) : "null";
        else return AggregateOf<H>::state_json(held);
      },
      state);
}

}  // namespace bitacora::snapshots
