#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "framework/api/errors.h"

namespace brook::streams {

// Session windows (Kafka Streams' SessionWindows): a key's records closer in time than the
// inactivity gap belong to one session [first record, last record]; a record that falls between
// two sessions merges them. The grace period is how long after a session's end late records may
// still join or extend it: a session closes when stream time passes end + grace.
//
//   SessionWindows::ofInactivityGapAndGrace(std::chrono::minutes(5), std::chrono::seconds(30))
//
// Thread safety: a value type.
class SessionWindows {
 public:
  // Throws TopologyException for a gap below 1 ms.
  static SessionWindows ofInactivityGapWithNoGrace(std::chrono::milliseconds gap) {
    return ofInactivityGapAndGrace(gap, std::chrono::milliseconds(0));
  }
  // Throws TopologyException for a gap below 1 ms or a negative grace.
  static SessionWindows ofInactivityGapAndGrace(std::chrono::milliseconds gap,
                                                std::chrono::milliseconds grace) {
    if (gap.count() <= 0) {
      throw TopologyException("SessionWindows: the inactivity gap must be larger than zero, got " +
                              std::to_string(gap.count()) + " ms");
    }
    if (grace.count() < 0) {
      throw TopologyException("SessionWindows: the grace period must not be negative, got " +
                              std::to_string(grace.count()) + " ms");
    }
    return SessionWindows(gap.count(), grace.count());
  }

  int64_t inactivityGap() const { return gap_ms_; }
  int64_t gracePeriodMs() const { return grace_ms_; }

 private:
  SessionWindows(int64_t gap, int64_t grace) : gap_ms_(gap), grace_ms_(grace) {}

  int64_t gap_ms_;
  int64_t grace_ms_;
};

}  // namespace brook::streams
