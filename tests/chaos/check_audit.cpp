// Check 5: the log, rebuilt by `bitacora audit` beside the running server, has no violation.
#include "tests/chaos/checks.hpp"
#include "tests/harness/cli.hpp"

namespace bitacora::chaos {

bool check_audit(const CheckContext& ctx, const std::string& data_dir) {
  const auto run = testing::run_cli("audit --data-dir " + data_dir, true);
  if (run.exit_code == 0) return true;
  int shown = 0;
  for (const auto& line : run.lines)
    if (line.find("violation") != std::string::npos && ++shown <= 20) ctx.findings->add(ctx.cycle, invariant::audit_clean, line);
  ctx.findings->add(ctx.cycle, invariant::audit_clean,
                    "exit " + std::to_string(run.exit_code) + (shown ? "" : ": " + run.text().substr(0, 2000)));
  return false;
}

}  // namespace bitacora::chaos
