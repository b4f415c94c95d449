#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace brook {

// One named spdlog logger per module ("broker.log", "broker.record", "runtime", ...), all
// writing to stderr through one shared sink. Messages start with their entity: "[orders-3] ...".
// Thread safety: safe from any thread.

// Returns the logger named `name`, creating it on first use at the global level.
std::shared_ptr<spdlog::logger> GetLogger(std::string_view name);

// Sets the level of every logger, present and future. `level` is an spdlog level name
// ("trace", "debug", "info", "warn", "error", "off"); BROOK_LOG_LEVEL in the environment, if
// set, is read by InitLoggingFromEnv().
void SetLogLevel(std::string_view level);
void InitLoggingFromEnv();

// Lets a repeated warning through at most once per `interval_ms`; counts what it suppressed.
// Thread safety: safe from any thread.
class RateLimiter {
 public:
  explicit RateLimiter(int64_t interval_ms) : interval_ms_(interval_ms) {}
  // True when the caller may log now; `suppressed` receives how many calls were refused since
  // the last allowed one.
  bool Allow(int64_t now_ms, int64_t* suppressed);

 private:
  int64_t interval_ms_;
  int64_t next_allowed_ms_ = 0;
  int64_t suppressed_ = 0;
  std::mutex mutex_;
};

}  // namespace brook
