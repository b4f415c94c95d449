#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamPeek, behind KStream::peek: calls the action with each record's key
// and value, then forwards the record unchanged. A fixed-key processor.
// Thread safety: one action is shared by the processors of every task, as in Kafka Streams.
template <typename K, typename V>
class PeekProcessor final : public streams::ContextualFixedKeyProcessor<K, V, V> {
 public:
  using Action = std::function<void(const K& key, const V& value)>;

  explicit PeekProcessor(std::shared_ptr<const Action> action) : action_(std::move(action)) {}

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    (*action_)(record.key(), record.value());
    this->context().forward(record);
  }

 private:
  std::shared_ptr<const Action> action_;
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, V, V> PeekSupplier(
    typename PeekProcessor<K, V>::Action action) {
  auto shared = std::make_shared<const typename PeekProcessor<K, V>::Action>(std::move(action));
  return [shared] { return std::make_unique<PeekProcessor<K, V>>(shared); };
}

}  // namespace brook::operators::processors
