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

// Kafka Streams' KStreamReduce, behind KGroupedStream::reduce: a key's first value is its
// aggregate; each later one is combined as reducer(aggregate, value). The aggregate's timestamp
// is the largest of its records'.
template <typename K, typename V>
class StreamReduceProcessor final : public streams::ContextualProcessor<K, V, K, streams::Change<V>> {
 public:
  using Reducer = std::function<V(const V& aggregate, const V& value)>;
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<V>>;

  StreamReduceProcessor(std::string store_name, std::shared_ptr<const Reducer> reducer,
                        std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)),
        reducer_(std::move(reducer)),
        send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<V>>& context) override {
    streams::ContextualProcessor<K, V, K, streams::Change<V>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
  }

  void process(const streams::Record<K, V>& record) override {
    std::optional<streams::ValueAndTimestamp<V>> old = store_->get(record.key());
    std::optional<V> old_value;
    int64_t timestamp = record.timestamp();
    V reduced;
    if (old) {
      timestamp = std::max(timestamp, old->timestamp);
      reduced = (*reducer_)(old->value, record.value());
      old_value = std::move(old->value);
    } else {
      reduced = record.value();
    }
    store_->put(record.key(), streams::ValueAndTimestamp<V>{reduced, timestamp});
    forwarder_->MaybeForward(record.key(), std::move(reduced), std::move(old_value), timestamp,
                             record.headers());
  }

 private:
  std::string store_name_;
  std::shared_ptr<const Reducer> reducer_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<K, V>> forwarder_;
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, K, streams::Change<V>> StreamReduceSupplier(
    std::string store_name, typename StreamReduceProcessor<K, V>::Reducer reducer,
    std::shared_ptr<const bool> send_old_values) {
  auto shared = std::make_shared<const typename StreamReduceProcessor<K, V>::Reducer>(
      std::move(reducer));
  return [=] {
    return std::make_unique<StreamReduceProcessor<K, V>>(store_name, shared, send_old_values);
  };
}

}  // namespace brook::operators::processors
