#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "framework/api/errors.h"

namespace brook::streams {

// The time window of a KStream-KStream join (Kafka Streams' JoinWindows): a record of this
// stream at time t joins the other stream's records of the same key with timestamps in
// [t - before, t + after]; `grace` is how long after a window ends out-of-order records are
// still joined (a record whose window ended more than `grace` before stream time is dropped).
//
//   JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::minutes(5))      // +-5 minutes
//   JoinWindows::ofTimeDifferenceAndGrace(5min, 1min).after(0ms)          // only earlier ones
//
// Thread safety: a value type.
class JoinWindows {
 public:
  // Symmetric windows of `difference` each way and no grace. Throws TopologyException for a
  // negative duration.
  static JoinWindows ofTimeDifferenceWithNoGrace(std::chrono::milliseconds difference) {
    return ofTimeDifferenceAndGrace(difference, std::chrono::milliseconds(0));
  }
  static JoinWindows ofTimeDifferenceAndGrace(std::chrono::milliseconds difference,
                                              std::chrono::milliseconds grace) {
    if (difference.count() < 0) {
      throw TopologyException("JoinWindows: the time difference must not be negative");
    }
    if (grace.count() < 0) {
      throw TopologyException("JoinWindows: the grace period must not be negative");
    }
    return JoinWindows(difference.count(), difference.count(), grace.count());
  }

  // The same windows reaching `difference` back (Kafka's before(); may be negative as long as
  // before + after is not). Throws TopologyException when before + after < 0.
  JoinWindows before(std::chrono::milliseconds difference) const {
    return JoinWindows(difference.count(), after_ms_, grace_ms_);
  }
  // The same windows reaching `difference` ahead.
  JoinWindows after(std::chrono::milliseconds difference) const {
    return JoinWindows(before_ms_, difference.count(), grace_ms_);
  }

  int64_t beforeMs() const { return before_ms_; }
  int64_t afterMs() const { return after_ms_; }
  int64_t gracePeriodMs() const { return grace_ms_; }
  // Kafka's size(): before + after; the join's window stores keep records for size + grace.
  int64_t size() const { return before_ms_ + after_ms_; }

 private:
  JoinWindows(int64_t before_ms, int64_t after_ms, int64_t grace_ms)
      : before_ms_(before_ms), after_ms_(after_ms), grace_ms_(grace_ms) {
    if (before_ms_ + after_ms_ < 0) {
      throw TopologyException(
          "JoinWindows: the window interval (before + after) must not be "
          "negative, got before=" +
          std::to_string(before_ms_) + " after=" + std::to_string(after_ms_));
    }
  }

  int64_t before_ms_;
  int64_t after_ms_;
  int64_t grace_ms_;
};

}  // namespace brook::streams
