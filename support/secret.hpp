// Secret: a string that refuses to be logged or printed (userver's NonLoggable).
// Reach the bytes only through reveal(), at the point of use (HMAC keys, tokens).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace bitacora {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "[secret]"; }

 private:
  std::string value_;
};

}  // namespace bitacora
