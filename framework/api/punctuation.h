#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace brook::streams {

// What drives a punctuator (Kafka's PunctuationType).
//   kStreamTime: the task's stream time, the largest record timestamp it has processed; fires
//                only as records arrive, once per interval crossed (late intervals are skipped).
//   kWallClockTime: the system clock, checked between records and when the thread is idle.
enum class PunctuationType { kStreamTime, kWallClockTime };

// Called with the time (stream time or wall-clock ms) that triggered it.
using Punctuator = std::function<void(int64_t timestamp)>;

// Handle of a scheduled punctuator; cancel() stops it (safe to call from the punctuator itself
// and more than once). Copies share the schedule.
class Cancellable {
 public:
  struct State {
    bool cancelled = false;
  };
  Cancellable() = default;
  explicit Cancellable(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void cancel() {
    if (state_) state_->cancelled = true;
  }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace brook::streams
