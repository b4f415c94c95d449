#include "broker/server/timing_wheel.h"

namespace brook::broker::server {

TimingWheel::TimingWheel(int64_t start_ms, int64_t tick_ms, int wheel_size)
    : wheel_size_(wheel_size), current_ms_(start_ms) {
  levels_.push_back({tick_ms, start_ms - start_ms % tick_ms,
                     std::vector<Bucket>(static_cast<size_t>(wheel_size))});
}

bool TimingWheel::Place(TaskId id, int64_t expiration_ms) {
  for (size_t level = 0;; ++level) {
    if (level == levels_.size()) {
      const Level& below = levels_.back();
      int64_t tick = below.tick_ms * wheel_size_;
      levels_.push_back({tick, below.current_ms - below.current_ms % tick,
                         std::vector<Bucket>(static_cast<size_t>(wheel_size_))});
    }
    Level& l = levels_[level];
    if (expiration_ms < l.current_ms + l.tick_ms) {
      if (level == 0) return false;  // due now
      continue;
    }
    if (expiration_ms >= l.current_ms + l.tick_ms * wheel_size_) continue;  // a coarser level
    int64_t virtual_id = expiration_ms / l.tick_ms;
    Bucket& bucket = l.buckets[static_cast<size_t>(virtual_id % wheel_size_)];
    bucket.ids.push_back(id);
    int64_t bucket_expiration = virtual_id * l.tick_ms;
    if (bucket.expiration_ms != bucket_expiration) {
      bucket.expiration_ms = bucket_expiration;
      due_.push({bucket_expiration, level, static_cast<size_t>(virtual_id % wheel_size_)});
    }
    return true;
  }
}

TimingWheel::TaskId TimingWheel::Schedule(int64_t expiration_ms, std::function<void()> task) {
  TaskId id = next_id_++;
  tasks_.emplace(id, Task{expiration_ms, std::move(task)});
  if (!Place(id, expiration_ms)) ready_.push_back(id);
  return id;
}

bool TimingWheel::Cancel(TaskId id) { return tasks_.erase(id) > 0; }

void TimingWheel::AdvanceLevels(int64_t time_ms) {
  for (Level& l : levels_) {
    if (time_ms >= l.current_ms + l.tick_ms) l.current_ms = time_ms - time_ms % l.tick_ms;
  }
}

size_t TimingWheel::Advance(int64_t now_ms) {
  size_t ran = 0;
  auto run = [&](TaskId id) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;  // cancelled
    std::function<void()> task = std::move(it->second.run);
    tasks_.erase(it);
    task();
    ++ran;
  };
  std::vector<TaskId> ready;
  ready.swap(ready_);
  for (TaskId id : ready) run(id);
  if (now_ms > current_ms_) current_ms_ = now_ms;
  while (!due_.empty() && due_.top().expiration_ms <= now_ms) {
    Due due = due_.top();
    due_.pop();
    Bucket& bucket = levels_[due.level].buckets[due.bucket];
    if (bucket.expiration_ms != due.expiration_ms) continue;  // stale heap entry
    AdvanceLevels(due.expiration_ms);
    std::vector<TaskId> ids;
    ids.swap(bucket.ids);
    bucket.expiration_ms = -1;
    for (TaskId id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      // Re-place: it moves to a finer level, or is due.
      if (!Place(id, it->second.expiration_ms)) run(id);
    }
  }
  AdvanceLevels(now_ms);
  // Tasks scheduled by tasks that ran, already due.
  while (!ready_.empty()) {
    ready.clear();
    ready.swap(ready_);
    for (TaskId id : ready) run(id);
  }
  return ran;
}

std::optional<int64_t> TimingWheel::NextExpiration() const {
  if (!ready_.empty()) return current_ms_;
  // The heap may hold stale entries of cancelled-only buckets: they only cause an early wake-up.
  if (due_.empty()) return std::nullopt;
  return due_.top().expiration_ms;
}

}  // namespace brook::broker::server
