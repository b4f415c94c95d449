#include "framework/runtime/punctuation_queue.h"

#include <algorithm>

namespace brook::framework::runtime {

streams::Cancellable PunctuationQueue::Add(streams::detail::NodeInstance* node, int64_t first_ms,
                                           int64_t interval_ms, streams::Punctuator punctuator) {
  auto state = std::make_shared<streams::Cancellable::State>();
  schedules_.push_back(std::make_unique<Schedule>(
      Schedule{node, interval_ms, first_ms, std::move(punctuator), state}));
  return streams::Cancellable(std::move(state));
}

bool PunctuationQueue::MaybePunctuate(int64_t now_ms,
                                      const std::function<void(Schedule&, int64_t)>& run) {
  std::erase_if(schedules_, [](const auto& s) { return s->state->cancelled; });
  std::vector<Schedule*> due;
  for (const auto& schedule : schedules_) {
    if (schedule->next_ms <= now_ms) due.push_back(schedule.get());
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const Schedule* a, const Schedule* b) { return a->next_ms < b->next_ms; });
  // Keep the schedules alive while they run: a punctuator may schedule more (appended) or
  // cancel itself (dropped at the next call).
  for (Schedule* schedule : due) {
    if (schedule->state->cancelled) continue;
    const int64_t scheduled = schedule->next_ms;
    int64_t next = scheduled + schedule->interval_ms;
    if (now_ms >= next) {
      const int64_t missed = (now_ms - scheduled) / schedule->interval_ms;
      next = scheduled + (missed + 1) * schedule->interval_ms;
    }
    schedule->next_ms = next;
    run(*schedule, now_ms);
  }
  std::erase_if(schedules_, [](const auto& s) { return s->state->cancelled; });
  return !due.empty();
}

}  // namespace brook::framework::runtime
