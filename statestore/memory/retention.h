#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

// Kafka's retention rules, shared by the RocksDB and in-memory window and session stores.
namespace brook::statestore::retention {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// The smallest time that is not expired: observed - retention + 1, kNoTime before any write
// (observed == kNoTime). Times below it are expired: puts drop them, reads skip them.
inline int64_t MinLiveTime(int64_t observed_stream_time, int64_t retention_ms) {
  if (observed_stream_time == kNoTime) return kNoTime;
  if (observed_stream_time < kNoTime + retention_ms) return kNoTime;
  return observed_stream_time - retention_ms + 1;
}

// Kafka's default segment interval: max(retention / 2, 60 s).
inline int64_t DefaultSegmentInterval(int64_t retention_ms) {
  return std::max<int64_t>(retention_ms / 2, 60'000);
}

// A window's end, start + size, saturating at the largest time (Kafka's).
inline int64_t WindowEnd(int64_t window_start, int64_t window_size_ms) {
  if (window_start > kMaxTime - window_size_ms) return kMaxTime;
  return window_start + window_size_ms;
}

// Kafka's checks of Stores.persistentWindowStore / inMemoryWindowStore; std::invalid_argument.
inline void CheckWindowStore(const std::string& name, int64_t retention_ms,
                             int64_t window_size_ms) {
  if (name.empty()) throw std::invalid_argument("a window store needs a name");
  if (retention_ms < 0) {
    throw std::invalid_argument("window store " + name +
                                ": retention period must not be negative, got " +
                                std::to_string(retention_ms) + " ms");
  }
  if (window_size_ms < 0) {
    throw std::invalid_argument("window store " + name +
                                ": window size must not be negative, got " +
                                std::to_string(window_size_ms) + " ms");
  }
  if (window_size_ms > retention_ms) {
    throw std::invalid_argument(
        "window store " + name + ": the retention period (" + std::to_string(retention_ms) +
        " ms) must be no smaller than the window size (" + std::to_string(window_size_ms) + " ms)");
  }
}

inline void CheckSessionStore(const std::string& name, int64_t retention_ms) {
  if (name.empty()) throw std::invalid_argument("a session store needs a name");
  if (retention_ms < 0) {
    throw std::invalid_argument("session store " + name +
                                ": retention period must not be negative, got " +
                                std::to_string(retention_ms) + " ms");
  }
}

}  // namespace brook::statestore::retention
