// The TOML configuration (app/config.hpp): the whole input as the file's text, with no
// environment, through parsing and validation. Every refusal must be an error value, never an
// exception or a crash; a refusal names at least one key or position.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "fuzz/check.hpp"

using namespace bitacora;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const app::EnvLookup no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = app::parse_config(text, no_env, "fuzz.toml");
  if (!config) FUZZ_CHECK(!config.error().message.empty());
  return 0;
}
