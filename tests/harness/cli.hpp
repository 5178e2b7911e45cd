// Running the real binary's subcommands (export, replay, audit) from black-box tests and benchmarks.
#pragma once

#include <string>
#include <vector>

namespace bitacora::testing {

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;  // standard output, one entry per line
  [[nodiscard]] std::string text() const;
};

// The binary under test: $BITACORA_TEST_BINARY when set (to run the suites against another
// build, e.g. an older one to see a test fail before its fix), else the one built with them.
[[nodiscard]] std::string bitacora_binary();

// Runs `bitacora <args>`; standard error is discarded unless `keep_stderr` (then it joins stdout).
[[nodiscard]] CliRun run_cli(const std::string& args, bool keep_stderr = false);

}  // namespace bitacora::testing
