#include "broker/server/delayed_operation.h"

#include <algorithm>

namespace brook::broker::server {

bool DelayedOperation::ForceComplete() {
  if (completed_) return false;
  completed_ = true;
  if (wheel_ != nullptr && timer_ != 0) wheel_->Cancel(timer_);
  OnComplete();
  return true;
}

bool Purgatory::TryCompleteElseWatch(std::shared_ptr<DelayedOperation> op,
                                     const std::vector<std::string>& keys, int64_t timeout_ms) {
  if (op->TryComplete()) return true;
  // Operations completed through one key (or by timeout) linger in the lists of their other
  // keys until those see an event: sweep now and then so idle keys do not pile them up.
  if (++submitted_since_sweep_ >= kSweepInterval) {
    submitted_since_sweep_ = 0;
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      std::erase_if(it->second, [](const auto& w) { return w->completed(); });
      it = it->second.empty() ? watchers_.erase(it) : std::next(it);
    }
  }
  for (const auto& key : keys) watchers_[key].push_back(op);
  // Kafka tries again after watching, in case the condition became true in between; on one event
  // loop nothing can happen in between, so the first try stands.
  op->wheel_ = wheel_;
  std::weak_ptr<DelayedOperation> weak = op;
  op->timer_ = wheel_->Schedule(wheel_->now_ms() + timeout_ms, [weak] {
    if (auto expired = weak.lock()) {
      if (!expired->completed()) {
        expired->timer_ = 0;
        expired->OnExpiration();
        expired->ForceComplete();
      }
    }
  });
  return false;
}

int Purgatory::CheckAndComplete(const std::string& key) {
  auto it = watchers_.find(key);
  if (it == watchers_.end()) return 0;
  // Completing may submit new operations under this key: work on a copy.
  std::vector<std::shared_ptr<DelayedOperation>> ops = it->second;
  int completed = 0;
  for (const auto& op : ops) {
    if (!op->completed() && op->TryComplete()) ++completed;
  }
  it = watchers_.find(key);
  if (it != watchers_.end()) {
    std::erase_if(it->second, [](const auto& op) { return op->completed(); });
    if (it->second.empty()) watchers_.erase(it);
  }
  return completed;
}

size_t Purgatory::watched() const {
  size_t n = 0;
  for (const auto& [key, ops] : watchers_) {
    n += static_cast<size_t>(
        std::count_if(ops.begin(), ops.end(), [](const auto& op) { return !op->completed(); }));
  }
  return n;
}

}  // namespace brook::broker::server
