#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "framework/api/processor.h"
#include "framework/api/record.h"

namespace brook::operators::processors {

// Kafka Streams' ForeachProcessor, behind KStream::foreach: calls the action with each
// record's key and value and forwards nothing (a terminal node).
// Thread safety: one action is shared by the processors of every task, as in Kafka Streams.
template <typename K, typename V>
class ForeachProcessor final : public streams::Processor<K, V, streams::Void, streams::Void> {
 public:
  using Action = std::function<void(const K& key, const V& value)>;

  explicit ForeachProcessor(std::shared_ptr<const Action> action) : action_(std::move(action)) {}

  void process(const streams::Record<K, V>& record) override {
    (*action_)(record.key(), record.value());
  }

 private:
  std::shared_ptr<const Action> action_;
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, streams::Void, streams::Void> ForeachSupplier(
    typename ForeachProcessor<K, V>::Action action) {
  auto shared = std::make_shared<const typename ForeachProcessor<K, V>::Action>(std::move(action));
  return [shared] { return std::make_unique<ForeachProcessor<K, V>>(shared); };
}

}  // namespace brook::operators::processors
