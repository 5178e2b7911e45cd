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

// Runs `bitacora <args>`; standard error is discarded unless `keep_stderr` (then it joins stdout).
[[nodiscard]] CliRun run_cli(const std::string& args, bool keep_stderr = false);

}  // namespace bitacora::testing
