// Secrets kept out of the configuration file: <key>_file paths and systemd credentials
// (config_schema.hpp). Read at start only; the contents are never echoed in an error.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/config_schema.hpp"

namespace bitacora::app::config_detail {
namespace {
constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;
}  // namespace

Result<std::string> read_secret_file(const std::string& path, const EnvLookup& env) {
  std::filesystem::path where(path);
  if (where.is_relative()) {
    if (auto credentials = env("CREDENTIALS_DIRECTORY"); credentials && !credentials->empty()) where = std::filesystem::path(*credentials) / where;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(where, ec);
  if (ec) return Error{Errc::invalid_argument, "cannot read the secret file " + where.string() + ": " + ec.message()};
  if (size > kMaxSecretFileBytes)
    return Error{Errc::invalid_argument, "the secret file " + where.string() + " is over 64 KiB"};
  std::ifstream in(where, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Error{Errc::invalid_argument, "cannot read the secret file " + where.string()};
  std::string secret = text.str();
  if (secret.ends_with("\r\n")) secret.resize(secret.size() - 2);
  else if (secret.ends_with('\n')) secret.pop_back();
  if (secret.empty()) return Error{Errc::invalid_argument, "the secret file " + where.string() + " is empty"};
  return secret;
}

void apply_credentials(Config& config, const EnvLookup& env, std::vector<std::string>& errors) {
  const auto credentials = env("CREDENTIALS_DIRECTORY");
  if (!credentials || credentials->empty()) return;
  for (const Key& key : keys()) {
    if (!key.secret || key.show(config) != "\"\"") continue;  // set by the file or the environment
    const std::string name = std::string(key.section) + "." + std::string(key.name);
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(*credentials) / name, ec)) continue;
    auto secret = read_secret_file(name, env);
    if (!secret) {
      errors.push_back("credential " + name + ": " + secret.error().message);
      continue;
    }
    if (!key.store(config, Value(std::in_place_type<std::string>, std::move(*secret))))
      errors.push_back("credential " + name + ": expected " + key.expected);
  }
}

}  // namespace bitacora::app::config_detail
