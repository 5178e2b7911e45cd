// What a chaos run found: violations, each under the name of the invariant it breaks. Filled by
// the client threads while load runs and by the checks after each restart. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace bitacora::chaos {

// The invariants, as the run's summary names them.
namespace invariant {
inline constexpr const char* webhooks_kept = "every acknowledged webhook is listed exactly once, with its event_id";
inline constexpr const char* paid_once = "no payment is applied twice";
inline constexpr const char* not_oversold = "no product is oversold";
inline constexpr const char* expiry_on_time = "no reservation outlives its deadline by more than 1 s";
inline constexpr const char* audit_clean = "bitacora audit is clean";
inline constexpr const char* answers = "every answer is one the API documents";
inline constexpr const char* stays_up = "the server stays up until it is killed";
}  // namespace invariant

struct Violation {
  int cycle = 0;
  std::string invariant;
  std::string detail;
};

class Findings {
 public:
  void add(int cycle, const char* invariant, std::string detail) {
    std::lock_guard lock(mu_);
    all_.push_back({cycle, invariant, std::move(detail)});
  }
  [[nodiscard]] std::size_t count() const {
    std::lock_guard lock(mu_);
    return all_.size();
  }
  [[nodiscard]] std::vector<Violation> all() const {
    std::lock_guard lock(mu_);
    return all_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Violation> all_;
};

}  // namespace bitacora::chaos
