// The configuration keys of API.md §7, one row each: where the key lives, what type it takes, what
// a good value looks like, and how it is checked and stored into Config. Internal to app/config*.cpp:
// the TOML reader (config.cpp) and the environment reader (config_env.cpp) both go through these
// rows, so a key is declared once and both sources check it the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "app/config.hpp"

namespace bitacora::app::config_detail {

// A value as read from the file or from an environment variable, before the key's own checks.
using Value = std::variant<std::string, std::int64_t, bool, std::vector<std::int64_t>, std::vector<std::string>>;
enum class Kind { string, integer, boolean, integer_list, string_list };

// A Value holding a T, built in place (moving a variant into an optional trips GCC 12's
// -Wmaybe-uninitialized under sanitizers).
template <class T, class... Args>
[[nodiscard]] std::optional<Value> value_of(Args&&... args) {
  return std::optional<Value>(std::in_place, std::in_place_type<T>, std::forward<Args>(args)...);
}

struct Key {
  std::string_view section;
  std::string_view name;
  Kind kind;
  std::string expected;  // what a good value looks like, for errors: "a positive integer"
  bool secret;           // its value is never echoed in an error
  std::function<bool(Config&, const Value&)> store;  // false if the value fails the key's checks
  std::function<std::string(const Config&)> show;    // the value in effect, as TOML (a secret's in clear)
};

[[nodiscard]] const std::vector<Key>& keys();
[[nodiscard]] const Key* find_key(std::string_view section, std::string_view name);
[[nodiscard]] bool is_section(std::string_view section);
// BITACORA_<SECTION>_<KEY>, upper case.
[[nodiscard]] std::string env_name(const Key& key);

// [standard_webhooks.<source>] secret = "whsec_…"
inline constexpr std::string_view standard_webhooks = "standard_webhooks";
inline constexpr std::string_view source_name_expected =
    "a source name of 1 to 64 characters a-z 0-9 _ - other than wompi, mercadopago, mp, stripe, standard, checkout";
inline constexpr std::string_view standard_secret_expected =
    "\"whsec_\" followed by a base64 key";
[[nodiscard]] bool valid_source_name(std::string_view source);
[[nodiscard]] bool valid_standard_secret(std::string_view secret);
// BITACORA_STANDARD_WEBHOOKS_<SOURCE>_SECRET
[[nodiscard]] std::string standard_env_name(std::string_view source);

// [operators.<name>] token_sha256 = "<hex>": a named operator and the SHA-256 of their token.
inline constexpr std::string_view operators = "operators";
inline constexpr std::string_view operator_name_expected =
    "an operator name of 1 to 64 characters a-z 0-9 _ - other than admin (the admin token's) and owner";
inline constexpr std::string_view token_sha256_expected =
    "the SHA-256 of the operator's token as 64 hex digits (printf %s \"$token\" | sha256sum)";
[[nodiscard]] bool valid_operator_name(std::string_view name);
[[nodiscard]] bool valid_token_sha256(std::string_view hex);
[[nodiscard]] std::string lower_hex(std::string_view hex);

// Secrets from files (app/config_secrets.cpp). A secret key <key> may instead be given as
// <key>_file = "<path>" (env BITACORA_<SECTION>_<KEY>_FILE); a relative path is taken from
// $CREDENTIALS_DIRECTORY (systemd's LoadCredential=) when that is set. The file holds the secret,
// one trailing newline dropped; empty or over 64 KiB is an error.
inline constexpr std::string_view file_suffix = "_file";
[[nodiscard]] Result<std::string> read_secret_file(const std::string& path, const EnvLookup& env);
// A secret key still unset after the file and the environment is read from
// $CREDENTIALS_DIRECTORY/<section>.<key> when that file exists (LoadCredential=auth.admin_token:…).
void apply_credentials(Config& config, const EnvLookup& env, std::vector<std::string>& errors);

// How an offending value is shown in an error: secrets never are.
[[nodiscard]] std::string quoted(std::string_view text);
inline constexpr std::string_view hidden_secret = "a value not shown here (it is a secret)";

// Environment overrides (config_env.cpp): applies every BITACORA_* variable over `config`, adding
// one message to `errors` per bad variable.
void apply_env(Config& config, const EnvLookup& env, const std::vector<std::string>* env_names,
               std::vector<std::string>& errors);

}  // namespace bitacora::app::config_detail
