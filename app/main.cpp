// bitacora: one binary, several subcommands (API.md §6). Each has --help.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "app/config.hpp"
#include "app/audit.hpp"
#include "app/backup.hpp"
#include "app/export.hpp"
#include "app/huge_pages.hpp"
#include "app/process_metrics.hpp"
#include "app/replay.hpp"
#include "app/serve.hpp"
#include "support/log.hpp"

namespace {

// --config, else /etc/bitacora/bitacora.toml when it exists, else the defaults; the environment's
// BITACORA_* over either. Also says where the settings came from.
bitacora::Result<bitacora::app::Config> load_settings(const std::optional<std::string>& path, std::string& source) {
  using namespace bitacora::app;
  std::error_code ec;
  if (path || std::filesystem::exists(kDefaultConfigPath, ec)) {
    source = path ? *path : kDefaultConfigPath;
    return load_config(source, process_env(), process_env_names());
  }
  source = "the built-in defaults (no --config, no " + std::string(kDefaultConfigPath) + ")";
  return parse_config("", process_env(), "defaults", process_env_names());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bitacora;
  CLI::App cli{"bitacora — durable payment webhooks, carts and stock reservations on an embedded event log"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("bitacora ") + app::build_version() + " (" + app::build_commit() + ")");

  std::optional<std::string> config_path;
  app::ServeFlags flags;
  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  const std::string config_help = std::string("TOML configuration file (default: ") + app::kDefaultConfigPath +
                                  " if it exists, else built-in defaults); BITACORA_<SECTION>_<KEY> overrides it";
  serve->add_option("--config", config_path, config_help);
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

  auto* checker = cli.add_subcommand(
      "check-config", "Validate the configuration and print the settings in effect, secrets hidden; exit 2 if invalid");
  checker->add_option("--config", config_path, config_help);

  app::BackupFlags backup_flags;
  auto* backuper = cli.add_subcommand(
      "backup", "Back up a data dir into a backup dir (online: a running server cuts a checkpoint); incremental, checksummed");
  backuper->add_option("--data-dir", backup_flags.data_dir, "The data directory (storage.dir) to back up");
  backuper->add_option("--to", backup_flags.to, "The backup directory (created if missing; holds every backup)")->required();
  backuper->add_flag("--list", backup_flags.list, "List the backups in --to instead: id, time, last seq, chain head");

  app::RestoreFlags restore_flags;
  auto* restorer = cli.add_subcommand(
      "restore", "Restore a backup into a new data dir and check it ends at the seq and chain head the backup recorded");
  restorer->add_option("--from", restore_flags.from, "The backup directory")->required();
  restorer->add_option("--to", restore_flags.to, "The data directory to create (must not exist or be empty)")->required();
  restorer->add_option("--backup-id", restore_flags.backup_id, "Which backup (default: the newest; see backup --list)");

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
  if (backuper->parsed()) return app::backup(backup_flags, std::cout);
  if (restorer->parsed()) return app::restore(restore_flags, std::cout);

  std::string source;
  if (checker->parsed()) {
    auto config = load_settings(config_path, source);
    if (!config) {
      std::cerr << "bitacora check-config: " << source << ": " << config.error().message << '\n';
      return 2;
    }
    std::cout << "# bitacora check-config: valid. Settings in effect, from " << source
              << " and the environment; secrets hidden.\n\n"
              << app::show_config(*config);
    return 0;
  }

  if (serve->parsed()) {
    auto config = load_settings(config_path, source);
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
