#include "tests/harness/cli.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace bitacora::testing {

std::string CliRun::text() const {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

std::string bitacora_binary() {
  const char* other = std::getenv("BITACORA_TEST_BINARY");
  return other && *other ? other : BITACORA_BINARY;
}

CliRun run_cli(const std::string& args, bool keep_stderr) {
  std::string command = bitacora_binary() + " " + args + (keep_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  // Thrown, not REQUIRE'd: benchmarks run it outside any test case (a test fails on it either way).
  if (!pipe) throw std::runtime_error("cannot run " + command);
  CliRun run;
  std::string line;
  int ch;
  while ((ch = std::fgetc(pipe)) != EOF) {
    if (ch == '\n') {
      run.lines.push_back(std::move(line));
      line.clear();
    } else {
      line += static_cast<char>(ch);
    }
  }
  if (!line.empty()) run.lines.push_back(std::move(line));
  run.exit_code = WEXITSTATUS(pclose(pipe));
  return run;
}

}  // namespace bitacora::testing
