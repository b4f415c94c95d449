#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "framework/api/processor.h"
#include "framework/api/record.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamMap, behind KStream::map and selectKey: replaces each record's key and
// value by the mapper's KeyValue, keeping its timestamp and headers.
// Thread safety: one mapper is shared by the processors of every task, as in Kafka Streams.
template <typename KIn, typename VIn, typename KOut, typename VOut>
class MapProcessor final : public streams::ContextualProcessor<KIn, VIn, KOut, VOut> {
 public:
  using Mapper = std::function<streams::KeyValue<KOut, VOut>(const KIn& key, const VIn& value)>;

  explicit MapProcessor(std::shared_ptr<const Mapper> mapper) : mapper_(std::move(mapper)) {}

  void process(const streams::Record<KIn, VIn>& record) override {
    streams::KeyValue<KOut, VOut> pair = (*mapper_)(record.key(), record.value());
    this->context().forward(streams::Record<KOut, VOut>(std::move(pair.key), std::move(pair.value),
                                                        record.timestamp(), record.headers()));
  }

 private:
  std::shared_ptr<const Mapper> mapper_;
};

template <typename KIn, typename VIn, typename KOut, typename VOut>
streams::ProcessorSupplier<KIn, VIn, KOut, VOut> MapSupplier(
    typename MapProcessor<KIn, VIn, KOut, VOut>::Mapper mapper) {
  auto shared = std::make_shared<const typename MapProcessor<KIn, VIn, KOut, VOut>::Mapper>(
      std::move(mapper));
  return [shared] { return std::make_unique<MapProcessor<KIn, VIn, KOut, VOut>>(shared); };
}

}  // namespace brook::operators::processors
