#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "tests/app/config_env.hpp"

using bitacora::Errc;
using bitacora::app::Config;
using bitacora::app::EnvLookup;
using bitacora::app::load_config;
using bitacora::app::parse_config;
using Catch::Matchers::Contains;

namespace {

using bitacora::testing::env_of;
using bitacora::testing::parse_with;
using bitacora::testing::Vars;

const EnvLookup no_env = env_of({});

// The message of a parse expected to fail, after checking it failed as invalid_argument.
std::string error_of(const bitacora::Result<Config>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == Errc::invalid_argument);
  return result.error().message;
}

std::string error_of_toml(std::string_view toml) { return error_of(parse_config(toml, no_env, "test.toml")); }

constexpr std::string_view acme_secret = "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0";

}  // namespace

TEST_CASE("empty text gives the documented defaults", "[config]") {
  const auto config = parse_config("", no_env);
  REQUIRE(config.ok());
  const Config defaults;
  CHECK(config->server.host == "127.0.0.1");
  CHECK(config->server.port == 8080);
  CHECK(config->server.max_body_bytes == defaults.server.max_body_bytes);
  CHECK(config->server.threads == 1);
  CHECK(config->storage.dir == "./data");
  CHECK(config->storage.sync);
  CHECK(config->auth.jwt_secret.empty());
  CHECK(config->gateways.wompi.api_base == "https://production.wompi.co/v1");
  CHECK(config->gateways.mercadopago.api_base == "https://api.mercadopago.com");
  CHECK_FALSE(config->gateways.mercadopago.allow_ipn);
  CHECK(config->gateways.standard_webhooks.empty());
  CHECK(config->gateways.signature_tolerance_seconds == 300);
  CHECK(config->gateways.api_ca_file.empty());
  CHECK(config->reservations.ttl_seconds == 900);
  CHECK(config->retries.schedule_seconds == std::vector<int>{60, 300, 900});
  CHECK(config->log.level == "info");
}

TEST_CASE("the example of API.md section 7 parses", "[config]") {
  const auto config = parse_config(R"(
[server]
listen = "127.0.0.1:8080"
max_body_bytes = 1048576

[storage]
dir = "./data"

[auth]
jwt_secret = "jwt"
admin_token = "admin"

[wompi]
events_secret = "events"
integrity_secret = "integrity"

[mercadopago]
webhook_secret = "mp-hook"
access_token = "mp-token"
api_base = "https://api.mercadopago.com"

[stripe]
webhook_secret = "whsec_stripe"

[standard_webhooks.acme]
secret = "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0"

[reservations]
ttl_seconds = 900

[retries]
schedule_seconds = [60, 300, 900]   # waits after failed attempts; attempts = len + 1
)",
                                   no_env);
  REQUIRE(config.ok());
  CHECK(config->server.max_body_bytes == 1048576);
  CHECK(config->auth.jwt_secret.reveal() == "jwt");
  CHECK(config->auth.admin_token.reveal() == "admin");
  CHECK(config->gateways.wompi.events_secret.reveal() == "events");
  CHECK(config->gateways.wompi.integrity_secret.reveal() == "integrity");
  CHECK(config->gateways.mercadopago.webhook_secret.reveal() == "mp-hook");
  CHECK(config->gateways.mercadopago.access_token.reveal() == "mp-token");
  CHECK(config->gateways.stripe.webhook_secret.reveal() == "whsec_stripe");
  REQUIRE(config->gateways.standard_webhooks.count("acme") == 1);
  CHECK(config->gateways.standard_webhooks.at("acme").reveal() == acme_secret);
}

