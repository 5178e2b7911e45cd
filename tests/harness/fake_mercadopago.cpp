#include "tests/harness/fake_mercadopago.hpp"

#include <cstdio>

#include "http/server.hpp"
#include "support/metrics.hpp"

namespace bitacora::testing {

FakeMercadoPago::FakeMercadoPago() : registry_(std::make_unique<metrics::Registry>()) {
  http::Router router;
  router.add(http::bhttp::verb::get, "/v1/payments/{id}",
             [this](const http::Request& req, const http::RouteParams& p, http::Respond respond) {
               ++calls_;
               if (req[http::bhttp::field::authorization].empty())
                 return respond(http::error_response(http::bhttp::status::unauthorized, "unauthorized", "no token"));
               if (always_fail_.load() || failures_left_.fetch_sub(1) > 0)
                 return respond(http::error_response(http::bhttp::status::internal_server_error, "internal_error", "scripted"));
               std::lock_guard lock(mu_);
               auto it = payments_.find(p[0]);
               if (it == payments_.end()) return respond(http::error_response(http::bhttp::status::not_found, "not_found", "no payment"));
               char amount[64];
               std::snprintf(amount, sizeof amount, "%.2f", it->second.amount);
               respond(http::json_response(http::bhttp::status::ok,
                                           R"({"id":)" + p[0] + R"(,"status":")" + it->second.status +
                                               R"(","status_detail":"accredited","external_reference":")" + it->second.reference +
                                               R"(","transaction_amount":)" + amount + R"(,"currency_id":")" + it->second.currency + "\"}"));
             });
  http::ServerOptions options;
  options.port = 0;
  server_ = std::make_unique<http::Server>(options, std::move(router), *registry_);
  server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

FakeMercadoPago::~FakeMercadoPago() {
  server_->shutdown();
  thread_.join();
}

std::string FakeMercadoPago::base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

void FakeMercadoPago::set_payment(const std::string& id, const std::string& status, const std::string& reference,
                                  double amount, const std::string& currency) {
  std::lock_guard lock(mu_);
  payments_[id] = Payment{status, reference, currency, amount};
}

}  // namespace bitacora::testing
