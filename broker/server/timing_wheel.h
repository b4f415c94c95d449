#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace brook::broker::server {

// A hierarchical timing wheel (Varghese & Lauck; Kafka's TimingWheel + SystemTimer): O(1) insert
// and cancel for the many short timeouts of a broker (Fetch long-polls, group and transaction
// timeouts).
//
// Level 0 has `wheel_size` buckets of `tick_ms`; level k+1 has `wheel_size` buckets, each as wide
// as all of level k. A task lands in the finest level whose span covers its expiration; when a
// coarse bucket comes due its tasks move down to finer levels, and tasks in a due level-0 bucket
// run. A min-heap of bucket expirations (Kafka's DelayQueue) says when the next bucket is due,
// so the driver sleeps until NextExpiration() instead of ticking.
//
// Thread safety: none; one thread owns the wheel (the server's event loop).
class TimingWheel {
 public:
  using TaskId = uint64_t;

  // `start_ms`: the current time. Default: 1 ms ticks, 20 buckets per level (as Kafka).
  explicit TimingWheel(int64_t start_ms, int64_t tick_ms = 1, int wheel_size = 20);
  TimingWheel(const TimingWheel&) = delete;
  TimingWheel& operator=(const TimingWheel&) = delete;

  // Schedules `task` to run at `expiration_ms` (or at the next Advance when that is already
  // past). Returns an id for Cancel().
  TaskId Schedule(int64_t expiration_ms, std::function<void()> task);
  // True when the task was pending and will not run.
  bool Cancel(TaskId id);
  // Moves the clock to `now_ms` and runs every task due by then, in expiration order of their
  // buckets. Tasks may schedule or cancel other tasks. Returns how many ran.
  size_t Advance(int64_t now_ms);
  // When the next bucket is due (a task may run then), or nullopt when nothing is scheduled.
  std::optional<int64_t> NextExpiration() const;

  size_t size() const { return tasks_.size(); }
  int64_t now_ms() const { return current_ms_; }

 private:
  struct Task {
    int64_t expiration_ms;
    std::function<void()> run;
  };
  struct Bucket {
    int64_t expiration_ms = -1;  // start of the time slot this bucket currently holds
    std::vector<TaskId> ids;
  };
  struct Level {
    int64_t tick_ms;
    int64_t current_ms;  // rounded down to tick_ms
    std::vector<Bucket> buckets;
  };
  struct Due {
    int64_t expiration_ms;
    size_t level;
    size_t bucket;
    bool operator>(const Due& o) const { return expiration_ms > o.expiration_ms; }
  };

  // Places a task in the right bucket; false when it is already due.
  bool Place(TaskId id, int64_t expiration_ms);
  void AdvanceLevels(int64_t time_ms);

  int wheel_size_;
  int64_t current_ms_;
  std::vector<Level> levels_;
  std::unordered_map<TaskId, Task> tasks_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::vector<TaskId> ready_;  // due when scheduled; run on the next Advance
  TaskId next_id_ = 1;
};

}  // namespace brook::broker::server