TEST_CASE("every other key is read from the file", "[config]") {
  const auto config = parse_config(R"(
server.listen = "0.0.0.0:0"
server.max_header_bytes = 8192
server.max_connections = 10
server.idle_timeout_seconds = 5
server.read_timeout_seconds = 6
server.shutdown_grace_seconds = 7
server.threads = 64
storage.quarantine_max_events = 11
storage.quarantine_max_body_bytes = 12
storage.max_batch_requests = 13
storage.sync = false
wompi.api_base = "http://127.0.0.1:9000"
mercadopago.allow_ipn = true
webhooks.signature_tolerance_seconds = 30
webhooks.api_ca_file = "/etc/bitacora/proxy-ca.pem"
reservations.ttl_seconds = 2
retries.schedule_seconds = [1]
log.level = "off"
)",
                                   no_env);
  REQUIRE(config.ok());
  CHECK(config->server.host == "0.0.0.0");
  CHECK(config->server.port == 0);
  CHECK(config->server.max_header_bytes == 8192);
  CHECK(config->server.max_connections == 10);
  CHECK(config->server.idle_timeout_seconds == 5);
  CHECK(config->server.read_timeout_seconds == 6);
  CHECK(config->server.shutdown_grace_seconds == 7);
  CHECK(config->server.threads == 64);
  CHECK(config->storage.quarantine_max_events == 11);
  CHECK(config->storage.quarantine_max_body_bytes == 12);
  CHECK(config->storage.max_batch_requests == 13);
  CHECK_FALSE(config->storage.sync);
  CHECK(config->gateways.wompi.api_base == "http://127.0.0.1:9000");
  CHECK(config->gateways.mercadopago.allow_ipn);
  CHECK(config->gateways.signature_tolerance_seconds == 30);
  CHECK(config->gateways.api_ca_file == "/etc/bitacora/proxy-ca.pem");
  CHECK(config->reservations.ttl_seconds == 2);
  CHECK(config->retries.schedule_seconds == std::vector<int>{1});
  CHECK(config->log.level == "off");
}

TEST_CASE("an environment variable overrides the file", "[config]") {
  const std::string toml = R"(
[server]
listen = "127.0.0.1:8080"
max_body_bytes = 100
[storage]
dir = "/from/file"
sync = true
[wompi]
events_secret = "from-file"
[retries]
schedule_seconds = [60]
)";
  const auto config = parse_with(toml, {{"BITACORA_SERVER_LISTEN", "0.0.0.0:9090"},
                                        {"BITACORA_SERVER_MAX_BODY_BYTES", "2048"},
                                        {"BITACORA_STORAGE_DIR", "/from/env"},
                                        {"BITACORA_STORAGE_SYNC", "false"},
                                        {"BITACORA_WOMPI_EVENTS_SECRET", "from-env"},
                                        {"BITACORA_RETRIES_SCHEDULE_SECONDS", "1,1"},
                                        {"BITACORA_LOG_LEVEL", "debug"}});
  REQUIRE(config.ok());
  CHECK(config->server.host == "0.0.0.0");
  CHECK(config->server.port == 9090);
  CHECK(config->server.max_body_bytes == 2048);
  CHECK(config->storage.dir == "/from/env");
  CHECK_FALSE(config->storage.sync);
  CHECK(config->gateways.wompi.events_secret.reveal() == "from-env");
  CHECK(config->retries.schedule_seconds == std::vector<int>{1, 1});
  CHECK(config->log.level == "debug");
}

TEST_CASE("environment values are parsed to the key's type in every accepted spelling", "[config]") {
  const auto schedule = [](const std::string& text) {
    const auto config = parse_config("", env_of({{"BITACORA_RETRIES_SCHEDULE_SECONDS", text}}));
    REQUIRE(config.ok());
    return config->retries.schedule_seconds;
  };
  CHECK(schedule("[1, 1]") == std::vector<int>{1, 1});
  CHECK(schedule("5") == std::vector<int>{5});
  CHECK(schedule(" 2 ,3,4 ") == std::vector<int>{2, 3, 4});

  const auto sync = [](const std::string& text) {
    const auto config = parse_config("", env_of({{"BITACORA_STORAGE_SYNC", text}}));
    REQUIRE(config.ok());
    return config->storage.sync;
  };
  CHECK_FALSE(sync("0"));
  CHECK(sync("1"));
  CHECK_FALSE(sync("FALSE"));
  CHECK(sync("true"));

  const auto config = parse_config("", env_of({{"BITACORA_WEBHOOKS_SIGNATURE_TOLERANCE_SECONDS", "60"},
                                               {"BITACORA_MERCADOPAGO_API_BASE", "http://127.0.0.1:1"},
                                               {"BITACORA_AUTH_ADMIN_TOKEN", "t"}}));
  REQUIRE(config.ok());
  CHECK(config->gateways.signature_tolerance_seconds == 60);
  CHECK(config->gateways.mercadopago.api_base == "http://127.0.0.1:1");
  CHECK(config->auth.admin_token.reveal() == "t");
}

