// Environment overrides: BITACORA_<SECTION>_<KEY> for every key of the schema, and
// BITACORA_STANDARD_WEBHOOKS_<SOURCE>_SECRET for Standard Webhooks sources. Values are strings parsed
// to the key's type, then checked by the same rows as the file's values.
#include <unistd.h>  // environ

#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "app/config_schema.hpp"

namespace bitacora::app {
namespace config_detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  std::int64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return n;
}

// "1,1", "[1, 1]"; "" and "[]" are an empty list (which the key then refuses).
std::optional<std::vector<std::int64_t>> parse_int_list(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = trim(text.substr(1, text.size() - 2));
  }
  std::vector<std::int64_t> list;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const auto n = parse_int(text.substr(0, comma));
    if (!n) return std::nullopt;
    list.push_back(*n);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
    if (trim(text).empty()) return std::nullopt;  // trailing comma
  }
  return list;
}

std::optional<Value> parse_env_value(Kind kind, std::string_view text) {
  switch (kind) {
    case Kind::string:
      return value_of<std::string>(text);
    case Kind::integer:
      if (auto n = parse_int(text)) return value_of<std::int64_t>(*n);
      return std::nullopt;
    case Kind::boolean: {
      const std::string word = lower(trim(text));
      if (word == "true" || word == "1") return value_of<bool>(true);
      if (word == "false" || word == "0") return value_of<bool>(false);
      return std::nullopt;
    }
    case Kind::integer_list:
      if (auto list = parse_int_list(text)) {
        return value_of<std::vector<std::int64_t>>(std::move(*list));
      }
      return std::nullopt;
    case Kind::string_list: {
      // "a,b" (no quoting: the lists taking strings hold origins, which have no commas); "" is empty.
      std::vector<std::string> list;
      for (std::string_view rest = trim(text); !rest.empty();) {
        const std::size_t comma = rest.find(',');
        list.emplace_back(trim(rest.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
      return value_of<std::vector<std::string>>(std::move(list));
    }
  }
  return std::nullopt;
}

std::string problem(const std::string& variable, std::string_view expected, std::string_view got) {
  return "environment variable " + variable + ": expected " + std::string(expected) + ", got " +
         std::string(got);
}

// BITACORA_STANDARD_WEBHOOKS_<SOURCE>_SECRET → "<SOURCE>" as written, or nullopt.
std::optional<std::string_view> standard_source_of(std::string_view variable) {
  constexpr std::string_view prefix = "BITACORA_STANDARD_WEBHOOKS_";
  constexpr std::string_view suffix = "_SECRET";
  if (variable.size() <= prefix.size() + suffix.size() || !variable.starts_with(prefix) ||
      !variable.ends_with(suffix)) {
    return std::nullopt;
  }
  return variable.substr(prefix.size(), variable.size() - prefix.size() - suffix.size());
}

void apply_keys(Config& config, const EnvLookup& env, std::vector<std::string>& errors) {
  for (const Key& key : keys()) {
    const std::string variable = env_name(key);
    auto text = env(variable);
    if (key.secret) {
      // BITACORA_<SECTION>_<KEY>_FILE: the secret from a file.
      const std::string file_variable = variable + "_FILE";
      if (const auto file = env(file_variable)) {
        if (text) {
          errors.push_back("environment variables " + variable + " and " + file_variable + ": set one, not both");
          continue;
        }
        auto secret = read_secret_file(*file, env);
        if (!secret) {
          errors.push_back("environment variable " + file_variable + ": " + secret.error().message);
          continue;
        }
        text = std::move(*secret);
      }
    }
    if (!text) continue;
    const auto value = parse_env_value(key.kind, *text);
    if (!value || !key.store(config, *value)) {
      const std::string got = key.secret ? std::string(hidden_secret) : quoted(*text);
      errors.push_back(problem(variable, key.expected, got));
    }
  }
}

// Sources to look up: those of the file, and those the environment's names introduce. Any other
// BITACORA_* name is a typo of a key, refused like an unknown key in the file.
std::map<std::string, std::string> standard_sources(const Config& config,
                                                     const std::vector<std::string>* env_names,
                                                     std::vector<std::string>& errors) {
  std::map<std::string, std::string> variable_of;  // source → variable
  for (const auto& [source, secret] : config.gateways.standard_webhooks) {
    variable_of[source] = standard_env_name(source);
  }
  if (env_names == nullptr) return variable_of;

  std::set<std::string, std::less<>> key_variables;
  for (const Key& key : keys()) {
    key_variables.insert(env_name(key));
    if (key.secret) key_variables.insert(env_name(key) + "_FILE");
  }
  for (const std::string& variable : *env_names) {
    if (!variable.starts_with("BITACORA_") || key_variables.contains(variable)) continue;
    const auto written = standard_source_of(variable);
    if (!written) {
      errors.push_back("unknown environment variable " + variable + " (not a configuration key)");
      continue;
    }
    std::string source = lower(*written);
    if (!valid_source_name(source)) {
      errors.push_back("environment variable " + variable + ": expected " +
                       std::string(source_name_expected) + ", got " + quoted(source));
      continue;
    }
    variable_of[std::move(source)] = variable;
  }
  return variable_of;
}

}  // namespace

void apply_env(Config& config, const EnvLookup& env, const std::vector<std::string>* env_names,
               std::vector<std::string>& errors) {
  apply_keys(config, env, errors);
  for (const auto& [source, variable] : standard_sources(config, env_names, errors)) {
    const auto secret = env(variable);
    if (!secret) continue;
    if (!valid_standard_secret(*secret)) {
      errors.push_back(problem(variable, standard_secret_expected, hidden_secret));
      continue;
    }
    config.gateways.standard_webhooks[source] = Secret(*secret);
  }
}

}  // namespace config_detail

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::vector<std::string> process_env_names() {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return names;
}

}  // namespace bitacora::app
