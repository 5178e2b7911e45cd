// bitacora's configuration: a TOML file (API.md §7) whose every key can be overridden by an
// environment variable BITACORA_<SECTION>_<KEY> (upper case; for [standard_webhooks.<source>],
// BITACORA_STANDARD_WEBHOOKS_<SOURCE>_SECRET). Loaded and validated once at start; a bad or
// unknown key is an error that names it. The result is passed by constructor, never read globally.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/notifications.hpp"
#include "http/gateways/gateway_config.hpp"
#include "http/server_options.hpp"
#include "storage/log_options.hpp"
#include "support/result.hpp"

namespace bitacora::app {

struct ReservationOptions {
  int ttl_seconds = 900;                       // [reservations] ttl_seconds, > 0
};

struct RetryOptions {
  std::vector<int> schedule_seconds{60, 300, 900};  // [retries] schedule_seconds, each > 0
};

struct SnapshotOptions {
  int every_events = 100;                      // [snapshots] every_events, 0 (off) to 1,000,000
};

struct ActorOptions {
  int idle_seconds = 120;                      // [actors] idle_seconds, ≥ 1: idle actors leave memory
  int max_alive = 1'000'000;                   // [actors] max_alive, ≥ 1000: past it the least recently used leave
};

struct LogConfig {
  std::string level = "info";                  // [log] level: trace|debug|info|warn|error|off
  std::string format = "text";                 // [log] format: text|json (one JSON object per line)
  bool access = true;                          // [log] access: a line per request (module "access", info)
};

struct NotificationConfig {
  // [notifications] stock_low_threshold (≥ 0, default 5) and stock_low_overrides ("sku:N" each):
  // product.stock_low when a product's available stock drops to its threshold or below.
  domain::StockLowThresholds stock_low;
};

struct Config {
  http::ServerOptions server;
  storage::LogOptions storage;
  http::AuthOptions auth;
  http::HttpOptions http;
  http::gateways::GatewayConfig gateways;
  ReservationOptions reservations;
  RetryOptions retries;
  SnapshotOptions snapshots;
  ActorOptions actors;
  LogConfig log;
  NotificationConfig notifications;
};

// Reads environment variables; tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] EnvLookup process_env();

// Parses TOML text (may be empty) then applies overrides from `env`, then validates.
// Errors are Errc::invalid_argument with a message naming the key, e.g.
// "server.max_body_bytes: expected a positive integer, got \"abc\"". Every bad key is reported, not
// only the first: the message joins them with "; ", each prefixed "<source>:<line>:<column>: " for
// the file or "environment variable <NAME>: " for the environment. Secrets are never echoed.
[[nodiscard]] Result<Config> parse_config(std::string_view toml_text, const EnvLookup& env,
                                          std::string_view source_name = "config");
// Reads the file (error naming it if unreadable), then as parse_config.
[[nodiscard]] Result<Config> load_config(const std::string& path, const EnvLookup& env);

// An EnvLookup answers for a name but cannot list names, so with it alone only the Standard
// Webhooks sources named in the file can be overridden from the environment. These overloads also
// take the environment's variable names (process_env_names() for the real process): each
// BITACORA_STANDARD_WEBHOOKS_<SOURCE>_SECRET among them adds or overrides source <source>
// (lower-cased), and any other BITACORA_* name that is not a key is an error, so a misspelled
// variable does not silently leave the default in place. `bitacora serve` loads with
// load_config(path, process_env(), process_env_names()).
[[nodiscard]] std::vector<std::string> process_env_names();  // every name in `environ`
[[nodiscard]] Result<Config> parse_config(std::string_view toml_text, const EnvLookup& env,
                                          std::string_view source_name,
                                          const std::vector<std::string>& env_names);
[[nodiscard]] Result<Config> load_config(const std::string& path, const EnvLookup& env,
                                         const std::vector<std::string>& env_names);

}  // namespace bitacora::app

namespace bitacora::app {

// Where `serve` and `check-config` read their configuration without --config: this file when it
// exists (the Debian package installs it), else the built-in defaults.
inline constexpr const char* kDefaultConfigPath = "/etc/bitacora/bitacora.toml";

// The settings in effect, as TOML grouped by section, for `bitacora check-config`: every key with
// its value, except secrets, shown only as a comment saying whether they are set.
[[nodiscard]] std::string show_config(const Config& config);

}  // namespace bitacora::app
