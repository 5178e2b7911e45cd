// Result<T>: a value or an Error, the way every fallible call in bitacora reports failure.
// Errors are values (STYLE.md 6); exceptions are kept for programming errors and start-up.
// Any thread may use these types; they hold no shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace bitacora {

// What went wrong, in terms a caller can act on. HTTP status codes are chosen from these in http/.
enum class Errc {
  invalid_argument,     // the caller's input is wrong; retrying the same input fails again
  not_found,
  conflict,             // a precondition (version, state) did not hold
  unavailable,          // storage or a peer could not do it now; retryable
  exhausted,            // a bounded counter would pass its limit (storage::AppendRequest::counter_limits)
  data_loss,            // stored bytes failed to decode or verify
  internal,
};

[[nodiscard]] constexpr bool retryable(Errc e) noexcept { return e == Errc::unavailable; }
[[nodiscard]] const char* to_string(Errc e) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : v_(value) {}               // NOLINT: implicit on purpose
  Result(T&& value) : v_(std::move(value)) {}         // NOLINT
  Result(Error error) : v_(std::move(error)) {}       // NOLINT
  Result(Errc code, std::string message) : v_(Error{code, std::move(message)}) {}

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace bitacora
