#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamFilter, behind KStream::filter and filterNot: forwards each record the
// predicate accepts (or, when `negate`, rejects) unchanged: key, value, timestamp and headers.
// Thread safety: one predicate is shared by the processors of every task, as in Kafka Streams;
// it must be safe to call from several stream threads.
template <typename K, typename V>
class FilterProcessor final : public streams::ContextualFixedKeyProcessor<K, V, V> {
 public:
  using Predicate = std::function<bool(const K& key, const V& value)>;

  FilterProcessor(std::shared_ptr<const Predicate> predicate, bool negate)
      : predicate_(std::move(predicate)), negate_(negate) {}

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    if (negate_ != (*predicate_)(record.key(), record.value())) this->context().forward(record);
  }

 private:
  std::shared_ptr<const Predicate> predicate_;
  bool negate_;
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, V, V> FilterSupplier(
    typename FilterProcessor<K, V>::Predicate predicate, bool negate) {
  auto shared =
      std::make_shared<const typename FilterProcessor<K, V>::Predicate>(std::move(predicate));
  return [shared, negate] { return std::make_unique<FilterProcessor<K, V>>(shared, negate); };
}

}  // namespace brook::operators::processors
