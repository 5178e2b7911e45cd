#include "support/result.hpp"

namespace bitacora {

const char* to_string(Errc e) noexcept {
  switch (e) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::unavailable: return "unavailable";
    case Errc::exhausted: return "exhausted";
    case Errc::data_loss: return "data_loss";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace bitacora
