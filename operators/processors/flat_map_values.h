#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamFlatMapValues, behind KStream::flatMapValues: forwards one record per
// value the mapper returns (none for an empty list), each with the input's key, timestamp and
// headers. A fixed-key processor.
// Thread safety: one mapper is shared by the processors of every task, as in Kafka Streams.
template <typename K, typename VIn, typename VOut>
class FlatMapValuesProcessor final : public streams::ContextualFixedKeyProcessor<K, VIn, VOut> {
 public:
  using Mapper = std::function<std::vector<VOut>(const K& key, const VIn& value)>;

  explicit FlatMapValuesProcessor(std::shared_ptr<const Mapper> mapper)
      : mapper_(std::move(mapper)) {}

  void process(const streams::FixedKeyRecord<K, VIn>& record) override {
    for (auto& value : (*mapper_)(record.key(), record.value())) {
      this->context().forward(record.withValue(std::move(value)));
    }
  }

 private:
  std::shared_ptr<const Mapper> mapper_;
};

template <typename K, typename VIn, typename VOut>
streams::FixedKeyProcessorSupplier<K, VIn, VOut> FlatMapValuesSupplier(
    typename FlatMapValuesProcessor<K, VIn, VOut>::Mapper mapper) {
  auto shared = std::make_shared<const typename FlatMapValuesProcessor<K, VIn, VOut>::Mapper>(
      std::move(mapper));
  return [shared] { return std::make_unique<FlatMapValuesProcessor<K, VIn, VOut>>(shared); };
}

}  // namespace brook::operators::processors
