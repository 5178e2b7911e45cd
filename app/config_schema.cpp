#include "app/config_schema.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <map>
#include <utility>

#include "support/crypto.hpp"

namespace bitacora::app::config_detail {
namespace {

// Each factory below makes the type, the expectation, the store and the show of one kind of key;
// `get` is a lambda returning a reference to the field in Config (a mutable one, for store: show
// casts const away to reuse it, and only reads).

template <class Get>
Key between(std::string_view section, std::string_view name, Get get, std::int64_t low,
            std::int64_t high, std::string expected) {
  return {section, name, Kind::integer, std::move(expected), false,
          [get, low, high](Config& c, const Value& v) {
            auto& field = get(c);
            const std::int64_t n = std::get<std::int64_t>(v);
            if (n < low || n > high || !std::in_range<std::remove_reference_t<decltype(field)>>(n)) {
              return false;
            }
            field = static_cast<std::remove_reference_t<decltype(field)>>(n);
            return true;
          },
          [get](const Config& c) { return std::to_string(get(const_cast<Config&>(c))); }};
}

template <class Get>
Key positive(std::string_view section, std::string_view name, Get get) {
  return between(section, name, get, 1, std::numeric_limits<std::int64_t>::max(), "a positive integer");
}

template <class Get>
Key flag(std::string_view section, std::string_view name, Get get) {
  return {section, name, Kind::boolean, "true or false", false,
          [get](Config& c, const Value& v) {
            get(c) = std::get<bool>(v);
            return true;
          },
          [get](const Config& c) { return std::string(get(const_cast<Config&>(c)) ? "true" : "false"); }};
}

// A string accepted when `valid` says so.
template <class Get, class Valid>
Key text(std::string_view section, std::string_view name, Get get, std::string expected, Valid valid) {
  return {section, name, Kind::string, std::move(expected), false,
          [get, valid](Config& c, const Value& v) {
            const auto& s = std::get<std::string>(v);
            if (!valid(s)) return false;
            get(c) = s;
            return true;
          },
          [get](const Config& c) { return quoted(get(const_cast<Config&>(c))); }};
}

// Any string, kept as a Secret; empty means "not configured".
template <class Get>
Key secret(std::string_view section, std::string_view name, Get get) {
  return {section, name, Kind::string, "a string", true,
          [get](Config& c, const Value& v) {
            get(c) = Secret(std::get<std::string>(v));
            return true;
          },
          [get](const Config& c) { return quoted(get(const_cast<Config&>(c)).reveal()); }};
}

bool non_empty(std::string_view s) { return !s.empty(); }

std::string string_array(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const auto& item : list) out += (out.size() > 1 ? ", " : "") + quoted(item);
  return out + "]";
}

// http(s)://, then visible ASCII without '?' or '#': gateway API paths are appended to it.
bool is_url(std::string_view s) {
  const auto after = [&](std::string_view scheme) {
    return s.starts_with(scheme) && s.size() > scheme.size();
  };
  return (after("http://") || after("https://")) &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '?' && c != '#'; });
}

bool is_log_level(std::string_view s) {
  constexpr std::array levels{"trace", "debug", "info", "warn", "error", "off"};
  return std::find(levels.begin(), levels.end(), s) != levels.end();
}

// "host:port", port 0..65535; an IPv6 host is bracketed ("[::1]:8080") and stored without brackets.
std::optional<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view s) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = s.substr(0, colon);
  const std::string_view port_text = s.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    return std::nullopt;
  }
  if (host.empty() || host.find_first_of(" \t/") != std::string_view::npos) return std::nullopt;
  if (port_text.empty() || port_text.size() > 5) return std::nullopt;
  unsigned port = 0;
  const char* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (ec != std::errc{} || ptr != end || port > 65535) return std::nullopt;
  return std::pair{std::string(host), static_cast<std::uint16_t>(port)};
}

// A JWT claim's name: [A-Za-z0-9_:.-], 1 to 64 characters.
bool is_claim_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == ':' ||
           ch == '.' || ch == '-';
  });
}