TEST_CASE("a bad environment value is an error naming the variable", "[config]") {
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_SERVER_MAX_BODY_BYTES", "abc"}}))),
             Contains("BITACORA_SERVER_MAX_BODY_BYTES") && Contains("positive integer") && Contains("\"abc\""));
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_STORAGE_SYNC", "yes"}}))),
             Contains("BITACORA_STORAGE_SYNC") && Contains("true or false"));
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_RETRIES_SCHEDULE_SECONDS", "1,,2"}}))),
             Contains("BITACORA_RETRIES_SCHEDULE_SECONDS"));
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_RETRIES_SCHEDULE_SECONDS", "1,"}}))),
             Contains("BITACORA_RETRIES_SCHEDULE_SECONDS"));
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_SERVER_LISTEN", "nohost"}}))),
             Contains("BITACORA_SERVER_LISTEN"));
}

TEST_CASE("an unknown key or section is an error naming it", "[config]") {
  CHECK_THAT(error_of_toml("[server]\nlistn = \"127.0.0.1:1\"\n"), Contains("unknown key 'server.listn'"));
  CHECK_THAT(error_of_toml("[srever]\nlisten = \"127.0.0.1:1\"\n"), Contains("unknown section 'srever'"));
  CHECK_THAT(error_of_toml("listen = \"127.0.0.1:1\"\n"), Contains("unknown key 'listen'"));
  CHECK_THAT(error_of_toml("[standard_webhooks.acme]\nsecret = \"whsec_YWJj\"\nsecert = 1\n"),
             Contains("unknown key 'standard_webhooks.acme.secert'"));
}

TEST_CASE("every bad key is reported, in the order of the file, with its line", "[config]") {
  const std::string message = error_of_toml("[server]\nthreads = 0\nlistn = 1\n[log]\nlevel = \"loud\"\n");
  CHECK_THAT(message, Contains("test.toml:2:11: server.threads: expected an integer from 1 to 64, got 0"));
  CHECK_THAT(message, Contains("test.toml:3:1: unknown key 'server.listn'"));
  CHECK_THAT(message, Contains("test.toml:5:9: log.level"));
  CHECK(message.find("server.threads") < message.find("server.listn"));
  CHECK(message.find("server.listn") < message.find("log.level"));
}

TEST_CASE("a value of the wrong type is an error naming the key and what was expected", "[config]") {
  CHECK_THAT(error_of_toml("[server]\nmax_body_bytes = \"abc\"\n"),
             Contains("server.max_body_bytes: expected a positive integer, got \"abc\""));
  CHECK_THAT(error_of_toml("[server]\nlisten = 8080\n"), Contains("server.listen: expected \"host:port\""));
  CHECK_THAT(error_of_toml("[storage]\nsync = \"no\"\n"), Contains("storage.sync: expected true or false"));
  CHECK_THAT(error_of_toml("[reservations]\nttl_seconds = 1.5\n"),
             Contains("reservations.ttl_seconds: expected a positive integer, got 1.5"));
  CHECK_THAT(error_of_toml("server = 1\n"), Contains("server: expected a table"));
  CHECK_THAT(error_of_toml("[storage]\ndir = \"\"\n"), Contains("storage.dir: expected a non-empty string"));
  CHECK_THAT(error_of_toml("[server]\nidle_timeout_seconds = 3000000000\n"),
             Contains("server.idle_timeout_seconds"));
  CHECK_THAT(error_of_toml("[mercadopago]\napi_base = \"api.mercadopago.com\"\n"),
             Contains("mercadopago.api_base: expected a URL starting with http:// or https://"));
  CHECK_THAT(error_of_toml("[log]\nlevel = \"INFO\"\n"), Contains("log.level: expected one of trace"));
}

TEST_CASE("a listen address must be host:port with a port from 0 to 65535", "[config]") {
  for (const char* bad : {"localhost", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:http",
                          "127.0.0.1:-1", "::1:8080", "127.0.0.1:8080 ", ""}) {
    INFO("listen = " << bad);
    CHECK_THAT(error_of_toml("[server]\nlisten = \"" + std::string(bad) + "\"\n"), Contains("server.listen"));
  }
  const auto ipv6 = parse_config("server.listen = \"[::1]:65535\"", no_env);
  REQUIRE(ipv6.ok());
  CHECK(ipv6->server.host == "::1");
  CHECK(ipv6->server.port == 65535);
}

