#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamMapValues, behind KStream::mapValues: replaces each record's value by
// mapper(key, value); the key, timestamp and headers stay. A fixed-key processor, so no
// repartition is ever needed after it. (A value-only mapper is wrapped by the DSL.)
// Thread safety: one mapper is shared by the processors of every task, as in Kafka Streams.
template <typename K, typename VIn, typename VOut>
class MapValuesProcessor final : public streams::ContextualFixedKeyProcessor<K, VIn, VOut> {
 public:
  using Mapper = std::function<VOut(const K& key, const VIn& value)>;

  explicit MapValuesProcessor(std::shared_ptr<const Mapper> mapper) : mapper_(std::move(mapper)) {}

  void process(const streams::FixedKeyRecord<K, VIn>& record) override {
    this->context().forward(record.withValue((*mapper_)(record.key(), record.value())));
  }

 private:
  std::shared_ptr<const Mapper> mapper_;
};

template <typename K, typename VIn, typename VOut>
streams::FixedKeyProcessorSupplier<K, VIn, VOut> MapValuesSupplier(
    typename MapValuesProcessor<K, VIn, VOut>::Mapper mapper) {
  auto shared =
      std::make_shared<const typename MapValuesProcessor<K, VIn, VOut>::Mapper>(std::move(mapper));
  return [shared] { return std::make_unique<MapValuesProcessor<K, VIn, VOut>>(shared); };
}

}  // namespace brook::operators::processors
