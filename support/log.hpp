// Each module logs through its own named spdlog logger (STYLE.md 11), so a line says where it came
// from ("[storage]") and levels can be set per module. Loggers share the default logger's sinks.
// Thread-safe; the first call for a name creates its logger.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace bitacora {

[[nodiscard]] spdlog::logger& module_logger(const char* module);

// Sets the level of the default logger and of every module logger.
void set_log_level(spdlog::level::level_enum level);

// The request a thread is working for: while a RequestScope lives, every line this thread logs
// carries its id (text: " request_id=<id>" at the end; JSON: a "request_id" member). The HTTP
// session opens one around a handler, and work it hands to the blocking pool reopens it there
// (http/context.hpp post_blocking). Ids are checked by the session (A-Z a-z 0-9 . _ : -, at most
// 128), so they go into lines as they are.
class RequestScope {
 public:
  explicit RequestScope(std::string_view id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};
// The id of the request this thread works for, or "" outside any.
[[nodiscard]] std::string_view current_request_id() noexcept;

// How lines are written ([log] format): spdlog's text, or one JSON object per line —
// {"time","level","module","message"}, the message escaped — for log collectors.
enum class LogFormat { text, json };
void set_log_format(LogFormat format);

}  // namespace bitacora
