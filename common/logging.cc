#include "common/logging.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace brook {
namespace {

struct LoggingState {
  std::mutex mutex;
  spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  spdlog::level::level_enum level = spdlog::level::info;
};

LoggingState& State() {
  static LoggingState* state = new LoggingState();  // never destroyed: loggers outlive statics
  return *state;
}

}  // namespace

std::shared_ptr<spdlog::logger> GetLogger(std::string_view name) {
  LoggingState& state = State();
  std::lock_guard lock(state.mutex);
  std::string key(name);
  if (auto existing = spdlog::get(key)) return existing;
  auto logger = std::make_shared<spdlog::logger>(key, state.sink);
  logger->set_level(state.level);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %n: %v");
  spdlog::register_logger(logger);
  return logger;
}

void SetLogLevel(std::string_view level) {
  LoggingState& state = State();
  std::lock_guard lock(state.mutex);
  state.level = spdlog::level::from_str(std::string(level));
  spdlog::set_level(state.level);
}

void InitLoggingFromEnv() {
  if (const char* level = std::getenv("BROOK_LOG_LEVEL")) SetLogLevel(level);
}

bool RateLimiter::Allow(int64_t now_ms, int64_t* suppressed) {
  std::lock_guard lock(mutex_);
  if (now_ms < next_allowed_ms_) {
    ++suppressed_;
    return false;
  }
  next_allowed_ms_ = now_ms + interval_ms_;
  if (suppressed != nullptr) *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace brook