TEST_CASE("the retry schedule is a non-empty list of at most 20 positive integers", "[config]") {
  for (const char* bad : {"[]", "[0]", "[60, -1]", "[60, \"x\"]", "[1.5]", "60",
                          "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]"}) {
    INFO("schedule_seconds = " << bad);
    CHECK_THAT(error_of_toml("[retries]\nschedule_seconds = " + std::string(bad) + "\n"),
               Contains("retries.schedule_seconds: expected a non-empty array of at most 20 positive integers"));
  }
  const auto twenty = parse_config("retries.schedule_seconds = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", no_env);
  REQUIRE(twenty.ok());
  CHECK(twenty->retries.schedule_seconds.size() == 20);
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_RETRIES_SCHEDULE_SECONDS", "[]"}}))),
             Contains("BITACORA_RETRIES_SCHEDULE_SECONDS"));
}

TEST_CASE("standard webhooks sources come from the file", "[config]") {
  const auto config = parse_config(R"(
[standard_webhooks.acme]
secret = "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0"
[standard_webhooks.shop-2_b]
secret = "whsec_YWJj"
)",
                                   no_env);
  REQUIRE(config.ok());
  REQUIRE(config->gateways.standard_webhooks.size() == 2);
  CHECK(config->gateways.standard_webhooks.at("acme").reveal() == acme_secret);
  CHECK(config->gateways.standard_webhooks.at("shop-2_b").reveal() == "whsec_YWJj");
}

TEST_CASE("a file's standard webhooks source is overridden through a plain lookup", "[config]") {
  const auto config = parse_config("[standard_webhooks.acme]\nsecret = \"whsec_YWJj\"\n",
                                   env_of({{"BITACORA_STANDARD_WEBHOOKS_ACME_SECRET", std::string(acme_secret)}}));
  REQUIRE(config.ok());
  CHECK(config->gateways.standard_webhooks.at("acme").reveal() == acme_secret);
}

TEST_CASE("standard webhooks sources named only in the environment are added", "[config]") {
  const auto config = parse_with("[standard_webhooks.acme]\nsecret = \"whsec_YWJj\"\n",
                                 {{"BITACORA_STANDARD_WEBHOOKS_BILLING_CO_SECRET", "whsec_ZGVm"},
                                  {"BITACORA_STANDARD_WEBHOOKS_ACME_SECRET", "whsec_Z2hp"},
                                  {"PATH", "/usr/bin"}});
  REQUIRE(config.ok());
  REQUIRE(config->gateways.standard_webhooks.size() == 2);
  CHECK(config->gateways.standard_webhooks.at("billing_co").reveal() == "whsec_ZGVm");
  CHECK(config->gateways.standard_webhooks.at("acme").reveal() == "whsec_Z2hp");
}

TEST_CASE("a misspelled BITACORA variable is an error when the environment's names are given", "[config]") {
  CHECK_THAT(error_of(parse_with("", {{"BITACORA_SERVER_LISTN", "0.0.0.0:1"}})),
             Contains("unknown environment variable BITACORA_SERVER_LISTN"));
  CHECK_THAT(error_of(parse_with("", {{"BITACORA_STANDARD_WEBHOOKS_MP_SECRET", "whsec_YWJj"}})),
             Contains("BITACORA_STANDARD_WEBHOOKS_MP_SECRET"));
}

