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

}  // namespace bitacora::http
