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

// How lines are written ([log] format): spdlog's text, or one JSON object per line —
// {"time","level","module","message"}, the message escaped — for log collectors.
enum class LogFormat { text, json };
void set_log_format(LogFormat format);

}  // namespace bitacora
