#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "framework/api/processor.h"
#include "framework/api/record.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamFlatMap, behind KStream::flatMap: forwards one record per KeyValue the
// mapper returns (none for an empty list), in order, each with the input's timestamp and
// headers. (The DSL turns whatever range the user's mapper returns into the vector.)
// Thread safety: one mapper is shared by the processors of every task, as in Kafka Streams.
template <typename KIn, typename VIn, typename KOut, typename VOut>
class FlatMapProcessor final : public streams::ContextualProcessor<KIn, VIn, KOut, VOut> {
 public:
  using Mapper =
      std::function<std::vector<streams::KeyValue<KOut, VOut>>(const KIn& key, const VIn& value)>;

  explicit FlatMapProcessor(std::shared_ptr<const Mapper> mapper) : mapper_(std::move(mapper)) {}

  void process(const streams::Record<KIn, VIn>& record) override {
    for (auto& pair : (*mapper_)(record.key(), record.value())) {
      this->context().forward(streams::Record<KOut, VOut>(
          std::move(pair.key), std::move(pair.value), record.timestamp(), record.headers()));
    }
  }

 private:
  std::shared_ptr<const Mapper> mapper_;
};

template <typename KIn, typename VIn, typename KOut, typename VOut>
streams::ProcessorSupplier<KIn, VIn, KOut, VOut> FlatMapSupplier(
    typename FlatMapProcessor<KIn, VIn, KOut, VOut>::Mapper mapper) {
  auto shared = std::make_shared<const typename FlatMapProcessor<KIn, VIn, KOut, VOut>::Mapper>(
      std::move(mapper));
  return [shared] { return std::make_unique<FlatMapProcessor<KIn, VIn, KOut, VOut>>(shared); };
}

}  // namespace brook::operators::processors
