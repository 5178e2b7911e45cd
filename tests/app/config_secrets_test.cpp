// Secrets kept out of the configuration file — <key>_file in the file and in the environment,
// systemd credentials — and check-config's listing, which never shows one.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "app/config.hpp"
#include "tests/app/config_env.hpp"
#include "tests/harness/temp_dir.hpp"

using bitacora::app::Config;
using bitacora::app::parse_config;
using bitacora::testing::TempDir;
using Catch::Matchers::Contains;

namespace {

using bitacora::testing::parse_with;

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace

TEST_CASE("a secret key may be given as <key>_file, its trailing newline dropped", "[config]") {
  TempDir dir;
  write(dir.str("token"), "s3cret-admin\n");
  write(dir.str("stripe"), "whsec_from_file\r\n");
  write(dir.str("acme"), "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0\n");
  auto config = parse_with("[auth]\nadmin_token_file = \"" + dir.str("token") + "\"\n[stripe]\nwebhook_secret_file = \"" +
                               dir.str("stripe") + "\"\n[standard_webhooks.acme]\nsecret_file = \"" + dir.str("acme") + "\"\n",
                           {});
  REQUIRE(config.ok());
  CHECK(config->auth.admin_token.reveal() == "s3cret-admin");
  CHECK(config->gateways.stripe.webhook_secret.reveal() == "whsec_from_file");
  CHECK(config->gateways.standard_webhooks.at("acme").reveal() == "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0");
}

TEST_CASE("a <key>_file that cannot be used is an error naming the key, never showing the secret", "[config]") {
  TempDir dir;
  write(dir.str("empty"), "\n");
  write(dir.str("bad-acme"), "not-a-whsec-secret\n");
  write(dir.str("token"), "tok\n");
  const auto error_of = [](const bitacora::Result<Config>& r) {
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK_THAT(error_of(parse_with("[auth]\nadmin_token_file = \"" + dir.str("missing") + "\"\n", {})),
             Contains("auth.admin_token_file") && Contains("cannot read the secret file"));
  CHECK_THAT(error_of(parse_with("[auth]\nadmin_token_file = \"" + dir.str("empty") + "\"\n", {})), Contains("is empty"));
  CHECK_THAT(error_of(parse_with("[auth]\nadmin_token = \"x\"\nadmin_token_file = \"" + dir.str("token") + "\"\n", {})),
             Contains("not both"));
  const auto bad = error_of(parse_with("[standard_webhooks.acme]\nsecret_file = \"" + dir.str("bad-acme") + "\"\n", {}));
  CHECK_THAT(bad, Contains("standard_webhooks.acme.secret_file"));
  CHECK_THAT(bad, !Contains("not-a-whsec-secret"));
  // Only secret keys have a _file form.
  CHECK_THAT(error_of(parse_with("[log]\nlevel_file = \"" + dir.str("token") + "\"\n", {})), Contains("unknown key 'log.level_file'"));
}

TEST_CASE("BITACORA_<SECTION>_<KEY>_FILE reads a secret from a file", "[config]") {
  TempDir dir;
  write(dir.str("token"), "env-file-token\n");
  auto config = parse_with("", {{"BITACORA_AUTH_ADMIN_TOKEN_FILE", dir.str("token")}});
  REQUIRE(config.ok());
  CHECK(config->auth.admin_token.reveal() == "env-file-token");
  auto both = parse_with("", {{"BITACORA_AUTH_ADMIN_TOKEN_FILE", dir.str("token")}, {"BITACORA_AUTH_ADMIN_TOKEN", "x"}});
  REQUIRE_FALSE(both.ok());
  CHECK_THAT(both.error().message, Contains("set one, not both"));
  // Not a secret: no _FILE form, so it is an unknown variable.
  auto level = parse_with("", {{"BITACORA_LOG_LEVEL_FILE", dir.str("token")}});
  REQUIRE_FALSE(level.ok());
  CHECK_THAT(level.error().message, Contains("unknown environment variable BITACORA_LOG_LEVEL_FILE"));
}

TEST_CASE("systemd credentials fill secrets left unset, and relative _file paths are taken from them", "[config]") {
  TempDir dir;
  write(dir.str("auth.admin_token"), "from-credentials\n");
  write(dir.str("auth.jwt_secret"), "credential-jwt\n");
  write(dir.str("stripe-secret"), "whsec_cred\n");
  auto config = parse_with("[auth]\njwt_secret = \"from-the-file\"\n[stripe]\nwebhook_secret_file = \"stripe-secret\"\n",
                           {{"CREDENTIALS_DIRECTORY", dir.str()}});
  REQUIRE(config.ok());
  CHECK(config->auth.admin_token.reveal() == "from-credentials");
  CHECK(config->auth.jwt_secret.reveal() == "from-the-file");  // the file's setting wins over a credential
  CHECK(config->gateways.stripe.webhook_secret.reveal() == "whsec_cred");
  // Without $CREDENTIALS_DIRECTORY, nothing is read from there.
  auto plain = parse_with("", {});
  REQUIRE(plain.ok());
  CHECK(plain->auth.admin_token.empty());
}

TEST_CASE("show_config lists every key in effect and hides every secret", "[config]") {
  auto config = parse_with("[auth]\nadmin_token = \"very-secret-token\"\n[server]\nlisten = \"[::1]:9000\"\n"
                           "[standard_webhooks.acme]\nsecret = \"whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0\"\n"
                           "[operators.alice]\ntoken_sha256 = \"" + std::string(64, 'a') + "\"\n",
                           {{"BITACORA_LOG_LEVEL", "debug"}});
  REQUIRE(config.ok());
  const std::string shown = bitacora::app::show_config(*config);
  CHECK_THAT(shown, Contains("[server]\nlisten = \"[::1]:9000\"\n"));
  CHECK_THAT(shown, Contains("level = \"debug\""));
  CHECK_THAT(shown, Contains("schedule_seconds = [60, 300, 900]"));
  CHECK_THAT(shown, Contains("# admin_token: set (hidden)"));
  CHECK_THAT(shown, Contains("# jwt_secret: not set"));
  CHECK_THAT(shown, Contains("# [standard_webhooks.acme] secret: set (hidden)"));
  CHECK_THAT(shown, Contains("# [operators.alice] token_sha256: set (hidden)"));
  CHECK_THAT(shown, !Contains("very-secret-token"));
  CHECK_THAT(shown, !Contains(std::string(64, 'a')));
  CHECK_THAT(shown, !Contains("Yml0YWNvcmEt"));
  // What it prints is TOML the server reads back to the same settings (secrets aside).
  auto again = parse_with(shown, {});
  REQUIRE(again.ok());
  CHECK(again->server.host == "::1");
  CHECK(again->server.port == 9000);
  CHECK(again->log.level == "debug");
}
