#include "support/log.hpp"

namespace bitacora {

spdlog::logger& module_logger(const char* module) {
  if (auto existing = spdlog::get(module)) return *existing;
  auto logger = std::make_shared<spdlog::logger>(module, spdlog::default_logger()->sinks().begin(),
                                                 spdlog::default_logger()->sinks().end());
  logger->set_level(spdlog::default_logger()->level());
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered it first; use that one.
  }
  return *spdlog::get(module);
}

void set_log_level(spdlog::level::level_enum level) { spdlog::set_level(level); }

}  // namespace bitacora
