#include "support/log.hpp"
#include "http/server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <map>
#include <thread>
#include <tuple>

#include "http/session.hpp"

namespace bitacora::http {

namespace {
spdlog::logger& log() { return module_logger("http"); }
}  // namespace

namespace net = boost::asio;
using net::ip::tcp;

Server::Server(ServerOptions options, Router router, metrics::Registry& metrics)
    : options_(std::move(options)),
      router_(std::move(router)),
      metrics_(metrics),
      rejected_connections_(metrics.counter("bitacora_http_connections_rejected_total",
                                            "Connections closed at once because max_connections was reached")),
      rejected_per_address_(metrics.counter("bitacora_http_connections_rejected_per_address_total",
                                            "Connections closed at once because their address had max_connections_per_address")),
      evicted_connections_(metrics.counter("bitacora_http_connections_evicted_total",
                                           "Idle connections closed to make room for a new one at max_connections")),
      accept_errors_(metrics.counter("bitacora_http_accept_errors_total",
                                     "Failed accepts (out of file descriptors or memory, …); each waits before the next")),
      acceptor_(ioc_),
      accept_timer_(ioc_) {
  metrics.gauge("bitacora_http_connections", "Open HTTP connections",
                [this] { return static_cast<double>(connections_.load()); });
}

Server::~Server() = default;

void Server::listen() {
  tcp::endpoint endpoint(net::ip::make_address(options_.host), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Server::run() {
  accept();
  std::vector<std::thread> extra;
  for (int i = 1; i < options_.threads; ++i) extra.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : extra) t.join();
}

void Server::accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (ec) return on_accept_error(ec);
    accept_delay_ = std::chrono::milliseconds(0);
    boost::system::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    if (ignored || !admit(remote.address())) {
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(std::move(socket), *this, remote.address());
      {
        std::lock_guard lock(sessions_mu_);
        sessions_.emplace(session.get(), session);
      }
      session->start();
    }
    accept();
  });
}

void Server::on_accept_error(const boost::system::error_code& ec) {
  // Out of descriptors or memory, accepting again at once fails again at once: wait, doubling, so a
  // full process sleeps instead of spinning, and its connections get a chance to close.
  accept_errors_.inc();
  accept_delay_ = std::clamp(accept_delay_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  const auto now = std::chrono::steady_clock::now();
  if (now - accept_logged_ >= std::chrono::seconds(10)) {
    log().warn("accept failed: {} ({} more since the last report); waiting {} ms before the next attempt", ec.message(),
               accept_errors_unlogged_, accept_delay_.count());
    accept_logged_ = now;
    accept_errors_unlogged_ = 0;
  } else {
    ++accept_errors_unlogged_;
  }
  accept_timer_.expires_after(accept_delay_);
  accept_timer_.async_wait([this](boost::system::error_code wait_ec) {
    if (!wait_ec && acceptor_.is_open()) accept();
  });
}

bool Server::admit(const net::ip::address& address) {
  std::shared_ptr<Session> evict;
  {
    std::lock_guard lock(sessions_mu_);
    auto counted = per_address_.find(address);
    const std::size_t from_address = counted == per_address_.end() ? 0 : counted->second;
    if (options_.max_connections_per_address > 0 && from_address >= options_.max_connections_per_address) {
      rejected_per_address_.inc();
      return false;
    }
    if (connections_.load() >= options_.max_connections) {
      // Full: the connection idle the longest makes room, if there is one.
      auto oldest = std::chrono::steady_clock::time_point::max();
      for (auto& [ptr, weak] : sessions_) {
        auto idle_since = ptr->idle_since();
        if (!idle_since || *idle_since >= oldest) continue;
        if (auto s = weak.lock()) {
          evict = std::move(s);
          oldest = *idle_since;
        }
      }
      if (!evict) {
        rejected_connections_.inc();
        return false;
      }
      evicted_connections_.inc();
    }
    ++per_address_[address];
    ++connections_;
  }
  if (evict) evict->evict();
  return true;
}

void Server::shutdown() {
  net::post(ioc_, [this] {
    if (draining_.exchange(true)) return;
    log().info("shutting down: no new connections, finishing {} open ones", connections_.load());
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_timer_.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [ptr, weak] : sessions_)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->drain();
    live.clear();
    auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::seconds(options_.shutdown_grace_seconds));
    timer->async_wait([this, timer](boost::system::error_code ec) {
      if (ec) return;
      log().warn("shutdown grace ended with {} connections open; closing them", connections_.load());
      ioc_.stop();
    });
    stop_when_idle();
  });
}

void Server::stop_when_idle() {
  if (draining_.load() && connections_.load() == 0) ioc_.stop();
}

void Server::on_session_closed(Session* s) {
  {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
    if (auto it = per_address_.find(s->address()); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }
  --connections_;
  if (draining_.load()) net::post(ioc_, [this] { stop_when_idle(); });
}

void Server::record(std::string_view route, unsigned status, double seconds) {
  // Routes are the router's own pattern strings (stable), so (pointer, status) names a series; each
  // I/O thread keeps the series it has used, off the registry's lock.
  struct Series {
    metrics::Counter* count;
    metrics::Histogram* latency;
  };
  thread_local std::map<std::tuple<const Server*, const char*, unsigned>, Series> cache;
  auto key = std::make_tuple(this, route.data(), status);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto labels = "route=\"" + metrics::label_value(route) + "\",code=\"" + std::to_string(status) + "\"";
    Series s{&metrics_.counter("bitacora_http_requests_total", "HTTP requests by route and status", labels),
             &metrics_.histogram("bitacora_http_request_duration_seconds", "HTTP request latency by route and status",
                                 labels, metrics::latency_buckets())};
    it = cache.emplace(key, s).first;
  }
  it->second.count->inc();
  it->second.latency->observe(seconds);
}

}  // namespace bitacora::http
