#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/server/timing_wheel.h"

namespace brook::broker::server {

// A request that waits for a condition or a deadline (Kafka's DelayedOperation): a Fetch
// waiting for min.bytes, later a JoinGroup waiting for the other members. Subclasses say when
// they can complete and what completing does.
//
// Life: TryComplete() is called when the operation is first submitted and each time one of its
// keys sees an event; when it returns true, or the timeout passes, OnComplete() runs exactly
// once (after OnExpiration() in the timeout case).
// Thread safety: none; everything runs on the server's event loop.
class DelayedOperation {
 public:
  virtual ~DelayedOperation() = default;

  // Checks the condition; when met, calls ForceComplete() and returns its result.
  virtual bool TryComplete() = 0;
  // Finishes the operation (sends the response). Called once.
  virtual void OnComplete() = 0;
  // Called once, before OnComplete(), when the deadline passed first.
  virtual void OnExpiration() {}

  // Completes now unless already completed; true when this call completed it.
  bool ForceComplete();
  bool completed() const { return completed_; }

 private:
  friend class Purgatory;
  bool completed_ = false;
  TimingWheel* wheel_ = nullptr;
  TimingWheel::TaskId timer_ = 0;
};

// Holds delayed operations by key until they complete (Kafka's DelayedOperationPurgatory).
// Deadlines live on a TimingWheel that the owner advances.
// Thread safety: none; one event loop owns it.
class Purgatory {
 public:
  explicit Purgatory(TimingWheel* wheel) : wheel_(wheel) {}
  Purgatory(const Purgatory&) = delete;
  Purgatory& operator=(const Purgatory&) = delete;

  // Tries `op` once; if it does not complete, watches it under `keys` and expires it after
  // `timeout_ms`. Returns true when it completed right away.
  bool TryCompleteElseWatch(std::shared_ptr<DelayedOperation> op,
                            const std::vector<std::string>& keys, int64_t timeout_ms);
  // Tries every operation watching `key` (after an append to that partition, ...). Returns how
  // many completed.
  int CheckAndComplete(const std::string& key);
  // Operations still watched under some key (completed ones are dropped lazily).
  size_t watched() const;

 private:
  static constexpr int kSweepInterval = 1024;
  TimingWheel* wheel_;
  int submitted_since_sweep_ = 0;
  std::unordered_map<std::string, std::vector<std::shared_ptr<DelayedOperation>>> watchers_;
};

}  // namespace brook::broker::server
