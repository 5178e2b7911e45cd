// Turning a commerce Outcome<T> into a response: success through `ok`, a domain refusal by
// refusal_response, a storage failure as 503. Shared by the commerce handlers.
#pragma once

#include "http/commerce_views.hpp"

namespace bitacora::http {

template <class T, class Ok>
void answer(const Respond& respond, actors::Outcome<T>& outcome, Resource where, Ok ok) {
  if (auto* value = std::get_if<T>(&outcome)) return respond(ok(*value));
  if (auto* refused = std::get_if<domain::DomainError>(&outcome)) return respond(refusal_response(*refused, where));
  respond(storage_response(std::get<Error>(outcome)));
}

// As answer(), except that a version_conflict (an If-Match that no longer holds) is answered by
// `mismatch(message, current)`, the resource read afresh through `read(callback)`: the refusal
// names the version, not the resource the client must now show. Shared by carts, products, orders.
template <class T, class Ok, class Read, class Mismatch>
std::function<void(actors::Outcome<T>)> answer_or_mismatch(Respond respond, Resource where, Ok ok, Read read, Mismatch mismatch) {
  return [=](actors::Outcome<T> r) {
    auto* refused = std::get_if<domain::DomainError>(&r);
    if (!refused || refused->code != domain::DomainErrc::version_conflict) return answer(respond, r, where, ok);
    read([=, message = refused->message](actors::Outcome<T> now) {
      auto* current = std::get_if<T>(&now);
      if (!current) return answer(respond, now, where, ok);
      respond(mismatch(message, *current));
    });
  };
}

}  // namespace bitacora::http
