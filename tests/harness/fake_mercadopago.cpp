#include "tests/harness/fake_mercadopago.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "http/server.hpp"
#include "support/metrics.hpp"

namespace bitacora::testing {

FakeMercadoPago::FakeMercadoPago() : registry_(std::make_unique<metrics::Registry>()) {
  http::Router router;
  router.add(http::bhttp::verb::get, "/v1/payments/{id}",
             [this](const http::Request& req, const http::RouteParams& p, http::Respond respond) {
               record(req);
               ++calls_;
               {
                 std::lock_guard lock(mu_);
                 if (hanging_) {
                   held_.push_back(std::move(respond));
                   most_at_once_ = std::max(most_at_once_, held_.size());
                   return;
                 }
               }
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
  // Anything else is recorded and refused, so a stray path shows in requests().
  for (auto verb : {http::bhttp::verb::get, http::bhttp::verb::post, http::bhttp::verb::put, http::bhttp::verb::delete_})
    router.add(verb, "/{rest...}", [this](const http::Request& req, const http::RouteParams&, http::Respond respond) {
      record(req);
      respond(http::error_response(http::bhttp::status::not_found, "not_found", "not a payments path"));
    });
  http::ServerOptions options;
  options.port = 0;
  server_ = std::make_unique<http::Server>(options, std::move(router), *registry_);
  server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

FakeMercadoPago::~FakeMercadoPago() {
  hang(false);
  server_->shutdown();
  thread_.join();
}

void FakeMercadoPago::record(const http::Request& req) {
  Seen seen{std::string(req.method_string()), std::string(req.target()), {}};
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    seen.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  std::lock_guard lock(mu_);
  seen_.push_back(std::move(seen));
}

void FakeMercadoPago::hang(bool on) {
  std::vector<http::Respond> owed;
  {
    std::lock_guard lock(mu_);
    hanging_ = on;
    if (!on) owed.swap(held_);
  }
  for (auto& respond : owed)
    respond(http::error_response(http::bhttp::status::service_unavailable, "unavailable", "was hanging"));
}

std::size_t FakeMercadoPago::most_at_once() const {
  std::lock_guard lock(mu_);
  return most_at_once_;
}

std::vector<FakeMercadoPago::Seen> FakeMercadoPago::requests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

std::string FakeMercadoPago::base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

void FakeMercadoPago::set_payment(const std::string& id, const std::string& status, const std::string& reference,
                                  double amount, const std::string& currency) {
  std::lock_guard lock(mu_);
  payments_[id] = Payment{status, reference, currency, amount};
}

}  // namespace bitacora::testing
