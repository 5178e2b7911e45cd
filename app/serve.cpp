#include "support/log.hpp"
#include "app/serve.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <csignal>
#include <fstream>

#include "actors/commerce.hpp"
#include "actors/idempotency_store.hpp"
#include "actors/notification_feed.hpp"
#include "app/control_socket.hpp"
#include "app/descriptors.hpp"
#include "app/process_metrics.hpp"
#include "actors/order_queries.hpp"
#include "actors/scheduler.hpp"
#include "actors/webhook_inbox.hpp"
#include "actors/webhook_processor.hpp"
#include "http/gateways/payments.hpp"
#include "actors/webhook_queries.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"

namespace bitacora::app {

namespace {
spdlog::logger& app_log() { return module_logger("app"); }
}  // namespace
namespace {

bool write_port_file(const std::string& path, std::uint16_t port) {
  // Written whole under a temporary name, then renamed, so a reader never sees half a number.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int serve(const Config& config, const ServeFlags& flags) {
  // A full disk or a file-size limit must surface as a failed write (503), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
  const auto started = std::chrono::steady_clock::now();
  const Clock& clock = SystemClock::instance();
  metrics::Registry metrics;
  register_process_metrics(metrics);

  // Gateway APIs' client (Mercado Pago's payments); reset before the processor goes (its callbacks use it).
  http::gateways::ApiClientOptions api_options;
  api_options.ca_file = config.gateways.api_ca_file;
  api_options.timeout = std::chrono::seconds(config.gateways.api_timeout_seconds);
  auto opened = http::gateways::ApiClient::open(api_options);
  if (!opened) {
    app_log().critical("{}", opened.error().message);
    return 1;
  }
  auto api_client = std::move(*opened);

  // File descriptors: connections get what the log and the process's own files leave.
  auto descriptors = plan_descriptors(config.server.max_connections);
  if (!descriptors) {
    app_log().critical("{}", descriptors.error().message);
    return 1;
  }
  storage::LogOptions storage_options = config.storage;
  storage_options.max_open_files = descriptors->table_files;
  http::ServerOptions server_options = config.server;
  server_options.access_log = config.log.access;
  server_options.max_connections = descriptors->connections;
  if (descriptors->connections < config.server.max_connections)
    app_log().warn("server.max_connections lowered from {} to {}: the open-files limit is {}", config.server.max_connections,
                   descriptors->connections, descriptors->limit);

  auto log = storage::EventLog::open(storage_options);
  if (!log) {
    app_log().critical("{}", log.error().message);
    return 1;
  }
  auto writer = storage::LogWriter::start(**log, clock, metrics);
  if (!writer) {
    app_log().critical("cannot start the log writer: {}", writer.error().message);
    return 1;
  }
  actors::WebhookQueries queries(**log);
  actors::StreamQueries streams(**log);
  actors::OrderQueries orders(**log);
  actors::CommerceQueries commerce_queries(**log);
  actors::IdempotencyStore idempotency(**log, **writer, clock, static_cast<Micros>(config.http.idempotency_ttl_seconds) * 1'000'000);
  boost::asio::thread_pool blocking(2);
  actors::NotificationFeed notifications(**log, **writer, blocking, config.notifications.stock_low);

  // The actor system is declared after everything its actors use (deps included), so it is
  // destroyed — waiting for its actors to finish — before any of that goes.
  actors::ActorDeps deps{**log, **writer, clock, metrics};
  caf::actor_system_config caf_config;
  actors::add_aggregate_messages(caf_config);
  actors::Scheduler::add_messages(caf_config);
  caf_config.set("scheduler.max-threads", 2);
  // A worker out of work tries its queue and one steal ten times, then sleeps on its condition
  // variable until a message comes, instead of CAF's default 500 polls 50 us apart: those sleeps
  // were most of the server's context switches and ~9% of its CPU (bench/README.md, "Typed actor
  // protocol: after").
  caf_config.set("work-stealing.aggressive-poll-attempts", std::size_t{10});
  caf_config.set("work-stealing.moderate-poll-attempts", std::size_t{0});
  caf::actor_system actor_system{caf_config};
  actors::RegistryOptions aggregates;
  aggregates.snapshots.every_events = static_cast<std::uint64_t>(config.snapshots.every_events);
  aggregates.idle = static_cast<Micros>(config.actors.idle_seconds) * 1'000'000;
  aggregates.max_alive = static_cast<std::size_t>(config.actors.max_alive);
  // One phase: each part is made with everything it uses. The scheduler comes first (commerce and
  // the processor tell it of their timer rows) and starts last, with their handlers.
  actors::Scheduler scheduler(actor_system, deps);
  actors::Commerce commerce(actor_system, deps, scheduler,
                            actors::CommerceOptions{config.reservations.ttl_seconds, aggregates, {}});
  actors::WebhookProcessor processor(deps, commerce, scheduler,
                                     http::gateways::make_interpreter(config.gateways, *api_client),
                                     config.retries.schedule_seconds);
  actors::WebhookInbox inbox(**writer, clock, metrics, config.storage.quarantine_max_body_bytes, &processor);
  if (auto timers = scheduler.start({{actors::kReservationExpiry, commerce.expiry_handler()},
                                      {actors::kWebhookTimer, processor.handler()}});
      !timers) {
    app_log().critical("cannot load the durable timers: {}", timers.error().message);
    scheduler.stop();
    commerce.stop();
    (*writer)->stop();
    return 1;
  }

  http::Services services{config.auth,
                          config.gateways,
                          inbox,
                          queries,
                          streams,
                          commerce,
                          processor,
                          orders,
                          commerce_queries,
                          [&] {
                            return http::StorageStatus{(*writer)->healthy(), (*writer)->last_seq(), config.storage.dir};
                          },
                          metrics,
                          clock,
                          blocking,
                          idempotency,
                          config.http,
                          notifications};
  http::Server server(server_options, http::make_router(services), metrics);
  // `bitacora backup` asks for checkpoints here. Without it a backup needs the server stopped;
  // the server itself runs on.
  std::unique_ptr<ControlSocket> control;
  if (auto opened_control = ControlSocket::open(server.io_context(), blocking, **log, config.storage.dir)) {
    control = std::move(*opened_control);
  } else {
    app_log().warn("no control socket, so `bitacora backup` needs the server stopped: {}", opened_control.error().message);
  }
  // Stopping: systemd hears of it first (sd_notify is a no-op outside a Type=notify service).
  const auto stop = [&] {
    sd_notify(0, "STOPPING=1");
    notifications.stop();  // long polls answer now instead of holding the shutdown
    if (control) control->close();
    server.shutdown();
  };
  // The log cannot be written on from this process any more (writer.hpp): stop, and say so in
  // the exit status, so a supervisor starts bitacora afresh from what is durable.
  std::atomic<bool> log_failed{false};
  (*writer)->on_fatal([&](const std::string& why) {
    app_log().critical("stopping: {}", why);
    log_failed = true;
    stop();
  });
  try {
    server.listen();
  } catch (const std::exception& e) {
    app_log().critical("cannot listen on {}:{}: {}", config.server.host, config.server.port, e.what());
    (*writer)->stop();
    return 1;
  }
  if (flags.port_file && !write_port_file(*flags.port_file, server.port())) {
    app_log().critical("cannot write the port file {}", *flags.port_file);
    (*writer)->stop();
    return 1;
  }

  boost::asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    app_log().info("signal {} received", signal);
    stop();
  });

  auto startup_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  app_log().info("bitacora listening on {}:{} (data in {}, last seq {}, at most {} connections, started in {} ms)",
                 config.server.host, server.port(), config.storage.dir, (*writer)->last_seq(), server_options.max_connections,
                 startup_ms.count());
  // Ready: the log is open, the timers loaded, the port bound (and written to --port-file).
  sd_notifyf(0, "READY=1\nSTATUS=listening on %s:%u, last seq %llu", config.server.host.c_str(),
             static_cast<unsigned>(server.port()), static_cast<unsigned long long>((*writer)->last_seq()));
  server.run();

  blocking.join();
  scheduler.stop();
  api_client.reset();
  commerce.stop();
  (*writer)->stop();
  if (log_failed) {
    app_log().critical("stopped at seq {} because the log could not be written on; exit status 1", (*writer)->last_seq());
    return 1;
  }
  app_log().info("stopped cleanly at seq {}", (*writer)->last_seq());
  return 0;
}

}  // namespace bitacora::app
