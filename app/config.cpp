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
  FileReader(Config& config, const EnvLookup& env, std::vector<Problem>& problems)
      : config_(config), env_(env), problems_(problems) {}

  void read(const toml::table& root) {
    for (const auto& [name, node] : root) {
      const std::string_view section = name.str();
      if (section == standard_webhooks) {
        read_standard_webhooks(name, node);
      } else if (section == operators) {
        read_operators(name, node);
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
        if (const Key* secret = secret_of_file_key(section, name.str())) {
          if (table.contains(secret->name)) {
            report(name.source(), path + ": set " + std::string(secret->name) + " or " + std::string(name.str()) + ", not both");
          } else if (auto text = secret_from_file(node, path)) {
            secret->store(config_, Value(std::in_place_type<std::string>, std::move(*text)));
          }
          continue;
        }
        report(name.source(), "unknown key '" + path + "'");
        continue;
      }
      const auto value = read_value(node, key->kind);
      if (!value || !key->store(config_, *value)) {
        report(node.source(), path + ": expected " + key->expected + ", got " + describe(node, key->secret));
      }
    }
  }

  // The secret key that `name` ("<key>_file") gives from a file, if it is one.
  static const Key* secret_of_file_key(std::string_view section, std::string_view name) {
    if (!name.ends_with(file_suffix)) return nullptr;
    const Key* key = find_key(section, name.substr(0, name.size() - file_suffix.size()));
    return key != nullptr && key->secret ? key : nullptr;
  }

  // A <key>_file value: the secret the file holds, or nullopt after reporting why not.
  std::optional<std::string> secret_from_file(const toml::node& node, const std::string& path) {
    const auto* file = node.as_string();
    if (file == nullptr || file->get().empty()) {
      report(node.source(), path + ": expected the path of a file holding the secret, got " + describe(node, false));
      return std::nullopt;
    }
    auto secret = read_secret_file(file->get(), env_);
    if (!secret) {
      report(node.source(), path + ": " + secret.error().message);
      return std::nullopt;
    }
    return std::move(*secret);
  }

  // A section of named tables with one key each: [<section>.<name>] <key> = "<value>" (or, for a
  // secret, <key>_file = "<path>").
  struct NamedTables {
    std::string_view section;
    bool (*valid_name)(std::string_view);
    std::string_view name_expected;
    std::string_view key;
    bool (*valid_value)(std::string_view);
    std::string_view value_expected;
    bool secret;  // never echo the value
  };

  template <class Store>
  void read_named_tables(const NamedTables& t, const toml::key& name, const toml::node& node, Store store) {
    const std::string section(t.section);
    const toml::table* tables = node.as_table();
    if (tables == nullptr) {
      report(name.source(), section + ": expected tables [" + section + ".<name>], got " + describe(node, false));
      return;
    }
    for (const auto& [entry_key, entry_node] : *tables) {
      const std::string entry(entry_key.str());
      const std::string path = section + "." + entry;
      if (!t.valid_name(entry)) {
        report(entry_key.source(), path + ": expected " + std::string(t.name_expected) + ", got " + quoted(entry));
        continue;
      }
      const toml::table* table = entry_node.as_table();
      if (table == nullptr) {
        report(entry_node.source(), path + ": expected a table with " + std::string(t.key) + " = " +
                                        std::string(t.value_expected) + ", got " + describe(entry_node, t.secret));
        continue;
      }
      const std::string file_key = std::string(t.key) + std::string(file_suffix);
      for (const auto& [key, value] : *table) {
        if (key.str() != t.key && !(t.secret && key.str() == file_key))
          report(key.source(), "unknown key '" + path + "." + std::string(key.str()) + "'");
      }
      const std::string value_path = path + "." + std::string(t.key);
      const toml::node* value = table->get(t.key);
      const toml::node* file = t.secret ? table->get(file_key) : nullptr;
      if (value != nullptr && file != nullptr) {
        report(file->source(), path + ": set " + std::string(t.key) + " or " + file_key + ", not both");
        continue;
      }
      if (file != nullptr) {
        auto text = secret_from_file(*file, path + "." + file_key);
        if (!text) continue;
        if (!t.valid_value(*text)) {
          report(file->source(), path + "." + file_key + ": the file holds " + std::string(hidden_secret) + ", expected " +
                                     std::string(t.value_expected));
          continue;
        }
        store(entry, *text);
        continue;
      }
      if (value == nullptr) {
        report(table->source(), value_path + ": missing; expected " + std::string(t.value_expected));
        continue;
      }
      const auto* text = value->as_string();
      if (text == nullptr || !t.valid_value(text->get())) {
        report(value->source(), value_path + ": expected " + std::string(t.value_expected) + ", got " + describe(*value, t.secret));
        continue;
      }
      store(entry, text->get());
    }
  }

  // [standard_webhooks.<source>] secret = "whsec_…"
  void read_standard_webhooks(const toml::key& name, const toml::node& node) {
    const NamedTables t{standard_webhooks, valid_source_name, source_name_expected, "secret", valid_standard_secret,
                        standard_secret_expected, true};
    read_named_tables(t, name, node, [this](const std::string& source, const std::string& secret) {
      config_.gateways.standard_webhooks[source] = Secret(secret);
    });
  }

  // [operators.<name>] token_sha256 = "<64 hex digits>"
  void read_operators(const toml::key& name, const toml::node& node) {
    const NamedTables t{operators, valid_operator_name, operator_name_expected, "token_sha256", valid_token_sha256,
                        token_sha256_expected, false};
    read_named_tables(t, name, node, [this](const std::string& op, const std::string& hash) {
      config_.auth.operators.push_back({op, lower_hex(hash)});
    });
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
      case Kind::string_list:
        if (const auto* array = node.as_array()) {
          std::vector<std::string> list;
          for (const toml::node& element : *array) {
            const auto* s = element.as_string();
            if (s == nullptr) return std::nullopt;
            list.push_back(s->get());
          }
          return value_of<std::vector<std::string>>(std::move(list));
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
  const EnvLookup& env_;
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
  FileReader(config, env, problems).read(*root);
  // toml::table iterates its keys sorted; report in the file's order instead.
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
  });
  std::vector<std::string> errors;
  for (const Problem& p : problems) errors.push_back(at(source_name, p.at) + ": " + p.message);
  apply_env(config, env, env_names, errors);
  apply_credentials(config, env, errors);

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
