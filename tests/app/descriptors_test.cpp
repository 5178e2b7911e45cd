// How `serve` shares out its file descriptors between connections, table files and its own.
#include <catch2/catch.hpp>

#include "app/descriptors.hpp"

using namespace bitacora;

TEST_CASE("connections get what table files and the process's own descriptors leave", "[app][descriptors]") {
  auto small = app::plan_descriptors(std::uint64_t{256}, 4096);
  REQUIRE(small.ok());
  CHECK(small->table_files == 64);
  CHECK(small->connections == 256 - 64 - app::kReservedDescriptors);

  auto large = app::plan_descriptors(std::uint64_t{1} << 20, 4096);
  REQUIRE(large.ok());
  CHECK(large->table_files == 4096);
  CHECK(large->connections == 4096);  // the configured number, when it fits

  auto tight = app::plan_descriptors(std::uint64_t{100}, 4096);
  REQUIRE_FALSE(tight.ok());
  CHECK(tight.error().message.find("ulimit -n") != std::string::npos);
}
