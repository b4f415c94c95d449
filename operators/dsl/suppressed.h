#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "operators/dsl/named.h"

namespace brook::streams {

// How KTable::suppress holds back updates (Kafka Streams' Suppressed). Offered:
// untilWindowCloses, for a windowed aggregation's table: each window's updates are buffered
// and only its final result is forwarded, once the stream time passes the window's end plus its
// grace period. The buffer is unbounded (Kafka's BufferConfig.unbounded()) and kept in memory
// with a changelog, so under exactly_once_v2 a window's final result is forwarded exactly once,
// across crashes. The buffer's store is "<name>-store" (or KTABLE-SUPPRESS-STATE-STORE-<n>).
//
//   counts.suppress(Suppressed::untilWindowCloses())
//
// Thread safety: a value type.
class Suppressed {
 public:
  static Suppressed untilWindowCloses() { return Suppressed(); }

  // Names the suppression node (and so its store "<name>-store"). Validated as Named::as.
  Suppressed withName(std::string name) const {
    Suppressed copy = *this;
    copy.name_ = Named::as(std::move(name)).name();
    return copy;
  }
  // Topic configs for the buffer's changelog (logging is on by default).
  Suppressed withLoggingEnabled(std::map<std::string, std::string> config) const {
    Suppressed copy = *this;
    copy.logging_ = true;
    copy.log_config_ = std::move(config);
    return copy;
  }
  // No changelog: a crash loses buffered windows (their final results are never forwarded).
  Suppressed withLoggingDisabled() const {
    Suppressed copy = *this;
    copy.logging_ = false;
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  bool loggingEnabled() const { return logging_; }
  const std::map<std::string, std::string>& logConfig() const { return log_config_; }

 private:
  Suppressed() = default;

  std::optional<std::string> name_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace brook::streams