TEST_CASE("a standard webhooks source needs a valid name and a whsec_ base64 secret", "[config]") {
  for (const char* reserved : {"wompi", "mercadopago", "mp", "stripe", "standard", "checkout"}) {
    INFO("source " << reserved);
    CHECK_THAT(error_of_toml("[standard_webhooks." + std::string(reserved) + "]\nsecret = \"whsec_YWJj\"\n"),
               Contains("standard_webhooks." + std::string(reserved)));
  }
  CHECK_THAT(error_of_toml("[standard_webhooks.\"Acme\"]\nsecret = \"whsec_YWJj\"\n"),
             Contains("standard_webhooks.Acme"));
  CHECK_THAT(error_of_toml("[standard_webhooks." + std::string(65, 'a') + "]\nsecret = \"whsec_YWJj\"\n"),
             Contains("source name of 1 to 64"));
  CHECK_THAT(error_of_toml("[standard_webhooks.acme]\n"), Contains("standard_webhooks.acme.secret: missing"));
  CHECK_THAT(error_of_toml("[standard_webhooks]\nacme = \"whsec_YWJj\"\n"),
             Contains("standard_webhooks.acme: expected a table"));
  CHECK_THAT(error_of_toml("[standard_webhooks.acme]\nsecret = \"whsec_\"\n"),
             Contains("standard_webhooks.acme.secret: expected \"whsec_\" followed by a base64 key"));
  CHECK_THAT(error_of(parse_config("", env_of({{"BITACORA_STANDARD_WEBHOOKS_ACME_SECRET", "whsec_YWJj"}}),
                                   "test.toml", {"BITACORA_STANDARD_WEBHOOKS_ACME_SECRET", "BITACORA_X"})),
             Contains("unknown environment variable BITACORA_X"));
}

TEST_CASE("a secret is never echoed in an error", "[config]") {
  const std::string from_file = error_of_toml("[standard_webhooks.acme]\nsecret = \"sk_live_leaked\"\n");
  CHECK_THAT(from_file, Contains("standard_webhooks.acme.secret"));
  CHECK(from_file.find("sk_live_leaked") == std::string::npos);
  const std::string from_env =
      error_of(parse_config("[standard_webhooks.acme]\nsecret = \"whsec_YWJj\"\n",
                            env_of({{"BITACORA_STANDARD_WEBHOOKS_ACME_SECRET", "sk_live_leaked"}})));
  CHECK_THAT(from_env, Contains("BITACORA_STANDARD_WEBHOOKS_ACME_SECRET"));
  CHECK(from_env.find("sk_live_leaked") == std::string::npos);
  CHECK_THAT(error_of_toml("[auth]\njwt_secret = 12345\n"),
             Contains("auth.jwt_secret: expected a string, got an integer"));
}

TEST_CASE("a TOML syntax error reports the source, line and column", "[config]") {
  const std::string message = error_of_toml("[server]\nlisten = \"127.0.0.1:8080\"\nmax_body_bytes = = 3\n");
  CHECK_THAT(message, Contains("test.toml:3:"));
  CHECK_THAT(message, Contains("invalid TOML"));
}

TEST_CASE("an unreadable config file is an error naming it", "[config]") {
  CHECK_THAT(error_of(load_config("/nonexistent/bitacora.toml", no_env)), Contains("/nonexistent/bitacora.toml"));
}

TEST_CASE("the shipped development config parses", "[config]") {
  const auto config = load_config(BITACORA_SOURCE_DIR "/config/dev.toml", no_env, {});
  if (!config.ok()) FAIL(config.error().message);
  CHECK(config->server.host == "127.0.0.1");
  CHECK(config->server.port == 8080);
  CHECK(config->storage.dir == "./data");
  CHECK_FALSE(config->auth.jwt_secret.empty());
  CHECK_FALSE(config->auth.admin_token.empty());
  CHECK_FALSE(config->gateways.wompi.events_secret.empty());
  CHECK_FALSE(config->gateways.wompi.integrity_secret.empty());
  CHECK_FALSE(config->gateways.mercadopago.webhook_secret.empty());
  CHECK_FALSE(config->gateways.mercadopago.access_token.empty());
  CHECK(config->gateways.mercadopago.api_base == "http://127.0.0.1:8089");
  CHECK_FALSE(config->gateways.stripe.webhook_secret.empty());
  CHECK(config->gateways.standard_webhooks.count("acme") == 1);
  CHECK(config->reservations.ttl_seconds == 900);
  CHECK(config->retries.schedule_seconds == std::vector<int>{60, 300, 900});
}

TEST_CASE("the process environment is looked up and listed", "[config]") {
  REQUIRE(setenv("BITACORA_RESERVATIONS_TTL_SECONDS", "7", 1) == 0);
  const auto names = bitacora::app::process_env_names();
  const auto config = parse_config("", bitacora::app::process_env(), "test.toml", names);
  unsetenv("BITACORA_RESERVATIONS_TTL_SECONDS");
  CHECK(std::find(names.begin(), names.end(), "BITACORA_RESERVATIONS_TTL_SECONDS") != names.end());
  REQUIRE(config.ok());
  CHECK(config->reservations.ttl_seconds == 7);
}

