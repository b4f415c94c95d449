#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "framework/api/detail/node.h"
#include "framework/api/punctuation.h"

namespace brook::framework::runtime {

// The punctuators of one task for one PunctuationType (Kafka's PunctuationQueue), due in order
// of their next time.
// Thread safety: used by the task's thread only.
class PunctuationQueue {
 public:
  struct Schedule {
    streams::detail::NodeInstance* node;
    int64_t interval_ms;
    int64_t next_ms;
    streams::Punctuator punctuator;
    std::shared_ptr<streams::Cancellable::State> state;
  };

  // First due at `first_ms`, then every `interval_ms`.
  streams::Cancellable Add(streams::detail::NodeInstance* node, int64_t first_ms,
                           int64_t interval_ms, streams::Punctuator punctuator);

  // Runs `run(schedule, now_ms)` for every schedule due at `now_ms`, earliest first, each at
  // most once per call; a schedule that missed several intervals fires once and moves to the
  // next interval after `now_ms` (Kafka's PunctuationSchedule.next). Cancelled schedules are
  // dropped. Returns whether anything ran. Schedules added while running wait for the next call.
  bool MaybePunctuate(int64_t now_ms, const std::function<void(Schedule&, int64_t)>& run);

  bool empty() const { return schedules_.empty(); }

 private:
  std::vector<std::unique_ptr<Schedule>> schedules_;
};

}  // namespace brook::framework::runtime
