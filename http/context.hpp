// Services: what the handlers reach, handed to them at wiring time by app/. Handlers talk to
// actors and services only — never to RocksDB.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "actors/webhook_inbox.hpp"
#include "actors/commerce.hpp"
#include "actors/commerce_queries.hpp"
#include "actors/idempotency_store.hpp"
#include "actors/notification_feed.hpp"
#include "actors/order_queries.hpp"
#include "actors/stream_queries.hpp"
#include "actors/webhook_processor.hpp"
#include "actors/webhook_queries.hpp"
#include "http/gateways/gateway_config.hpp"
#include "http/server_options.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

namespace bitacora::http {

struct StorageStatus {
  bool writable = true;
  std::uint64_t last_seq = 0;
  std::string dir;
};

struct Services {
  const AuthOptions& auth;
  const gateways::GatewayConfig& gateways;
  actors::WebhookInbox& inbox;
  const actors::WebhookQueries& queries;
  const actors::StreamQueries& streams;
  actors::Commerce& commerce;
  actors::WebhookProcessor& processor;
  const actors::OrderQueries& orders;
  const actors::CommerceQueries& commerce_queries;
  std::function<StorageStatus()> storage_status;
  metrics::Registry& metrics;
  const Clock& clock;
  boost::asio::thread_pool& blocking;  // for work that reads RocksDB or otherwise blocks
  actors::IdempotencyStore& idempotency;
  const HttpOptions& conventions;
  actors::NotificationFeed& notifications;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Runs `work` on the blocking pool under the request this thread works for (support/log.hpp
// RequestScope), so what it logs names that request too.
template <class Work>
void post_blocking(Services& s, Work&& work) {
  boost::asio::post(s.blocking, [id = std::string(current_request_id()), work = std::forward<Work>(work)]() mutable {
    RequestScope scope(id);
    work();
  });
}

}  // namespace bitacora::http
