// Time in bitacora: microseconds since the Unix epoch (UTC) as a plain int64, formatted as
// RFC 3339 with milliseconds (`2026-11-22T10:30:00.000Z`) at the edges.
// Clock is injected wherever "now" matters, so tests can fix it. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bitacora {

using Micros = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Micros now_us() const = 0;
  [[nodiscard]] std::int64_t now_s() const { return now_us() / 1'000'000; }
};

// Wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  [[nodiscard]] Micros now_us() const override;
  static const SystemClock& instance();
};

// A clock that says what it is told; for tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Micros t) : t_(t) {}
  [[nodiscard]] Micros now_us() const override { return t_; }
  void set(Micros t) { t_ = t; }

 private:
  Micros t_;
};

[[nodiscard]] std::string format_rfc3339(Micros t);
// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`; nullopt when it is not that.
[[nodiscard]] std::optional<Micros> parse_rfc3339(std::string_view text);

}  // namespace bitacora
