// The driver's own account of a chaos run, kept apart from anything the server says: the stock it
// added, the orders it was given, the webhooks the server acknowledged (and the event_id of each),
// what went unanswered when the server was killed, and when the server was up. The checks compare
// the server's state after each restart with this. Thread-safe: every client thread writes to it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/time.hpp"
#include "tests/chaos/notifications.hpp"
#include "tests/chaos/rng.hpp"

namespace bitacora::chaos {

// An order the server answered 201 for.
struct Order {
  std::string reference, user, gateway;
  std::int64_t amount_in_cents = 0;
  std::map<std::string, std::int64_t> lines;  // sku → quantity
  Micros expires_at = 0;
  int cycle = 0;
};

// Whether a request took effect, as far as the driver can tell from its answer.
enum class Applied { yes, no, unknown };

// An admin stock adjustment, named by the unique `reason` it was sent with.
struct StockChange {
  std::string sku;
  std::int64_t delta = 0;
  Applied applied = Applied::unknown;
};

// One run of the server: spawned, answering /health, killed (0 while it runs).
struct Incarnation {
  Micros spawned = 0, ready = 0, killed = 0;
};

class Ledger {
 public:
  // The catalog: each product's stock as first defined, and every adjustment by its reason.
  void product_defined(const std::string& sku, std::int64_t stock);
  void stock_changed(const std::string& reason, StockChange change);
  [[nodiscard]] std::map<std::string, std::int64_t> initial_stock() const;
  [[nodiscard]] std::map<std::string, StockChange> stock_changes() const;

  // Orders. A repeated checkout answers with an order already known: it is kept once.
  void order_placed(const Order& order);
  [[nodiscard]] std::vector<Order> orders() const;
  [[nodiscard]] std::optional<Order> some_order(Rng& rng, bool recent) const;
  // Idempotency-Keys a shopper checked out with (answered or not), to use again.
  void checkout_key_used(const std::string& user, const std::string& key);
  [[nodiscard]] std::optional<std::string> some_checkout_key(Rng& rng, const std::string& user) const;
  // Records that (user, idempotency key) was answered with `reference`; returns the reference
  // answered the first time when it was another one.
  [[nodiscard]] std::optional<std::string> checkout_answered(const std::string& user, const std::string& key, const std::string& reference);
  // Mercado Pago's id for the payment of an order: one per order, as its notifications repeat.
  [[nodiscard]] std::string mercadopago_payment_id(const std::string& reference);

  // Webhooks. `acknowledged` records a 200 for notification `n`, filed under dedupe key `key`; it
  // returns the event_id of the first acknowledgement of `key` when this one names another.
  void sent(const Notification& n);
  [[nodiscard]] std::optional<std::string> acknowledged(const Notification& n, const std::string& key,
                                                        const std::string& event_id);
  void unanswered(const Notification& n);  // no answer: the gateway will send it again
  [[nodiscard]] std::vector<Notification> take_unanswered();
  [[nodiscard]] std::optional<Notification> some_sent(Rng& rng) const;
  [[nodiscard]] std::map<std::string, std::string> acknowledged_webhooks() const;  // key → event_id

  // The server's incarnations, oldest first.
  void server_started(Micros spawned, Micros ready);
  void server_killed(Micros at);
  [[nodiscard]] std::vector<Incarnation> incarnations() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> initial_stock_;
  std::map<std::string, StockChange> stock_changes_;
  std::vector<Order> orders_;
  std::map<std::string, std::size_t> order_index_;             // reference → position in orders_
  std::map<std::string, std::vector<std::string>> keys_used_;  // user → Idempotency-Keys
  std::map<std::pair<std::string, std::string>, std::string> checkout_keys_;
  std::map<std::string, std::string> mercadopago_payments_;
  std::vector<Notification> sent_;
  std::set<std::string> sent_keys_;
  std::map<std::string, std::string> acknowledged_;
  std::map<std::string, Notification> unanswered_;
  std::vector<Incarnation> incarnations_;
};

}  // namespace bitacora::chaos
