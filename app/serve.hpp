// `bitacora serve`: wires the log, the writer, the services and the HTTP server together and runs
// until SIGTERM or SIGINT, then shuts down gracefully (stop accepting, finish in-flight requests,
// drain the writer, close the log).
#pragma once

#include <optional>
#include <string>

#include "app/config.hpp"

namespace bitacora::app {

struct ServeFlags {
  std::optional<std::string> port_file;  // where to write the bound port (for port 0)
};

// Returns the process exit code.
[[nodiscard]] int serve(const Config& config, const ServeFlags& flags);

}  // namespace bitacora::app
