// Idempotency-Key on state-changing requests (docs/api.md "Idempotency"). A request that carries
// the header is answered once: its answer (any status below 500) is kept durably under the
// caller's key (actors::IdempotencyStore) before it is sent, and a repeat gets that answer again,
// unchanged, with `Idempotent-Replayed: true`, instead of acting a second time. The same key with
// another method, target or body is 422 idempotency_key_reused; a repeat that comes while the
// first is still being answered waits for it.
//
// Keys are scoped by caller: the operator (by name) or the shopper (the JWT's user). A request
// that is not authenticated passes through untouched (its handler answers 401).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/idempotency_store.hpp"
#include "http/router.hpp"
#include "http/server_options.hpp"

namespace bitacora::http {

inline constexpr std::size_t kMaxIdempotencyKey = 255;

// 1 to 255 visible ASCII characters.
[[nodiscard]] bool valid_idempotency_key(std::string_view key);

class Idempotency : public std::enable_shared_from_this<Idempotency> {
 public:
  Idempotency(actors::IdempotencyStore& store, const AuthOptions& auth, boost::asio::thread_pool& blocking);

  // `inner` made idempotent for requests that carry an Idempotency-Key.
  [[nodiscard]] Handler wrap(Handler inner);

 private:
  struct Waiter {
    std::string fingerprint;
    Respond respond;
  };
  // A key whose first request is being answered, and the repeats waiting for it.
  struct Flight {
    std::string fingerprint;
    std::vector<Waiter> waiters;
  };

  void handle(const Handler& inner, const Request& req, const RouteParams& params, Respond respond);
  void run_first(const Handler& inner, const Request& req, const RouteParams& params, const std::string& row,
                 const std::string& fingerprint, Respond respond);
  // The first request's answer is known: send it, and to its waiters the same (or 422 when theirs differs).
  void land(const std::string& row, const actors::StoredAnswer& answer, Response first, Respond respond);
  void maybe_sweep();

  actors::IdempotencyStore& store_;
  const AuthOptions& auth_;
  boost::asio::thread_pool& blocking_;
  std::mutex mu_;
  std::unordered_map<std::string, Flight> in_flight_;
  std::atomic<Micros> last_sweep_{0};
};

}  // namespace bitacora::http
