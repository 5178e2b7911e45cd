// Each module logs through its own named spdlog logger (STYLE.md 11), so a line says where it came
// from ("[storage]") and levels can be set per module. Loggers share the default logger's sinks.
// Thread-safe; the first call for a name creates its logger.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace bitacora {

[[nodiscard]] spdlog::logger& module_logger(const char* module);

// Sets the level of the default logger and of every module logger.
void set_log_level(spdlog::level::level_enum level);

}  // namespace bitacora
