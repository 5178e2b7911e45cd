// Reading the TOML file into Config: every section and key must be one of the schema's rows
// (app/config_schema.cpp), so a misspelled key is an error instead of a silent default. Then the
// environment's overrides (app/config_env.cpp) are applied over what the file set.
#include "app/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "app/config_schema.hpp"

namespace bitacora::app {
namespace {

using namespace config_detail;

struct Problem {
  toml::source_position at;
  std::string message;
};

class FileReader {
 public:
  FileReader(Config& config, std::vector<Problem>& problems) : config_(config), problems_(problems) {}

  void read(const toml::table& root) {
    for (const auto& [name, node] : root) {
      const std::string_view section = name.str();
      if (section == standard_webhooks) {
        read_standard_webhooks(name, node);
      } else if (!is_section(section)) {
        report(name.source(), std::string(node.is_table() ? "unknown section '" : "unknown key '") +
                                  std::string(section) + "'");
      } else if (const toml::table* table = node.as_table()) {
        read_section(section, *table);
      } else {
        report(node.source(), std::string(section) + ": expected a table ([" + std::string(section) +
                                  "]), got " + describe(node, false));
      }
    }
  }

 private:
  void read_section(std::string_view section, const toml::table& table) {
    for (const auto& [name, node] : table) {
      const std::string path = std::string(section) + "." + std::string(name.str());
      const Key* key = find_key(section, name.str());
      if (key == nullptr) {
        report(name.source(), "unknown key '" + path + "'");
        continue;
      }
      const auto value = read_value(node, key->kind);
      if (!value || !key->store(config_, *value)) {
        report(node.source(), path + ": expected " + key->expected + ", got " + describe(node, key->secret));
      }
    }
  }

  // [standard_webhooks.<source>] secret = "whsec_…"
  void read_standard_webhooks(const toml::key& name, const toml::node& node) {
    const toml::table* sources = node.as_table();
    if (sources == nullptr) {
      report(name.source(), "standard_webhooks: expected tables [standard_webhooks.<source>], got " +
                                describe(node, false));
      return;
    }
    for (const auto& [source_key, source_node] : *sources) {
      const std::string source(source_key.str());
      const std::string path = "standard_webhooks." + source;
      if (!valid_source_name(source)) {
        report(source_key.source(),
               path + ": expected " + std::string(source_name_expected) + ", got " + quoted(source));
        continue;
      }
      const toml::table* table = source_node.as_table();
      if (table == nullptr) {
        report(source_node.source(), path + ": expected a table with secret = \"whsec_...\", got " +
                                         describe(source_node, true));
        continue;
      }
      read_standard_source(source, *table);
    }
  }

  void read_standard_source(const std::string& source, const toml::table& table) {
    const std::string path = "standard_webhooks." + source;
    for (const auto& [key, node] : table) {
      if (key.str() != "secret") {
        report(key.source(), "unknown key '" + path + "." + std::string(key.str()) + "'");
      }
    }
    const toml::node* secret = table.get("secret");
    if (secret == nullptr) {
      report(table.source(), path + ".secret: missing; expected " + std::string(standard_secret_expected));
      return;
    }
    const auto* text = secret->as_string();
    if (text == nullptr || !valid_standard_secret(text->get())) {
      report(secret->source(), path + ".secret: expected " + std::string(standard_secret_expected) +
                                   ", got " + describe(*secret, true));
      return;
    }
    config_.gateways.standard_webhooks[source] = Secret(text->get());
  }

  static std::optional<Value> read_value(const toml::node& node, Kind kind) {
    switch (kind) {
      case Kind::string:
        if (const auto* s = node.as_string()) return value_of<std::string>(s->get());
        break;
      case Kind::integer:
        if (const auto* n = node.as_integer()) return value_of<std::int64_t>(n->get());
        break;
      case Kind::boolean:
        if (const auto* b = node.as_boolean()) return value_of<bool>(b->get());
        break;
      case Kind::integer_list:
        if (const auto* array = node.as_array()) {
          std::vector<std::int64_t> list;
          for (const toml::node& element : *array) {
            const auto* n = element.as_integer();
            if (n == nullptr) return std::nullopt;
            list.push_back(n->get());
          }
          return value_of<std::vector<std::int64_t>>(std::move(list));
        }
        break;
    }
    return std::nullopt;
  }

  // The offending value as written ("abc", 1.5, [1, 'x']), or only its type for a secret.
  static std::string describe(const toml::node& node, bool secret) {
    if (node.is_table()) return "a table";
    if (secret) return node.is_string() ? std::string(hidden_secret) : type_name(node.type());
    if (const auto* s = node.as_string()) return quoted(s->get());
    std::ostringstream out;
    node.visit([&](const auto& n) { out << n; });
    std::string text = out.str();
    constexpr std::size_t longest = 60;
    if (text.size() > longest) text = text.substr(0, longest) + "...";
    return text;
  }

  static std::string type_name(toml::node_type type) {
    switch (type) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      default: return "a date or time";
    }
  }

  void report(const toml::source_region& where, std::string message) {
    problems_.push_back({where.begin, std::move(message)});
  }

  Config& config_;
  std::vector<Problem>& problems_;
};

std::string at(std::string_view source_name, const toml::source_position& where) {
  return std::string(source_name) + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

Result<toml::table> parse_toml(std::string_view text, std::string_view source_name) {
  const auto syntax_error = [&](const toml::parse_error& e) {
    return Error{Errc::invalid_argument,
                 at(source_name, e.source().begin) + ": invalid TOML: " + std::string(e.description())};
  };
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return syntax_error(e);
  }
#else
  toml::parse_result parsed = toml::parse(text, source_name);
  if (!parsed) return syntax_error(parsed.error());
  return std::move(parsed).table();
#endif
}

Result<Config> parse(std::string_view toml_text, const EnvLookup& env, std::string_view source_name,
                     const std::vector<std::string>* env_names) {
  auto root = parse_toml(toml_text, source_name);
  if (!root) return root.error();

  Config config;
  std::vector<Problem> problems;
  FileReader(config, problems).read(*root);
  // toml::table iterates its keys sorted; report in the file's order instead.
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
  });
  std::vector<std::string> errors;
  for (const Problem& p : problems) errors.push_back(at(source_name, p.at) + ": " + p.message);
  apply_env(config, env, env_names, errors);

  if (errors.empty()) return config;
  std::string message;
  for (const std::string& e : errors) message += (message.empty() ? "" : "; ") + e;
  return Error{Errc::invalid_argument, std::move(message)};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{Errc::invalid_argument, "cannot read config file " + path + ": " + std::strerror(errno)};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{Errc::invalid_argument, "cannot read config file " + path};
  return text.str();
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, const EnvLookup& env, std::string_view source_name) {
  return parse(toml_text, env, source_name, nullptr);
}

Result<Config> parse_config(std::string_view toml_text, const EnvLookup& env, std::string_view source_name,
                            const std::vector<std::string>& env_names) {
  return parse(toml_text, env, source_name, &env_names);
}

Result<Config> load_config(const std::string& path, const EnvLookup& env) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_config(*text, env, path);
}

Result<Config> load_config(const std::string& path, const EnvLookup& env,
                           const std::vector<std::string>& env_names) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_config(*text, env, path, env_names);
}

}  // namespace bitacora::app
