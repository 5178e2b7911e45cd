#include "support/log.hpp"

#include <spdlog/pattern_formatter.h>

#include "support/json_writer.hpp"

namespace bitacora {
namespace {

// %j: the message as the inside of a JSON string.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string escaped;
    json_escape(escaped, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

}  // namespace

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

void set_log_format(LogFormat format) {
  if (format == LogFormat::text) return;
  // Module names and levels are this program's own words: no escaping needed for them.
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonEscapedMessage>('j').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","module":"%n","message":"%j"})");
  spdlog::set_formatter(std::move(formatter));
}

}  // namespace bitacora
