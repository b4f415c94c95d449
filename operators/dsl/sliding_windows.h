#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "framework/api/errors.h"

namespace brook::streams {

// Sliding windows on event time (Kafka Streams' SlidingWindows): for each key, every window
// [t - timeDifference, t] (both ends included) that holds at least one record, as if a window
// of that size slid along the time line and stopped wherever its content changes. A record at t
// starts its own "left" window [t - difference, t] and, when later records of the key fall
// within the difference, a "right" window [t + 1, t + 1 + difference]. The grace period is how
// long after a window's end late records are still added: a window closes when stream time
// reaches end + grace.
//
//   SlidingWindows::ofTimeDifferenceAndGrace(std::chrono::minutes(5), std::chrono::seconds(30))
//
// Thread safety: a value type.
class SlidingWindows {
 public:
  // Throws TopologyException for a difference below 1 ms.
  static SlidingWindows ofTimeDifferenceWithNoGrace(std::chrono::milliseconds difference) {
    return ofTimeDifferenceAndGrace(difference, std::chrono::milliseconds(0));
  }
  // Throws TopologyException for a difference below 1 ms or a negative grace.
  static SlidingWindows ofTimeDifferenceAndGrace(std::chrono::milliseconds difference,
                                                 std::chrono::milliseconds grace) {
    if (difference.count() <= 0) {
      throw TopologyException("SlidingWindows: the time difference must be larger than zero, got " +
                              std::to_string(difference.count()) + " ms");
    }
    if (grace.count() < 0) {
      throw TopologyException("SlidingWindows: the grace period must not be negative, got " +
                              std::to_string(grace.count()) + " ms");
    }
    return SlidingWindows(difference.count(), grace.count());
  }

  int64_t timeDifferenceMs() const { return difference_ms_; }
  int64_t gracePeriodMs() const { return grace_ms_; }

 private:
  SlidingWindows(int64_t difference, int64_t grace)
      : difference_ms_(difference), grace_ms_(grace) {}

  int64_t difference_ms_;
  int64_t grace_ms_;
};

}  // namespace brook::streams
