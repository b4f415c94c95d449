#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamAggregate, behind KGroupedStream::aggregate and count: folds each
// record into its key's aggregate in a timestamped key-value store and forwards the key's new
// aggregate as a table change. The first record of a key starts from initializer(); an
// aggregate's timestamp is the largest of its records'.
template <typename K, typename V, typename VAgg>
class StreamAggregateProcessor final
    : public streams::ContextualProcessor<K, V, K, streams::Change<VAgg>> {
 public:
  using Initializer = std::function<VAgg()>;
  using Aggregator = std::function<VAgg(const K& key, const V& value, const VAgg& aggregate)>;
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<VAgg>>;

  StreamAggregateProcessor(std::string store_name, std::shared_ptr<const Initializer> initializer,
                           std::shared_ptr<const Aggregator> aggregator,
                           std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)),
        initializer_(std::move(initializer)),
        aggregator_(std::move(aggregator)),
        send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<VAgg>>& context) override {
    streams::ContextualProcessor<K, V, K, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
  }

  void process(const streams::Record<K, V>& record) override {
    std::optional<streams::ValueAndTimestamp<VAgg>> old = store_->get(record.key());
    std::optional<VAgg> old_value;
    int64_t timestamp = record.timestamp();
    VAgg aggregate;
    if (old) {
      timestamp = std::max(timestamp, old->timestamp);
      aggregate = (*aggregator_)(record.key(), record.value(), old->value);
      old_value = std::move(old->value);
    } else {
      aggregate = (*aggregator_)(record.key(), record.value(), (*initializer_)());
    }
    store_->put(record.key(), streams::ValueAndTimestamp<VAgg>{aggregate, timestamp});
    forwarder_->MaybeForward(record.key(), std::move(aggregate), std::move(old_value), timestamp,
                             record.headers());
  }

 private:
  std::string store_name_;
  std::shared_ptr<const Initializer> initializer_;
  std::shared_ptr<const Aggregator> aggregator_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<K, VAgg>> forwarder_;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, K, streams::Change<VAgg>> StreamAggregateSupplier(
    std::string store_name, typename StreamAggregateProcessor<K, V, VAgg>::Initializer initializer,
    typename StreamAggregateProcessor<K, V, VAgg>::Aggregator aggregator,
    std::shared_ptr<const bool> send_old_values) {
  using P = StreamAggregateProcessor<K, V, VAgg>;
  auto init = std::make_shared<const typename P::Initializer>(std::move(initializer));
  auto agg = std::make_shared<const typename P::Aggregator>(std::move(aggregator));
  return [=] { return std::make_unique<P>(store_name, init, agg, send_old_values); };
}

}  // namespace brook::operators::processors