TEST_CASE("named operators are read with the hash of their token, and bad ones are errors naming them", "[config]") {
  const std::string hash = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  auto config = parse_config("[operators.alice]\ntoken_sha256 = \"" + hash + "\"\n[operators.bob-2]\ntoken_sha256 = \"" +
                                 std::string(64, 'a') + "\"\n",
                             no_env);
  REQUIRE(config.ok());
  REQUIRE(config->auth.operators.size() == 2);
  CHECK(config->auth.operators[0].name == "alice");
  CHECK(config->auth.operators[0].token_sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(config->auth.operators[1].name == "bob-2");

  CHECK_THAT(error_of_toml("[operators.admin]\ntoken_sha256 = \"" + hash + "\"\n"), Contains("operators.admin: expected an operator name"));
  CHECK_THAT(error_of_toml("[operators.owner]\ntoken_sha256 = \"" + hash + "\"\n"), Contains("operators.owner"));
  CHECK_THAT(error_of_toml("[operators.Alice]\ntoken_sha256 = \"" + hash + "\"\n"), Contains("operators.Alice"));
  CHECK_THAT(error_of_toml("[operators.carol]\ntoken_sha256 = \"abc\"\n"), Contains("operators.carol.token_sha256: expected the SHA-256"));
  CHECK_THAT(error_of_toml("[operators.carol]\ntoken = \"x\"\n"), Contains("unknown key 'operators.carol.token'"));
  CHECK_THAT(error_of_toml("[operators.carol]\ntoken = \"x\"\n"), Contains("operators.carol.token_sha256: missing"));
  CHECK_THAT(error_of_toml("operators = 1\n"), Contains("operators: expected tables [operators.<name>]"));
}

TEST_CASE("config takes CORS origins, the demo switch, the idempotency window and the JWT policy", "[config]") {
  auto config = parse_config(
      "[http]\ncors_origins = [\"https://shop.example\", \"http://localhost:5173\"]\nserve_demo = true\n"
      "idempotency_ttl_seconds = 3600\n[auth]\nuser_claim = \"user_id\"\nissuer = \"https://shop.example\"\naudience = \"bitacora\"\n",
      no_env);
  REQUIRE(config.ok());
  CHECK(config->http.cors_origins == std::vector<std::string>{"https://shop.example", "http://localhost:5173"});
  CHECK(config->http.serve_demo);
  CHECK(config->http.idempotency_ttl_seconds == 3600);
  CHECK(config->auth.jwt.user_claim == "user_id");
  CHECK(config->auth.jwt.issuer == "https://shop.example");
  CHECK(config->auth.jwt.audience == "bitacora");

  const auto defaults = parse_config("", no_env);
  REQUIRE(defaults.ok());
  CHECK(defaults->http.cors_origins.empty());
  CHECK_FALSE(defaults->http.serve_demo);
  CHECK(defaults->http.idempotency_ttl_seconds == 86400);
  CHECK(defaults->auth.jwt.user_claim == "sub");

  for (const char* bad : {"[\"https://shop.example/\"]", "[\"shop.example\"]", "[\"ftp://x\"]", "[\"https://Shop.example\"]", "[1]",
                          "\"https://shop.example\""}) {
    INFO("cors_origins = " << bad);
    CHECK_THAT(error_of_toml("[http]\ncors_origins = " + std::string(bad) + "\n"), Contains("http.cors_origins: expected"));
  }
  CHECK(parse_config("[http]\ncors_origins = [\"*\"]\n", no_env).ok());
  CHECK_THAT(error_of_toml("[http]\nidempotency_ttl_seconds = 10\n"), Contains("http.idempotency_ttl_seconds"));
  CHECK_THAT(error_of_toml("[auth]\nuser_claim = \"user id\"\n"), Contains("auth.user_claim"));

  auto from_env = parse_config("", env_of({{"BITACORA_HTTP_CORS_ORIGINS", "https://a.example, https://b.example"},
                                           {"BITACORA_AUTH_USER_CLAIM", "uid"}}));
  REQUIRE(from_env.ok());
  CHECK(from_env->http.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(from_env->auth.jwt.user_claim == "uid");
}
