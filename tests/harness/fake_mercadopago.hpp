// A small local HTTP server standing in for Mercado Pago's payments API
// (GET /v1/payments/{id}), scripted by the test: it can fail with 500 a number of times, or
// always, before answering with the payment the test registered. It records every request it
// gets, whatever its path, so a test can check what bitacora put on the wire.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace bitacora::http {
class Server;
}
namespace bitacora::metrics {
class Registry;
}

namespace bitacora::testing {

class FakeMercadoPago {
 public:
  FakeMercadoPago();
  ~FakeMercadoPago();

  [[nodiscard]] std::string base_url() const;
  // The payment GET /v1/payments/{id} returns: status ("approved", …), external_reference, amount in major units.
  void set_payment(const std::string& id, const std::string& status, const std::string& reference, double amount,
                   const std::string& currency = "COP");
  void fail_next(int times) { failures_left_ = times; }
  void fail_always(bool on) { always_fail_ = on; }
  // While on, payment requests get no answer at all (a gateway that hangs); turning it off answers
  // the ones held. most_at_once() is the most payment requests it held at the same time.
  void hang(bool on);
  [[nodiscard]] std::size_t most_at_once() const;
  [[nodiscard]] int calls() const { return calls_.load(); }

  struct Seen {
    std::string method;
    std::string target;                                       // as received
    std::vector<std::pair<std::string, std::string>> headers;  // name (lower case), value
  };
  [[nodiscard]] std::vector<Seen> requests() const;

 private:
  void record(const http::Request& req);
  struct Payment {
    std::string status, reference, currency;
    double amount;
  };
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<std::string, Payment> payments_;
  std::vector<Seen> seen_;
  bool hanging_ = false;
  std::vector<http::Respond> held_;   // answers owed while hanging
  std::size_t most_at_once_ = 0;
  std::atomic<int> failures_left_{0};
  std::atomic<bool> always_fail_{false};
  std::atomic<int> calls_{0};
};

}  // namespace bitacora::testing
