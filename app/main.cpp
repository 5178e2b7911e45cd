// bitacora: one binary, several subcommands (API.md §6). Each has --help.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/config.hpp"
#include "app/audit.hpp"
#include "app/export.hpp"
#include "app/huge_pages.hpp"
#include "app/process_metrics.hpp"
#include "app/replay.hpp"
#include "app/serve.hpp"
#include "support/log.hpp"

int main(int argc, char** argv) {
  using namespace bitacora;
  CLI::App cli{"bitacora — durable payment webhooks, carts and stock reservations on an embedded event log"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("bitacora ") + app::build_version() + " (" + app::build_commit() + ")");

  std::optional<std::string> config_path;
  app::ServeFlags flags;
  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--config", config_path, "TOML configuration file (API.md §7); BITACORA_<SECTION>_<KEY> overrides it");
  serve->add_option("--port-file", flags.port_file, "Write the bound port to this file (useful with port 0)");

  app::ExportFlags export_flags;
  auto* exporter = cli.add_subcommand("export", "Write the log as JSON lines, one event each (read-only; runs beside a live server)");
  exporter->add_option("--data-dir", export_flags.data_dir, "The data directory (storage.dir)")->required();
  exporter->add_option("--from-seq", export_flags.from_seq, "First sequence to write (default 1)");
  exporter->add_option("--stream-prefix", export_flags.stream_prefix, "Only streams starting with this, e.g. order/");

  app::ReplayFlags replay_flags;
  auto* replayer = cli.add_subcommand(
      "replay", "Print a stream's events as JSON lines, each with the state it builds (read-only; runs beside a live server)");
  replayer->add_option("--data-dir", replay_flags.data_dir, "The data directory (storage.dir)")->required();
  replayer->add_option("--stream", replay_flags.stream, "The stream, e.g. order/ORD-1 or product/sku-1 (default: every stream)");
  auto* to_seq = replayer->add_option("--to-seq", replay_flags.to_seq, "Stop after this sequence");
  replayer->add_option("--until", replay_flags.until, "Stop after this time (RFC 3339, e.g. 2026-11-22T10:42:00Z)")->excludes(to_seq);
  replayer->add_flag("--last", replay_flags.last_only,
                     "Print only each stream's last event up to there, with its state then (the state as of that point)");

  app::AuditFlags audit_flags;
  auto* auditor = cli.add_subcommand(
      "audit", "Rebuild every aggregate from the log alone and check its invariants; exit 1 on any violation (read-only)");
  auditor->add_option("--data-dir", audit_flags.data_dir, "The data directory (storage.dir)")->required();

  // A usage error exits 2, as Unix commands do (CLI11's own codes are 100 and up); --help and
  // --version exit 0.
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }

  if (exporter->parsed() || replayer->parsed() || auditor->parsed()) app::prefer_huge_pages();
  if (exporter->parsed()) return app::export_events(export_flags, std::cout);
  if (replayer->parsed()) return app::replay(replay_flags, std::cout);
  if (auditor->parsed()) return app::audit(audit_flags, std::cout);

  if (serve->parsed()) {
    auto config = config_path ? app::load_config(*config_path, app::process_env(), app::process_env_names())
                              : app::parse_config("", app::process_env(), "defaults", app::process_env_names());
    if (!config) {
      spdlog::critical("configuration: {}", config.error().message);
      return 2;
    }
    set_log_level(spdlog::level::from_str(config->log.level));
    set_log_format(config->log.format == "json" ? LogFormat::json : LogFormat::text);
    return app::serve(*config, flags);
  }
  return 0;
}