// 1 to 256 visible ASCII characters (an issuer or audience is compared as written).
bool is_visible_text(std::string_view s) {
  return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; });
}

// "*" or scheme://host[:port] as a browser sends it in Origin: http(s), no path, no trailing slash.
bool is_origin(std::string_view s) {
  if (s == "*") return true;
  std::string_view rest;
  if (s.starts_with("http://")) rest = s.substr(7);
  else if (s.starts_with("https://")) rest = s.substr(8);
  else return false;
  return !rest.empty() && rest.size() <= 253 + 6 && std::all_of(rest.begin(), rest.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']';
  });
}

Key cors_origins() {
  return {"http", "cors_origins", Kind::string_list,
          "an array of at most 100 origins such as \"https://shop.example\" (lower case, no path) or \"*\"", false,
          [](Config& c, const Value& v) {
            const auto& list = std::get<std::vector<std::string>>(v);
            if (list.size() > 100 || !std::all_of(list.begin(), list.end(), [](const std::string& o) { return is_origin(o); }))
              return false;
            c.http.cors_origins = list;
            return true;
          },
          [](const Config& c) { return string_array(c.http.cors_origins); }};
}

// "sku:N": a product's own stock-low threshold (the sku as the catalog takes it, N ≥ 0).
Key stock_low_overrides() {
  return {"notifications", "stock_low_overrides", Kind::string_list,
          "an array of at most 10000 \"<sku>:<threshold>\" strings, e.g. [\"sku-1:10\"]", false,
          [](Config& c, const Value& v) {
            const auto& list = std::get<std::vector<std::string>>(v);
            if (list.size() > 10'000) return false;
            std::map<std::string, std::int64_t, std::less<>> out;
            for (const auto& item : list) {
              const auto colon = item.rfind(':');
              if (colon == std::string::npos || colon == 0 || colon > 128) return false;
              std::int64_t n = 0;
              const char* end = item.data() + item.size();
              const auto [ptr, ec] = std::from_chars(item.data() + colon + 1, end, n);
              if (ec != std::errc{} || ptr != end || n < 0 || colon + 1 == item.size()) return false;
              out[item.substr(0, colon)] = n;
            }
            c.notifications.stock_low.per_sku = std::move(out);
            return true;
          },
          [](const Config& c) {
            std::vector<std::string> list;
            for (const auto& [sku, n] : c.notifications.stock_low.per_sku) list.push_back(sku + ":" + std::to_string(n));
            return string_array(list);
          }};
}

Key listen() {
  return {"server", "listen", Kind::string, "\"host:port\" with a port from 0 to 65535", false,
          [](Config& c, const Value& v) {
            auto parsed = parse_listen(std::get<std::string>(v));
            if (!parsed) return false;
            c.server.host = std::move(parsed->first);
            c.server.port = parsed->second;
            return true;
          },
          [](const Config& c) {
            const bool v6 = c.server.host.find(':') != std::string::npos;
            return quoted((v6 ? "[" + c.server.host + "]" : c.server.host) + ":" + std::to_string(c.server.port));
          }};
}

constexpr std::size_t max_retries = 20;

Key retry_schedule() {
  return {"retries", "schedule_seconds", Kind::integer_list,
          "a non-empty array of at most 20 positive integers", false, [](Config& c, const Value& v) {
            const auto& list = std::get<std::vector<std::int64_t>>(v);
            if (list.empty() || list.size() > max_retries) return false;
            std::vector<int> schedule;
            for (const std::int64_t n : list) {
              if (n < 1 || !std::in_range<int>(n)) return false;
              schedule.push_back(static_cast<int>(n));
            }
            c.retries.schedule_seconds = std::move(schedule);
            return true;
          },
          [](const Config& c) {
            std::string out = "[";
            for (const int n : c.retries.schedule_seconds) out += (out.size() > 1 ? ", " : "") + std::to_string(n);
            return out + "]";
          }};
}

std::vector<Key> make_keys() {
  return {
      listen(),
      positive("server", "max_body_bytes", [](Config& c) -> auto& { return c.server.max_body_bytes; }),
      positive("server", "max_header_bytes", [](Config& c) -> auto& { return c.server.max_header_bytes; }),
      positive("server", "max_connections", [](Config& c) -> auto& { return c.server.max_connections; }),
      between("server", "max_connections_per_address",
              [](Config& c) -> auto& { return c.server.max_connections_per_address; }, 0, 1'000'000,
              "an integer from 0 (no limit) to 1000000"),
      positive("server", "first_byte_timeout_seconds",
               [](Config& c) -> auto& { return c.server.first_byte_timeout_seconds; }),
      positive("server", "idle_timeout_seconds",
               [](Config& c) -> auto& { return c.server.idle_timeout_seconds; }),
      positive("server", "read_timeout_seconds",
               [](Config& c) -> auto& { return c.server.read_timeout_seconds; }),
      positive("server", "shutdown_grace_seconds",
               [](Config& c) -> auto& { return c.server.shutdown_grace_seconds; }),
      between("server", "threads", [](Config& c) -> auto& { return c.server.threads; }, 1, 64,
              "an integer from 1 to 64"),

      text("storage", "dir", [](Config& c) -> auto& { return c.storage.dir; }, "a non-empty string",
           non_empty),
      positive("storage", "quarantine_max_events",
               [](Config& c) -> auto& { return c.storage.quarantine_max_events; }),
      positive("storage", "quarantine_max_body_bytes",
               [](Config& c) -> auto& { return c.storage.quarantine_max_body_bytes; }),
      positive("storage", "max_batch_requests",
               [](Config& c) -> auto& { return c.storage.max_batch_requests; }),
      flag("storage", "sync", [](Config& c) -> auto& { return c.storage.sync; }),

      secret("auth", "jwt_secret", [](Config& c) -> auto& { return c.auth.jwt_secret; }),
      secret("auth", "admin_token", [](Config& c) -> auto& { return c.auth.admin_token; }),
      text("auth", "user_claim", [](Config& c) -> auto& { return c.auth.jwt.user_claim; },
           "a claim name of 1 to 64 characters A-Z a-z 0-9 _ : . -", is_claim_name),
      text("auth", "issuer", [](Config& c) -> auto& { return c.auth.jwt.issuer; },
           "1 to 256 visible ASCII characters", is_visible_text),
      text("auth", "audience", [](Config& c) -> auto& { return c.auth.jwt.audience; },
           "1 to 256 visible ASCII characters", is_visible_text),

      cors_origins(),
      flag("http", "serve_demo", [](Config& c) -> auto& { return c.http.serve_demo; }),
      between("http", "idempotency_ttl_seconds", [](Config& c) -> auto& { return c.http.idempotency_ttl_seconds; }, 60,
              30 * 86'400, "an integer from 60 to 2592000 (30 days)"),

      secret("wompi", "events_secret", [](Config& c) -> auto& { return c.gateways.wompi.events_secret; }),
      secret("wompi", "integrity_secret",
             [](Config& c) -> auto& { return c.gateways.wompi.integrity_secret; }),
      text("wompi", "api_base", [](Config& c) -> auto& { return c.gateways.wompi.api_base; },
           "a URL starting with http:// or https:// (no spaces, no ? or #)", is_url),

      secret("mercadopago", "webhook_secret",
             [](Config& c) -> auto& { return c.gateways.mercadopago.webhook_secret; }),
      secret("mercadopago", "access_token",
             [](Config& c) -> auto& { return c.gateways.mercadopago.access_token; }),
      text("mercadopago", "api_base", [](Config& c) -> auto& { return c.gateways.mercadopago.api_base; },
           "a URL starting with http:// or https:// (no spaces, no ? or #)", is_url),
      flag("mercadopago", "allow_ipn", [](Config& c) -> auto& { return c.gateways.mercadopago.allow_ipn; }),

      secret("stripe", "webhook_secret", [](Config& c) -> auto& { return c.gateways.stripe.webhook_secret; }),

      positive("webhooks", "signature_tolerance_seconds",
               [](Config& c) -> auto& { return c.gateways.signature_tolerance_seconds; }),
      between("webhooks", "api_timeout_seconds", [](Config& c) -> auto& { return c.gateways.api_timeout_seconds; }, 1, 120,
              "an integer from 1 to 120"),
      text("webhooks", "api_ca_file", [](Config& c) -> auto& { return c.gateways.api_ca_file; },
           "a path to a PEM file of certificate authorities", non_empty),

      positive("reservations", "ttl_seconds", [](Config& c) -> auto& { return c.reservations.ttl_seconds; }),
      retry_schedule(),
      between("snapshots", "every_events", [](Config& c) -> auto& { return c.snapshots.every_events; }, 0, 1'000'000,
              "an integer from 0 (no snapshots) to 1000000"),
      between("actors", "idle_seconds", [](Config& c) -> auto& { return c.actors.idle_seconds; }, 1, 86'400,
              "an integer from 1 to 86400"),
      between("actors", "max_alive", [](Config& c) -> auto& { return c.actors.max_alive; }, 1000, 100'000'000,
              "an integer from 1000 to 100000000"),
      text("log", "level", [](Config& c) -> auto& { return c.log.level; },
           "one of trace, debug, info, warn, error, off", is_log_level),
      text("log", "format", [](Config& c) -> auto& { return c.log.format; }, "text or json",
           [](std::string_view s) { return s == "text" || s == "json"; }),
      flag("log", "access", [](Config& c) -> auto& { return c.log.access; }),

      between("notifications", "stock_low_threshold",
              [](Config& c) -> auto& { return c.notifications.stock_low.default_threshold; }, 0, 1'000'000'000,
              "an integer from 0 to 1000000000"),
      stock_low_overrides(),
  };
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return out;
}

}  // namespace

const std::vector<Key>& keys() {
  static const std::vector<Key> all = make_keys();
  return all;
}

const Key* find_key(std::string_view section, std::string_view name) {
  for (const Key& key : keys()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

bool is_section(std::string_view section) {
  return std::any_of(keys().begin(), keys().end(), [&](const Key& k) { return k.section == section; });
}

std::string env_name(const Key& key) {
  return "BITACORA_" + upper(key.section) + "_" + upper(key.name);
}

bool valid_source_name(std::string_view source) {
  // A source's name is its dedupe keys' namespace ("acme:<webhook-id>"), so it may be no other
  // gateway's, nor "checkout" (checkout's Idempotency-Keys share the dedupe table).
  constexpr std::array reserved{"wompi", "mercadopago", "mp", "stripe", "standard", "checkout"};
  if (source.empty() || source.size() > 64) return false;
  if (std::find(reserved.begin(), reserved.end(), source) != reserved.end()) return false;
  return std::all_of(source.begin(), source.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

// The same rule the Standard Webhooks verifier applies (http/gateways/detail.cpp), checked at start
// so a bad secret stops the server instead of failing every delivery.
bool valid_standard_secret(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (!secret.starts_with(prefix)) return false;
  const auto key = crypto::base64_decode(secret.substr(prefix.size()));
  return key && !key->empty();
}

bool valid_operator_name(std::string_view name) {
  // "admin" is the admin token's operator; "owner" is what a shopper's own cancellation records.
  if (name.empty() || name.size() > 64 || name == "admin" || name == "owner") return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

bool valid_token_sha256(std::string_view hex) {
  return hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
         });
}

std::string lower_hex(std::string_view hex) {
  std::string out(hex);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

std::string standard_env_name(std::string_view source) {
  return "BITACORA_STANDARD_WEBHOOKS_" + upper(source) + "_SECRET";
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

}  // namespace bitacora::app::config_detail
