// An environment of the test's own for the configuration tests: variables by name, and a parse
// that sees them (and their names, so that environment-only sources are discovered).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"

namespace bitacora::testing {

using Vars = std::map<std::string, std::string>;

inline app::EnvLookup env_of(Vars vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline std::vector<std::string> names_of(const Vars& vars) {
  std::vector<std::string> names;
  for (const auto& [name, value] : vars) names.push_back(name);
  return names;
}

inline Result<app::Config> parse_with(std::string_view toml, const Vars& vars) {
  return app::parse_config(toml, env_of(vars), "test.toml", names_of(vars));
}

}  // namespace bitacora::testing
