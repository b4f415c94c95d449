#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/windowed.h"

namespace brook::streams {

// Fixed-size windows on event time (Kafka Streams' TimeWindows): tumbling (the advance equals
// the size, the default) or hopping (advanceBy a smaller step, so windows overlap). A window
// [start, start + size) takes records with start <= timestamp < start + size; starts are
// multiples of the advance from the epoch. The grace period is how long after a window's end
// late records are still added: a window closes when stream time reaches end + grace, and
// records for a closed window are dropped (and counted, see docs/guides/streams.md).
//
//   TimeWindows::ofSizeAndGrace(std::chrono::minutes(1), std::chrono::seconds(10))
//
// Thread safety: a value type.
class TimeWindows {
 public:
  // Windows of `size` and no grace: a record later than its window's end is dropped.
  // Throws TopologyException for a size below 1 ms.
  static TimeWindows ofSizeWithNoGrace(std::chrono::milliseconds size) {
    return ofSizeAndGrace(size, std::chrono::milliseconds(0));
  }
  // Throws TopologyException for a size below 1 ms or a negative grace.
  static TimeWindows ofSizeAndGrace(std::chrono::milliseconds size,
                                    std::chrono::milliseconds grace) {
    if (size.count() <= 0) {
      throw TopologyException("TimeWindows: the window size must be larger than zero, got " +
                              std::to_string(size.count()) + " ms");
    }
    if (grace.count() < 0) {
      throw TopologyException("TimeWindows: the grace period must not be negative, got " +
                              std::to_string(grace.count()) + " ms");
    }
    return TimeWindows(size.count(), size.count(), grace.count());
  }
  // Hopping windows that start every `advance`. Throws TopologyException unless
  // 0 < advance <= size.
  TimeWindows advanceBy(std::chrono::milliseconds advance) const {
    if (advance.count() <= 0 || advance.count() > size_ms_) {
      throw TopologyException("TimeWindows: the advance must be more than zero and at most the " +
                              std::string("window size (") + std::to_string(size_ms_) +
                              " ms), got " + std::to_string(advance.count()) + " ms");
    }
    return TimeWindows(size_ms_, advance.count(), grace_ms_);
  }

  // The windows a record at `timestamp` belongs to, by start time (Kafka's windowsFor).
  std::vector<Window> windowsFor(int64_t timestamp) const {
    std::vector<Window> windows;
    int64_t start = (std::max<int64_t>(0, timestamp - size_ms_ + advance_ms_) / advance_ms_) *
                    advance_ms_;
    for (; start <= timestamp; start += advance_ms_) windows.emplace_back(start, start + size_ms_);
    return windows;
  }

  int64_t size() const { return size_ms_; }
  int64_t advance() const { return advance_ms_; }
  int64_t gracePeriodMs() const { return grace_ms_; }

 private:
  TimeWindows(int64_t size, int64_t advance, int64_t grace)
      : size_ms_(size), advance_ms_(advance), grace_ms_(grace) {}

  int64_t size_ms_;
  int64_t advance_ms_;
  int64_t grace_ms_;
};

}  // namespace brook::streams
