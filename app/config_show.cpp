// `bitacora check-config`'s listing of the settings in effect (config.hpp show_config).
#include <string>

#include "app/config_schema.hpp"

namespace bitacora::app {

std::string show_config(const Config& config) {
  using namespace config_detail;
  std::string out;
  std::string_view section;
  for (const Key& key : keys()) {
    if (key.section != section) {
      section = key.section;
      out += (out.empty() ? "[" : "\n[") + std::string(section) + "]\n";
    }
    const std::string value = key.show(config);
    const bool unset = value == "\"\"";  // an empty string: a secret, an issuer, … not configured
    if (key.secret) out += "# " + std::string(key.name) + (unset ? ": not set\n" : ": set (hidden)\n");
    else if (unset) out += "# " + std::string(key.name) + ": not set\n";
    else out += std::string(key.name) + " = " + value + "\n";
  }
  for (const auto& [source, secret] : config.gateways.standard_webhooks)
    out += "\n# [" + std::string(standard_webhooks) + "." + source + "] secret: set (hidden)\n";
  // A token's hash is hidden too: it lets a weak token be guessed offline.
  for (const auto& op : config.auth.operators)
    out += "\n# [" + std::string(operators) + "." + op.name + "] token_sha256: set (hidden)\n";
  return out;
}

}  // namespace bitacora::app
