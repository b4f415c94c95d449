#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace brook::operators::processors {

// What the two processors of one left/outer KStream-KStream join share within a task (Kafka's
// KStreamImplJoin.TimeTracker): the largest timestamp either side has seen (the join's own
// stream time, not the task's), the smallest timestamp put in the outer store since the last
// emit scan (so a scan is skipped while nothing can have closed), and the wall-clock time before
// which no scan runs again (the emit interval throttles scans of the outer store).
// Thread safety: used by one task's thread only.
struct JoinTimeTracker {
  // Kafka's ConsumerRecord.NO_TIMESTAMP.
  int64_t stream_time = -1;
  int64_t min_time = std::numeric_limits<int64_t>::max();
  int64_t next_time_to_emit = 0;
  int64_t emit_interval_ms = 1000;

  void AdvanceStreamTime(int64_t timestamp) { stream_time = std::max(stream_time, timestamp); }
  void UpdateMinTime(int64_t timestamp) { min_time = std::min(min_time, timestamp); }
  void AdvanceNextTimeToEmit() { next_time_to_emit += emit_interval_ms; }
};

// One JoinTimeTracker per task, made by whichever side of the join is initialized first and
// dropped when a side closes (Kafka's TimeTrackerSupplier). Both join processors' suppliers
// hold the same instance. Thread safety: safe to share between stream threads (each task's
// tracker is then used by that task's thread only).
class JoinTimeTrackerSupplier {
 public:
  // The task's tracker; shared with the processors so that one side closing first leaves the
  // other's valid.
  std::shared_ptr<JoinTimeTracker> Get(const std::string& task_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<JoinTimeTracker>& tracker = trackers_[task_id];
    if (!tracker) tracker = std::make_shared<JoinTimeTracker>();
    return tracker;
  }
  void Remove(const std::string& task_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    trackers_.erase(task_id);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<JoinTimeTracker>> trackers_;
};

}  // namespace brook::operators::processors
