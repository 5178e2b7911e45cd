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

thread_local std::string t_request_id;

// %q: the current request's id, when there is one — " request_id=<id>" in text.
class RequestIdText final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (t_request_id.empty()) return;
    constexpr std::string_view label = " request_id=";
    dest.append(label.data(), label.data() + label.size());
    dest.append(t_request_id.data(), t_request_id.data() + t_request_id.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdText>(); }
};

// %Q: the same as a JSON member, `,"request_id":"<id>"`.
class RequestIdJson final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (t_request_id.empty()) return;
    constexpr std::string_view label = R"(,"request_id":")";
    dest.append(label.data(), label.data() + label.size());
    dest.append(t_request_id.data(), t_request_id.data() + t_request_id.size());
    dest.push_back('"');
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdJson>(); }
};

}  // namespace

RequestScope::RequestScope(std::string_view id) : previous_(std::move(t_request_id)) { t_request_id.assign(id); }
RequestScope::~RequestScope() { t_request_id = std::move(previous_); }
std::string_view current_request_id() noexcept { return t_request_id; }

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
  if (format == LogFormat::text) {
    // spdlog's own pattern, and the request's id after the message.
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<RequestIdText>('q').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v%q");
    spdlog::set_formatter(std::move(formatter));
    return;
  }
  // Module names and levels are this program's own words: no escaping needed for them.
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonEscapedMessage>('j').add_flag<RequestIdJson>('Q').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","module":"%n","message":"%j"%Q})");
  spdlog::set_formatter(std::move(formatter));
}

}  // namespace bitacora
