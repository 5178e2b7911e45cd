// bitacora: one binary, several subcommands (API.md §6). Each has --help.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/config.hpp"
#include "support/log.hpp"
#include "app/serve.hpp"

int main(int argc, char** argv) {
  using namespace bitacora;
  CLI::App cli{"bitacora — durable payment webhooks, carts and stock reservations on an embedded event log"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "bitacora 0.1.0");

  std::optional<std::string> config_path;
  app::ServeFlags flags;
  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--config", config_path, "TOML configuration file (API.md §7); BITACORA_<SECTION>_<KEY> overrides it");
  serve->add_option("--port-file", flags.port_file, "Write the bound port to this file (useful with port 0)");

  CLI11_PARSE(cli, argc, argv);

  if (serve->parsed()) {
    auto config = config_path ? app::load_config(*config_path, app::process_env(), app::process_env_names())
                              : app::parse_config("", app::process_env(), "defaults", app::process_env_names());
    if (!config) {
      spdlog::critical("configuration: {}", config.error().message);
      return 2;
    }
    set_log_level(spdlog::level::from_str(config->log.level));
    return app::serve(*config, flags);
  }
  return 0;
}
